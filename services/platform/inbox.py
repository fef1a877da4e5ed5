"""Consumer-side dedupe: an event id is applied at most once per consumer.

Plain SQL on the transaction's psycopg connection (services/platform/db.py, driver_connection):
every consumed event runs this."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import driver_connection, qualified
from services.platform.ids import now_ms


@functools.cache  # built once per table: this runs for every consumed batch
def _claim_sql(inbox: sa.Table) -> str:
    return (f"INSERT INTO {qualified(inbox)} (consumer, event_id, applied_at_unix_ms) "
            "SELECT %s, unnest(%s::text[]), %s ON CONFLICT DO NOTHING RETURNING event_id")


async def claim(conn: AsyncConnection, inbox: sa.Table, consumer: str, event_id: str) -> bool:
    """True if this event is new for `consumer` (and now recorded in the open transaction)."""
    return event_id in await claim_many(conn, inbox, consumer, [event_id])


async def claim_many(conn: AsyncConnection, inbox: sa.Table, consumer: str, event_ids: list[str]) -> set[str]:
    """The ids among `event_ids` that are new for `consumer`, now recorded in the open
    transaction (one round trip for a whole batch)."""
    if not event_ids:
        return set()
    raw = await driver_connection(conn)
    cursor = await raw.execute(_claim_sql(inbox), (consumer, list(dict.fromkeys(event_ids)), now_ms()))
    return {row[0] for row in await cursor.fetchall()}
