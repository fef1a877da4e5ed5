"""Last mark and index price per symbol in the risk schema (the newest computation wins)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import insert_sql, qualified, set_excluded, sql_one
from services.risk.adapters.tables import prices
from services.risk.domain.prices import Quote, SymbolPrices


def _upsert_sql(kind: str) -> str:
    columns = (f"{kind}_price", f"{kind}_stale", f"{kind}_at_unix_ms")
    return (f"{insert_sql(prices, ('symbol', *columns))} ON CONFLICT (symbol) DO UPDATE SET {set_excluded(columns)} "
            f"WHERE {qualified(prices)}.{kind}_at_unix_ms <= EXCLUDED.{kind}_at_unix_ms RETURNING symbol")


# Plain SQL (services/platform/db.py): one per price event, heartbeats included.
_UPSERT = {kind: _upsert_sql(kind) for kind in ("mark", "index")}


async def upsert(conn: AsyncConnection, symbol: str, kind: str, quote: Quote) -> bool:
    """`kind` is "mark" or "index". False when a newer quote of that kind is stored."""
    return await sql_one(conn, _UPSERT[kind], (symbol, quote.price, quote.stale, quote.at_unix_ms)) is not None


async def upsert_both(conn: AsyncConnection, prices: SymbolPrices) -> None:
    """The symbol's mark and index, each only if newer than the stored one."""
    for kind, quote in (("mark", prices.mark), ("index", prices.index)):
        if quote is not None:
            await upsert(conn, prices.symbol, kind, quote)


def _quote(price, stale: bool, at: int) -> Quote | None:
    return Quote(Decimal(price), stale, at) if price is not None else None


async def load_all(conn: AsyncConnection) -> list[SymbolPrices]:
    return [SymbolPrices(r.symbol, mark=_quote(r.mark_price, r.mark_stale, r.mark_at_unix_ms),
                         index=_quote(r.index_price, r.index_stale, r.index_at_unix_ms))
            for r in (await conn.execute(sa.select(prices))).all()]
