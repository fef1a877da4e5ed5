"""Transactional outbox: write the event with the state change, relay it to Kafka after.

`add_event()` inserts into the service's outbox inside the caller's transaction, so the
event exists iff the change committed. `OutboxRelay` publishes unpublished rows in id order
with an idempotent producer and marks them published only after Kafka acknowledged them: a
crash in between republishes the same event id, which consumers' inboxes drop.
"""
from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.events import event_headers
from services.platform.ids import new_id, now_ms

log = logging.getLogger(__name__)


async def add_event(conn: AsyncConnection, outbox: sa.Table, *, topic: str, key: str,
                    event: Message, event_id: str | None = None,
                    occurred_at_unix_ms: int | None = None) -> str:
    event_id = event_id or new_id()
    await conn.execute(outbox.insert().values(
        event_id=event_id, topic=topic, key=key, event_type=event.DESCRIPTOR.full_name,
        payload=event.SerializeToString(),
        occurred_at_unix_ms=occurred_at_unix_ms or now_ms(),
    ))
    return event_id


class OutboxRelay:
    def __init__(self, engine: AsyncEngine, outbox: sa.Table, producer, *,
                 batch_size: int = 500, idle_sleep_s: float = 0.02) -> None:
        self._engine = engine
        self._outbox = outbox
        self._producer = producer
        self._batch_size = batch_size
        self._idle_sleep_s = idle_sleep_s
        self._lock_key = f"outbox:{outbox.schema}"
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that added events, to skip the idle sleep."""
        self._wake.set()

    async def run(self) -> None:
        backoff = self._idle_sleep_s
        while True:
            try:
                sent = await self.relay_once()
                backoff = self._idle_sleep_s
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying", extra={"schema": self._outbox.schema})
                sent = 0
                backoff = min(backoff * 2 if backoff else 0.1, 5.0)
            if sent == 0:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=backoff)
                except TimeoutError:
                    pass

    async def relay_once(self) -> int:
        """Publishes one batch; returns how many events it published."""
        table = self._outbox
        async with self._engine.begin() as conn:
            # One relay per schema at a time keeps per-key order across replicas.
            got = await conn.scalar(sa.text("SELECT pg_try_advisory_xact_lock(hashtext(:k))"),
                                    {"k": self._lock_key})
            if not got:
                return 0
            rows = (await conn.execute(
                sa.select(table.c.id, table.c.event_id, table.c.topic, table.c.key,
                          table.c.event_type, table.c.payload, table.c.occurred_at_unix_ms)
                .where(table.c.published_at_unix_ms.is_(None))
                .order_by(table.c.id).limit(self._batch_size)
            )).all()
            if not rows:
                return 0
            await publish_all(self._producer, [
                (r.topic, r.key, r.payload, event_headers(r.event_id, r.event_type, r.occurred_at_unix_ms))
                for r in rows
            ])
            await conn.execute(table.update().where(table.c.id.in_([r.id for r in rows]))
                               .values(published_at_unix_ms=now_ms()))
            return len(rows)


async def publish_all(producer, records) -> None:
    """Produces records and waits until Kafka acknowledged every one; raises on any failure."""
    errors: list[str] = []

    def on_delivery(err, msg) -> None:
        if err is not None:
            errors.append(f"{msg.topic()}: {err}")

    for topic, key, value, headers in records:
        while True:
            try:
                producer.produce(topic, key=key.encode(), value=value, headers=headers,
                                 on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
    remaining = await asyncio.to_thread(producer.flush, 30)
    if remaining:
        raise RuntimeError(f"{remaining} events not acknowledged by Kafka within 30 s")
    if errors:
        raise RuntimeError("Kafka refused events: " + "; ".join(errors[:5]))
