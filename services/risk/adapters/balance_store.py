"""Wallet balances in the risk schema: the highest version of each (user, asset) wins."""
from __future__ import annotations

from dataclasses import astuple, fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import insert_sql, qualified, set_excluded, sql_one
from services.risk.adapters.tables import balances
from services.risk.domain.accounts import Balance

_DECIMALS = ("available", "locked", "position_margin", "total")
_COLUMNS = [f.name for f in fields(Balance)]
# Plain SQL (services/platform/db.py): one of these per wallet.balance.updated.v1.
_UPSERT = (f"{insert_sql(balances, _COLUMNS)} ON CONFLICT (user_id, asset) DO UPDATE SET "
           f"{set_excluded(_COLUMNS[2:])} WHERE {qualified(balances)}.version < EXCLUDED.version RETURNING version")


async def upsert(conn: AsyncConnection, balance: Balance) -> bool:
    """False when the stored version is already at least as new (nothing written)."""
    return await sql_one(conn, _UPSERT, astuple(balance)) is not None


async def load_all(conn: AsyncConnection) -> list[Balance]:
    rows = (await conn.execute(sa.select(balances))).all()
    return [Balance(user_id=r.user_id, asset=r.asset, version=r.version, updated_at_unix_ms=r.updated_at_unix_ms,
                    **{name: Decimal(getattr(r, name)) for name in _DECIMALS}) for r in rows]
