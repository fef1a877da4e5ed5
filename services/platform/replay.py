"""In-memory state fed from Kafka topics and restartable from stored offsets: no inbox row and
no database transaction per event.

For a service whose reads come from memory anyway (Risk answers every check from its state),
writing each consumed event to its schema in a transaction of its own was most of its cost and
about a fifth of the mesh's commits per trade. A `ReplayedFeed` instead applies each event to
memory only and counts, per partition, the offset it has applied up to (`positions`). The
service writes what changed, together with those positions, in one transaction now and then (a
checkpoint). At start it loads the last checkpoint and the feed reads on from the stored
positions: the events after them are applied again on top of the state they were applied to
before, so the result is the same as if the process had never stopped. Nothing is skipped (the
positions only ever say what the stored state contains) and nothing counts twice (the stored
state contains exactly the events before them).

The feed never joins a consumer group: it `assign`s every partition of its topics (a service
that replays its state must see all of it; one replica per service, as for Risk's reservations)
at the stored offset, or the beginning. `caught_up` is set once it has read up to the end each
partition had when the feed started, so a service can refuse to answer from a state that is
still behind. Partitions added to a topic while the feed runs are not picked up until restart
(topics are created with their partitions before the services start: mesh/exchange.py).

Handlers are synchronous and must be deterministic functions of the state and the event: the
same event applied again after a restart must do what it did the first time. An event a handler
cannot read (MalformedEvent) or fails on is logged and skipped -- it would fail the same way on
every replay, and holding back every later event for it would stop the service.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from confluent_kafka import OFFSET_BEGINNING, TopicPartition
from google.protobuf.message import Message

from services.platform.events import MalformedEvent, ReceivedEvent, from_kafka
from services.platform.kafka_clients import PolledClient, make_consumer, poll_on_thread, topic_partitions

log = logging.getLogger(__name__)

Apply = Callable[[Message, ReceivedEvent], None]
Position = tuple[str, int]  # (topic, partition)


class ReplayedFeed:
    def __init__(self, *, name: str, bootstrap: str, topics: list[str], handlers: dict[type[Message], Apply],
                 on_applied: Callable[[frozenset[str]], None] = lambda topics: None,
                 on_caught_up: Callable[[], None] = lambda: None) -> None:
        """`handlers` maps an event's message class to what applies it (other types are passed
        over); `on_applied(topics)` runs after each batch of records read, with the topics of the
        events it applied (possibly none: the positions moved all the same); `on_caught_up()`
        once per run, when `caught_up` is set."""
        self.name = name
        self.topics = list(topics)
        self._bootstrap = bootstrap
        self._handlers = {cls.DESCRIPTOR.full_name: (cls, fn) for cls, fn in handlers.items()}
        self._on_applied = on_applied
        self._on_caught_up = on_caught_up
        self._client: PolledClient | None = None
        self.positions: dict[Position, int] = {}  # next offset to apply, per partition
        self.caught_up = asyncio.Event()
        self.applied = 0
        self.skipped = 0

    async def run(self, start: dict[Position, int]) -> None:
        """Reads from `start` (the stored positions; a partition not in it from its beginning).
        Each run starts a client of its own: a run that failed closed the one before."""
        self.caught_up.clear()
        self.positions = {}
        # group.id is required by librdkafka; assign() never joins the group and nothing commits.
        self._client = PolledClient(make_consumer(self._bootstrap, self.name, **{"enable.auto.commit": False}),
                                    self.name)
        try:
            ends = await asyncio.to_thread(self._assign, dict(start))
            await self._catch_up(ends)
        except BaseException:
            await asyncio.to_thread(self._client.close)  # poll_on_thread closes it from here on
            raise
        self.caught_up.set()
        self._on_caught_up()
        log.info("feed caught up", extra={"consumer": self.name, "applied": self.applied})
        await poll_on_thread(self._client, self.apply_records)

    def _assign(self, start: dict[Position, int]) -> dict[Position, int]:
        consumer = self._client.consumer
        assigned, ends = [], {}
        for topic in self.topics:
            for partition in topic_partitions(consumer, topic):
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
                stored = start.get((topic, partition))
                assigned.append(TopicPartition(topic, partition, OFFSET_BEGINNING if stored is None else stored))
                # Nothing below the log's start is left to apply (retention, or a new topic).
                self.positions[(topic, partition)] = max(stored or 0, low)
                ends[(topic, partition)] = high
        consumer.assign(assigned)
        log.info("feed assigned", extra={"consumer": self.name, "partitions": len(assigned),
                                         "stored": len(start)})
        return ends

    async def _catch_up(self, ends: dict[Position, int]) -> None:
        """Applies what the topics held when the feed started. One thread call at a time, so the
        client is still used by one thread only (PolledClient says why)."""
        behind = {p: end for p, end in ends.items() if self.positions[p] < end}
        while behind:
            records = await asyncio.to_thread(self._client.poll)
            if records:
                self.apply_records(records)
            else:  # an offset can be a gap (a transaction marker): where the reads stand decides
                now = await asyncio.to_thread(self._client.consumer.position,
                                              [TopicPartition(t, p) for t, p in behind])
                for tp in now:
                    if tp.offset >= 0:
                        key = (tp.topic, tp.partition)
                        self.positions[key] = max(self.positions[key], tp.offset)
            behind = {p: end for p, end in behind.items() if self.positions[p] < end}

    def apply_records(self, records: list) -> None:
        topics = set()
        for record in records:
            if self._apply(record):
                topics.add(record.topic())
            self.positions[(record.topic(), record.partition())] = record.offset() + 1
        self._on_applied(frozenset(topics))

    def _apply(self, record) -> bool:
        try:
            event = from_kafka(record)
            known = self._handlers.get(event.event_type)
            if known is None:
                return False
            cls, handler = known
            handler(event.decode(cls), event)
        except MalformedEvent:
            log.error("skipping malformed record", exc_info=True, extra={
                "consumer": self.name, "topic": record.topic(), "offset": record.offset()})
            self.skipped += 1
            return False
        except Exception:  # noqa: BLE001 -- deterministic: it would fail again on every replay
            log.exception("handler failed; record skipped", extra={
                "consumer": self.name, "topic": record.topic(), "offset": record.offset()})
            self.skipped += 1
            return False
        self.applied += 1
        return True
