"""Kafka producer and the consume-apply-commit loop (confluent-kafka).

A consumed event is applied in ONE database transaction together with its inbox row, and the
Kafka offset is committed only after that transaction committed. A crash between the two
redelivers the event; the inbox makes the redelivery a no-op.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from confluent_kafka import Consumer, Producer, TopicPartition
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform import inbox as inbox_mod
from services.platform.events import MalformedEvent, ReceivedEvent, from_kafka

log = logging.getLogger(__name__)

Handler = Callable[[AsyncConnection, Message, ReceivedEvent], Awaitable[None]]


def make_producer(bootstrap: str, **overrides) -> Producer:
    config = {
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 1,
        "compression.type": "lz4",
    }
    config.update(overrides)
    return Producer(config)


def make_consumer(bootstrap: str, group_id: str, **overrides) -> Consumer:
    config = {
        "bootstrap.servers": bootstrap,
        "group.id": group_id,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "session.timeout.ms": 10000,
        "fetch.wait.max.ms": 10,
    }
    config.update(overrides)
    return Consumer(config)


class EventConsumer:
    """Subscribes to topics and applies each event exactly once through `handlers`.

    `handlers` maps a protobuf message class to its handler; events of other types on the
    same topics are acknowledged and skipped (topics may carry several event types).
    """

    def __init__(self, *, name: str, bootstrap: str, topics: list[str], engine: AsyncEngine,
                 inbox: sa.Table, handlers: dict[type[Message], Handler],
                 consumer_overrides: dict | None = None) -> None:
        self.name = name
        self._topics = topics
        self._engine = engine
        self._inbox = inbox
        self._handlers = {cls.DESCRIPTOR.full_name: (cls, fn) for cls, fn in handlers.items()}
        self._consumer = make_consumer(bootstrap, name, **(consumer_overrides or {}))
        self.applied = 0

    async def run(self) -> None:
        self._consumer.subscribe(self._topics)
        log.info("consumer started", extra={"consumer": self.name, "topics": ",".join(self._topics)})
        try:
            while True:
                record = await asyncio.to_thread(self._consumer.poll, 0.25)
                if record is None:
                    continue
                if record.error():
                    log.warning("kafka error: %s", record.error(), extra={"consumer": self.name})
                    continue
                await self._process_with_retry(record)
        finally:
            await asyncio.to_thread(self._consumer.close)

    async def _process_with_retry(self, record) -> None:
        delay = 0.1
        while True:
            try:
                await self.process(record)
                # Asynchronous: the effect is already committed with its inbox row, so a lost offset
                # commit only means a redelivery the inbox drops; waiting for the broker here would
                # add a round trip to every event.
                self._consumer.commit(message=record, asynchronous=True)
                return
            except asyncio.CancelledError:
                raise
            except MalformedEvent:
                log.error("dropping malformed record", exc_info=True, extra={"consumer": self.name})
                await asyncio.to_thread(self._consumer.commit, message=record, asynchronous=False)
                return
            except Exception:
                # The transaction rolled back; the same record is retried (never skipped).
                log.exception("handler failed; retrying", extra={
                    "consumer": self.name, "topic": record.topic(), "offset": record.offset()})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def process(self, record) -> bool:
        """Applies one record; returns False if it was a duplicate or of an unhandled type."""
        event = from_kafka(record)
        entry = self._handlers.get(event.event_type)
        if entry is None:
            return False
        cls, handler = entry
        async with self._engine.begin() as conn:
            if not await inbox_mod.claim(conn, self._inbox, self.name, event.event_id):
                return False
            await handler(conn, event.decode(cls), event)
        self.applied += 1
        return True

    def seek(self, topic: str, partition: int, offset: int) -> None:
        self._consumer.seek(TopicPartition(topic, partition, offset))
