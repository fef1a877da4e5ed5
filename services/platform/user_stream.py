"""The private user-data streams (Order's StreamOrderUpdates, Position's StreamPositionUpdates,
the Wallet's StreamBalanceUpdates): every process tails the user-keyed topics its service writes
and fans each event out to its own streaming callers, by user. Each service only says which
topics it tails and whose event each one is.

Why Kafka and not the local commit: an event may be committed by another replica, and the topic is
the one place that has them all, in per-user order (key = user id). The tail assigns itself every
partition at its end, outside any consumer group (no joins, no heartbeats, nothing committed): a
stream shows changes "from now on"; a reconnecting client catches up with the service's List RPC
and keeps the highest version it has. A subscriber that cannot keep up is cut off with
RESOURCE_EXHAUSTED rather than allowed to grow memory without bound.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from confluent_kafka import OFFSET_END, TopicPartition
from google.protobuf.message import DecodeError, Message

from services.platform.errors import ResourceExhausted
from services.platform.events import MalformedEvent, from_kafka
from services.platform.kafka_clients import PolledClient, make_consumer, poll_on_thread

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000
_OVERFLOW = object()


@dataclass(frozen=True)
class TailedTopic:
    """A user-keyed topic: its message class and how to find the owner in a message."""

    message: type[Message]
    user_id: Callable[[Message], str]


class UserStreamHub:
    """Per-user fan-out: one bounded queue per streaming caller."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)

    def publish(self, user_id: str, item: object) -> None:
        for queue in list(self._subscribers.get(user_id, ())):
            try:
                queue.put_nowait(item)
            except asyncio.QueueFull:
                self._subscribers[user_id].discard(queue)
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(_OVERFLOW)

    def subscribers(self, user_id: str) -> int:
        return len(self._subscribers.get(user_id, ()))

    async def subscribe(self, user_id: str) -> AsyncIterator[object]:
        """The items published for `user_id` from now on; ResourceExhausted if the caller falls
        more than the queue size behind."""
        queue: asyncio.Queue = asyncio.Queue(self._queue_size)
        self._subscribers[user_id].add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _OVERFLOW:
                    raise ResourceExhausted(f"the client fell more than {self._queue_size} updates behind; "
                                            "reconnect and catch up with the List call")
                yield item
        finally:
            subscribers = self._subscribers.get(user_id)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[user_id]


class UserTopicTail:
    """Feeds a hub with (topic, message) from user-keyed topics, from their end."""

    def __init__(self, bootstrap: str, hub: UserStreamHub, topics: dict[str, TailedTopic], *, group: str) -> None:
        self._hub = hub
        self._topics = topics
        # group.id is required by librdkafka even though assign() never joins the group.
        self._client = PolledClient(make_consumer(bootstrap, group, **{"auto.offset.reset": "latest"}), group)

    def _assign_at_end(self) -> None:
        partitions = []
        for topic in self._topics:
            for p in self._client.consumer.list_topics(topic, timeout=10).topics[topic].partitions:
                partitions.append(TopicPartition(topic, p, OFFSET_END))
        self._client.consumer.assign(partitions)

    async def run(self) -> None:
        await asyncio.to_thread(self._assign_at_end)
        await poll_on_thread(self._client, self._publish)

    def _publish(self, records: list) -> None:
        for record in records:
            self._publish_one(record)

    def _publish_one(self, record) -> None:
        tailed = self._topics.get(record.topic())
        if tailed is None:
            return
        try:
            message = from_kafka(record).decode(tailed.message)
        except (MalformedEvent, DecodeError):
            log.warning("unreadable record skipped", extra={"topic": record.topic(), "offset": record.offset()})
            return
        user_id = tailed.user_id(message)
        if user_id:
            self._hub.publish(user_id, (record.topic(), message))
