"""Position sizes per (user, symbol), mirrored from Position's events (highest version kept).
In the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import positions


async def put(conn: AsyncConnection, user_id: str, symbol: str, size: Decimal, version: int) -> bool:
    """False when a newer (or the same) version is stored already."""
    statement = pg_insert(positions).values(user_id=user_id, symbol=symbol, size=size, version=version)
    statement = statement.on_conflict_do_update(
        index_elements=[positions.c.user_id, positions.c.symbol],
        set_={"size": statement.excluded.size, "version": statement.excluded.version},
        where=positions.c.version < statement.excluded.version,
    ).returning(positions.c.user_id)
    return (await conn.execute(statement)).first() is not None


async def size(conn: AsyncConnection, user_id: str, symbol: str) -> Decimal:
    value = await conn.scalar(sa.select(positions.c.size).where(positions.c.user_id == user_id,
                                                                positions.c.symbol == symbol))
    return value if value is not None else Decimal(0)
