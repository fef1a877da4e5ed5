"""In-flight placement attempts (see app/placement.py for why they exist)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import placements


@dataclass(frozen=True)
class Placement:
    user_id: str
    client_order_id: str
    order_id: str
    request_fingerprint: str
    attempts: int
    updated_at_unix_ms: int
    symbol: str = ""


def _from_row(row) -> Placement:
    return Placement(row.user_id, row.client_order_id, row.order_id, row.request_fingerprint, row.attempts,
                     row.updated_at_unix_ms, row.symbol)


async def claim(conn: AsyncConnection, *, user_id: str, client_order_id: str, order_id: str,
                fingerprint: str, now_ms: int, symbol: str = "") -> Placement:
    """Creates the attempt, or counts one more attempt of the same body. Returns the stored row,
    whose fingerprint the caller compares (a different body is not counted)."""
    statement = pg_insert(placements).values(
        user_id=user_id, client_order_id=client_order_id, order_id=order_id, request_fingerprint=fingerprint,
        attempts=1, created_at_unix_ms=now_ms, updated_at_unix_ms=now_ms, symbol=symbol)
    statement = statement.on_conflict_do_update(
        index_elements=[placements.c.user_id, placements.c.client_order_id],
        set_={"attempts": placements.c.attempts + 1, "updated_at_unix_ms": now_ms},
        where=placements.c.request_fingerprint == statement.excluded.request_fingerprint,
    ).returning(*placements.c)
    row = (await conn.execute(statement)).first()
    if row is None:  # taken by a different body
        row = (await conn.execute(sa.select(placements).where(
            placements.c.user_id == user_id, placements.c.client_order_id == client_order_id))).first()
    return _from_row(row)


async def lock(conn: AsyncConnection, user_id: str, client_order_id: str) -> Placement | None:
    """Holds the attempt for the rest of the transaction; waits while another request holds it."""
    row = (await conn.execute(sa.select(placements).where(
        placements.c.user_id == user_id, placements.c.client_order_id == client_order_id)
        .with_for_update())).first()
    return _from_row(row) if row else None


async def delete(conn: AsyncConnection, user_id: str, client_order_id: str) -> None:
    await conn.execute(placements.delete().where(
        placements.c.user_id == user_id, placements.c.client_order_id == client_order_id))


async def stale_for_update(conn: AsyncConnection, *, updated_before_ms: int, limit: int) -> list[Placement]:
    """Attempts nobody holds (a live request keeps its row locked) and nobody touched lately."""
    rows = (await conn.execute(
        sa.select(placements).where(placements.c.updated_at_unix_ms < updated_before_ms)
        .order_by(placements.c.updated_at_unix_ms).limit(limit).with_for_update(skip_locked=True))).all()
    return [_from_row(row) for row in rows]
