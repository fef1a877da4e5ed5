"""StreamOrderUpdates: each process tails order.updated.v1 (which every replica writes) and fans
the updates out to its own streaming callers, by user.

Why Kafka and not the local commit: an update may be committed by another replica (or by this
one's consumer), and the topic is the one place that has them all, in per-user order (key =
user id). The tail assigns itself every partition at its end, outside any consumer group (no
joins, no heartbeats, nothing committed): a stream shows changes "from now on"; a reconnecting client catches up with ListOrders
/ ListFills and drops versions it has (order.proto). A subscriber that cannot keep up is cut off
rather than allowed to grow memory without bound; it reconnects and catches up the same way.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

from confluent_kafka import OFFSET_END, TopicPartition
from google.protobuf.message import DecodeError
from tradex.order.v1 import events_pb2 as order_events

from services.platform.events import MalformedEvent, from_kafka
from services.platform.kafka import POLL_TIMEOUT_S, make_consumer

log = logging.getLogger(__name__)

TOPIC = "order.updated.v1"


class UpdateHub:
    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)

    def publish(self, user_id: str, update: order_events.OrderUpdated) -> None:
        for queue in list(self._subscribers.get(user_id, ())):
            try:
                queue.put_nowait(update)
            except asyncio.QueueFull:
                self._drop(user_id, queue)

    def _drop(self, user_id: str, queue: asyncio.Queue) -> None:
        self._subscribers[user_id].discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)  # ends that stream

    async def subscribe(self, user_id: str) -> AsyncIterator[order_events.OrderUpdated]:
        queue: asyncio.Queue = asyncio.Queue(self._queue_size)
        self._subscribers[user_id].add(queue)
        try:
            while True:
                update = await queue.get()
                if update is None:
                    return
                yield update
        finally:
            self._subscribers[user_id].discard(queue)
            if not self._subscribers[user_id]:
                del self._subscribers[user_id]


class UpdateTail:
    """Feeds the hub from order.updated.v1."""

    def __init__(self, bootstrap: str, hub: UpdateHub, *, service: str = "order") -> None:
        self._hub = hub
        # group.id is required by librdkafka even though assign() never joins the group.
        self._consumer = make_consumer(bootstrap, f"{service}.stream", **{"auto.offset.reset": "latest"})

    def _assign_at_end(self) -> None:
        partitions = self._consumer.list_topics(TOPIC, timeout=10).topics[TOPIC].partitions
        self._consumer.assign([TopicPartition(TOPIC, p, OFFSET_END) for p in partitions])

    async def run(self) -> None:
        await asyncio.to_thread(self._assign_at_end)
        try:
            while True:
                record = await asyncio.to_thread(self._consumer.poll, POLL_TIMEOUT_S)
                if record is None or record.error():
                    continue
                try:
                    update = from_kafka(record).decode(order_events.OrderUpdated)
                except (MalformedEvent, DecodeError):
                    log.warning("unreadable order update skipped", extra={"offset": record.offset()})
                    continue
                self._hub.publish(update.order.user_id, update)
        finally:
            await asyncio.to_thread(self._consumer.close)
