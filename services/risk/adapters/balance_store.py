"""Wallet balances in the risk schema: the highest version of each (user, asset) wins, with the
order-margin levels it was published with (JSON {symbol: level})."""
from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import insert_sql, qualified, set_excluded, sql_one
from services.platform.decimals import format_decimal
from services.risk.adapters.tables import balances
from services.risk.domain.accounts import Balance

_DECIMALS = ("available", "locked", "position_margin", "total")
_COLUMNS = [f.name for f in fields(Balance)]
# Plain SQL (services/platform/db.py): one of these per wallet.balance.updated.v1.
_UPSERT = (f"{insert_sql(balances, _COLUMNS)} ON CONFLICT (user_id, asset) DO UPDATE SET "
           f"{set_excluded(_COLUMNS[2:])} WHERE {qualified(balances)}.version < EXCLUDED.version RETURNING version")


def _row(balance: Balance) -> tuple:
    levels = json.dumps({symbol: format_decimal(level) for symbol, level in balance.order_margin})
    return tuple(levels if name == "order_margin" else getattr(balance, name) for name in _COLUMNS)


async def upsert(conn: AsyncConnection, balance: Balance) -> bool:
    """False when the stored version is already at least as new (nothing written)."""
    return await sql_one(conn, _UPSERT, _row(balance)) is not None


async def load_all(conn: AsyncConnection) -> list[Balance]:
    rows = (await conn.execute(sa.select(balances))).all()
    return [Balance(user_id=r.user_id, asset=r.asset, version=r.version, updated_at_unix_ms=r.updated_at_unix_ms,
                    order_margin=tuple(sorted((s, Decimal(v)) for s, v in json.loads(r.order_margin).items())),
                    **{name: Decimal(getattr(r, name)) for name in _DECIMALS}) for r in rows]
