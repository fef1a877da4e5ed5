"""Per-user exposure snapshots (risk.exposure.v2) in the risk schema: the highest version wins
and replaces the user's positions as a whole."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import qualified, sql_one, sql_run
from services.risk.adapters.tables import exposures, positions
from services.risk.domain.positions import Exposure, Position

# Plain SQL (services/platform/db.py): one snapshot per risk.exposure.v2, i.e. per trade.
_CLAIM = (f"INSERT INTO {qualified(exposures)} (user_id, version, as_of_unix_ms) VALUES (%s, %s, %s) "
          "ON CONFLICT (user_id) DO UPDATE SET version = EXCLUDED.version, as_of_unix_ms = EXCLUDED.as_of_unix_ms "
          f"WHERE {qualified(exposures)}.version < EXCLUDED.version RETURNING version")
_CLEAR = f"DELETE FROM {qualified(positions)} WHERE user_id = %s"
_INSERT = (f"INSERT INTO {qualified(positions)} (user_id, symbol, asset, size, entry_price, mark_price, margin) "
           "SELECT %s::text, * FROM unnest(%s::text[], %s::text[], %s::numeric[], %s::numeric[], %s::numeric[], "
           "%s::numeric[])")


async def replace(conn: AsyncConnection, exposure: Exposure) -> bool:
    """False when the stored snapshot is already at least as new (nothing written)."""
    if await sql_one(conn, _CLAIM, (exposure.user_id, exposure.version, exposure.as_of_unix_ms)) is None:
        return False
    await sql_run(conn, _CLEAR, (exposure.user_id,))
    if exposure.positions:
        columns = zip(*((p.symbol, p.asset, p.size, p.entry_price, p.mark_price, p.margin)
                        for p in exposure.positions), strict=True)
        await sql_run(conn, _INSERT, (exposure.user_id, *map(list, columns)))
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
