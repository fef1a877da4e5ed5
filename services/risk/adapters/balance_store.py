"""Wallet balances in the risk schema: the highest version of each (user, asset) wins."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.risk.adapters.tables import balances
from services.risk.domain.accounts import Balance

_DECIMALS = ("available", "locked", "position_margin", "total")


async def upsert(conn: AsyncConnection, balance: Balance) -> bool:
    """False when the stored version is already at least as new (nothing written)."""
    values = asdict(balance)
    statement = insert(balances).values(**values)
    result = await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "asset"],
        set_={k: statement.excluded[k] for k in values if k not in ("user_id", "asset")},
        where=balances.c.version < statement.excluded.version).returning(balances.c.version))
    return result.first() is not None


async def load_all(conn: AsyncConnection) -> list[Balance]:
    rows = (await conn.execute(sa.select(balances))).all()
    return [Balance(user_id=r.user_id, asset=r.asset, version=r.version, updated_at_unix_ms=r.updated_at_unix_ms,
                    **{name: Decimal(getattr(r, name)) for name in _DECIMALS}) for r in rows]
