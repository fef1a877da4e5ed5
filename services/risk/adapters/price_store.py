"""Last mark and index price per symbol in the risk schema (the newest computation wins)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.risk.adapters.tables import prices
from services.risk.domain.prices import Quote, SymbolPrices


async def upsert(conn: AsyncConnection, symbol: str, kind: str, quote: Quote) -> bool:
    """`kind` is "mark" or "index". False when a newer quote of that kind is stored."""
    at = prices.c[f"{kind}_at_unix_ms"]
    values = {f"{kind}_price": quote.price, f"{kind}_stale": quote.stale, f"{kind}_at_unix_ms": quote.at_unix_ms}
    statement = insert(prices).values(symbol=symbol, **values)
    result = await conn.execute(statement.on_conflict_do_update(
        index_elements=["symbol"], set_={k: statement.excluded[k] for k in values},
        where=at <= statement.excluded[f"{kind}_at_unix_ms"]).returning(prices.c.symbol))
    return result.first() is not None


def _quote(price, stale: bool, at: int) -> Quote | None:
    return Quote(Decimal(price), stale, at) if price is not None else None


async def load_all(conn: AsyncConnection) -> list[SymbolPrices]:
    return [SymbolPrices(r.symbol, mark=_quote(r.mark_price, r.mark_stale, r.mark_at_unix_ms),
                         index=_quote(r.index_price, r.index_stale, r.index_at_unix_ms))
            for r in (await conn.execute(sa.select(prices))).all()]
