"""Kafka producer and the consume-apply-commit loop (confluent-kafka).

A consumed event is applied in ONE database transaction together with its inbox row, and the
Kafka offset is committed only after that transaction committed. A crash between the two
redelivers the event; the inbox makes the redelivery a no-op.

What is already waiting is applied as a batch in one transaction (every event id of the batch
is claimed in the inbox, so exactly-once still holds per event): under load that is one commit
for many events instead of one each. If a batch fails it is retried one event per transaction,
so a bad event is isolated and retried alone without holding back the ones before it.

Offsets are stored, not committed, after each transaction; how they reach the broker and how
consumers long-poll: services/platform/kafka_clients.py, which also makes the clients (imported
from here too, where services have always found them).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from confluent_kafka import TopicPartition
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform import inbox as inbox_mod
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import sent_together
from services.platform.events import MalformedEvent, ReceivedEvent, from_kafka
from services.platform.kafka_clients import (  # noqa: F401 -- these makers are re-exported
    MAX_BATCH,
    STORED_OFFSETS,
    make_consumer,
    make_producer,
    next_batch,
)

log = logging.getLogger(__name__)

Handler = Callable[[AsyncConnection, Message, ReceivedEvent], Awaitable[None]]


class EventConsumer:
    """Subscribes to topics and applies each event exactly once through `handlers`.

    `handlers` maps a protobuf message class to its handler; events of other types on the
    same topics are acknowledged and skipped (topics may carry several event types).
    `relevant` drops events before the transaction (no inbox row for what needs no effect).
    `on_committed` runs after each transaction that applied events (to wake whatever acts on
    them: a relay, a drainer, a publisher) instead of those polling the database.
    `max_batch` = 1 applies every event in its own transaction.
    `sent_together`: the transaction's statements go in psycopg's pipeline mode
    (services/platform/db.py, `sent_together`), for handlers on a latency path that write with
    plain SQL only and check row counts with `sql_run_expecting`.
    With `hub` the records come from the process's shared client (services/platform/consumer_hub.py,
    whose `run` the service schedules); without, from a hub of its own -- one route, one client,
    group `name` -- which this consumer's `run` runs too.
    """

    def __init__(self, *, name: str, topics: list[str], engine: AsyncEngine,
                 inbox: sa.Table, handlers: dict[type[Message], Handler],
                 bootstrap: str = "", hub: ConsumerHub | None = None, max_batch: int = MAX_BATCH,
                 relevant: Callable[[ReceivedEvent], bool] | None = None,
                 on_committed: Callable[[], None] = lambda: None, sent_together: bool = False) -> None:
        self.name = name
        self._topics = topics
        self._engine = engine
        self._inbox = inbox
        self._handlers = {cls.DESCRIPTOR.full_name: (cls, fn) for cls, fn in handlers.items()}
        self._own_hub = hub is None
        if hub is None:
            if not bootstrap:
                raise ValueError(f"consumer {name}: needs a bootstrap (a client of its own) or a hub")
            hub = ConsumerHub(bootstrap=bootstrap, group=name)
        self._hub = hub
        self._route = hub.attach(name, topics)
        self._max_batch = max(1, max_batch)
        self._relevant = relevant
        self._on_committed = on_committed
        self._sent_together = sent_together
        self.applied = 0

    def wanted(self, event: ReceivedEvent) -> bool:
        """Whether `event` needs the database at all."""
        return event.event_type in self._handlers and (self._relevant is None or self._relevant(event))

    def after_commit(self, applied: int) -> None:
        """Called after a transaction that applied `applied` > 0 new events."""
        self._on_committed()

    async def run(self) -> None:
        if not self._own_hub:
            await self._consume()
            return
        async with asyncio.TaskGroup() as tasks:  # either one failing or cancelled stops both
            tasks.create_task(self._hub.run())
            tasks.create_task(self._consume())

    async def _consume(self) -> None:
        log.info("consumer started", extra={"consumer": self.name, "topics": ",".join(self._topics),
                                            "hub": self._hub.group})
        while True:
            records = await self._hub.take(self._route, self._max_batch)
            try:
                await self._process_records(records)
            finally:
                self._hub.done(self._route, len(records))

    async def _process_records(self, records: list) -> None:
        if len(records) > 1:
            try:
                await self.process_batch(records)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - isolated below, one event per transaction
                log.warning("batch of %d failed; applying one by one", len(records),
                            extra={"consumer": self.name}, exc_info=True)
            else:
                self._store_offsets(records)
                return
        for record in records:
            await self._process_with_retry(record)

    def _store_offsets(self, records: list) -> None:
        # Stored for the next periodic commit: the effect is already committed with its inbox
        # rows, so an offset not yet committed only means a redelivery the inbox drops.
        last: dict[tuple[str, int], int] = {}
        for record in records:
            last[(record.topic(), record.partition())] = record.offset()
        offsets = [TopicPartition(t, p, o + 1) for (t, p), o in last.items()]
        # By the polling thread, between two polls (PolledClient says why): Market Data stores
        # from its writer's on_durable, while the hub may already be polling again.
        self._hub.client.store_offsets(offsets)

    async def _process_with_retry(self, record) -> None:
        delay = 0.1
        while True:
            try:
                await self.process(record)
                self._store_offsets([record])
                return
            except asyncio.CancelledError:
                raise
            except MalformedEvent:
                log.error("dropping malformed record", exc_info=True, extra={"consumer": self.name})
                self._store_offsets([record])
                return
            except Exception:
                # The transaction rolled back; the same record is retried (never skipped).
                log.exception("handler failed; retrying", extra={
                    "consumer": self.name, "topic": record.topic(), "offset": record.offset()})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def process(self, record) -> bool:
        """Applies one record; returns False if it was a duplicate or of an unhandled type."""
        return await self.process_batch([record]) == 1

    async def process_batch(self, records: list) -> int:
        """Applies the new events among `records` in one transaction; returns how many."""
        events = [event for event in map(from_kafka, records) if self.wanted(event)]
        if not events:
            return 0
        applied = 0
        async with self._engine.begin() as conn:
            async with sent_together(conn) if self._sent_together else contextlib.nullcontext():
                fresh = await inbox_mod.claim_many(conn, self._inbox, self.name, [e.event_id for e in events])
                for event in events:
                    if event.event_id not in fresh:
                        continue
                    fresh.discard(event.event_id)  # the same id twice in one batch applies once
                    cls, handler = self._handlers[event.event_type]
                    await handler(conn, event.decode(cls), event)
                    applied += 1
        if applied:
            self.applied += applied
            self.after_commit(applied)
        return applied

