"""Consumer-side dedupe: an event id is applied at most once per consumer."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.ids import now_ms


async def claim(conn: AsyncConnection, inbox: sa.Table, consumer: str, event_id: str) -> bool:
    """True if this event is new for `consumer` (and now recorded in the open transaction)."""
    result = await conn.execute(
        insert(inbox).values(consumer=consumer, event_id=event_id, applied_at_unix_ms=now_ms())
        .on_conflict_do_nothing().returning(inbox.c.event_id))
    return result.first() is not None


async def claim_many(conn: AsyncConnection, inbox: sa.Table, consumer: str, event_ids: list[str]) -> set[str]:
    """The ids among `event_ids` that are new for `consumer`, now recorded in the open
    transaction (one round trip for a whole batch)."""
    if not event_ids:
        return set()
    now = now_ms()
    rows = [{"consumer": consumer, "event_id": event_id, "applied_at_unix_ms": now}
            for event_id in dict.fromkeys(event_ids)]
    result = await conn.execute(insert(inbox).values(rows).on_conflict_do_nothing().returning(inbox.c.event_id))
    return {row[0] for row in result}
