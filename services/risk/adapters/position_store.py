"""Per-user exposure snapshots (risk.exposure.v2) in the risk schema: the highest version wins
and replaces the user's positions as a whole."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.risk.adapters.tables import exposures, positions
from services.risk.domain.positions import Exposure, Position


async def replace(conn: AsyncConnection, exposure: Exposure) -> bool:
    """False when the stored snapshot is already at least as new (nothing written)."""
    statement = insert(exposures).values(user_id=exposure.user_id, version=exposure.version,
                                         as_of_unix_ms=exposure.as_of_unix_ms)
    result = await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"version": statement.excluded.version, "as_of_unix_ms": statement.excluded.as_of_unix_ms},
        where=exposures.c.version < statement.excluded.version).returning(exposures.c.version))
    if result.first() is None:
        return False
    await conn.execute(positions.delete().where(positions.c.user_id == exposure.user_id))
    if exposure.positions:
        await conn.execute(positions.insert(), [
            dict(user_id=exposure.user_id, symbol=p.symbol, asset=p.asset, size=p.size,
                 entry_price=p.entry_price, mark_price=p.mark_price, margin=p.margin)
            for p in exposure.positions])
    return True


async def load_all(conn: AsyncConnection) -> list[Exposure]:
    by_user: dict[str, list[Position]] = {}
    for r in (await conn.execute(sa.select(positions))).all():
        by_user.setdefault(r.user_id, []).append(Position(
            symbol=r.symbol, asset=r.asset, size=Decimal(r.size), entry_price=Decimal(r.entry_price),
            mark_price=Decimal(r.mark_price), margin=Decimal(r.margin)))
    return [Exposure(user_id=r.user_id, version=r.version, as_of_unix_ms=r.as_of_unix_ms,
                     positions=tuple(by_user.get(r.user_id, ())))
            for r in (await conn.execute(sa.select(exposures))).all()]
