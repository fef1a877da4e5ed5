"""One Kafka client for all of a process's event consumers.

Every librdkafka client is a group member of its own: threads, timers, a connection per broker
plus one to its coordinator, heartbeats every 3 s and a long poll every 5 s. Idle, each cost
about 0.05 % of a core in the service and its share again in the broker, and a service had up
to five (one per concern, each its own group). A hub is ONE client -- one group, named after the
service or after its first consumer -- subscribed to the union of its consumers' topics; each record goes to the consumer
that owns its topic, which applies it and stores its offset exactly as before. The inbox keeps
each consumer's own name, so what a consumer applied stays applied once whichever client
delivered it (a group renamed by this change re-reads its topics from the start once; the
inbox drops all of it).

One topic belongs to one consumer of a hub: a record is routed, never copied, and its offset
is stored by the only consumer that applied it. Two consumers of one process that both need a
topic need their own clients.

Consumers still run side by side, each in its own task: the hub hands each its records through
a queue and pauses that consumer's partitions while the queue holds more than `max_pending`
records (resumed at half), so a slow consumer -- or one still waiting for its service's
warm-up -- holds back only its own topics, and nothing piles up in memory. A paused partition
resumes from the record after the last one the hub received, so pausing loses nothing.

Every call on the client runs in the polling thread, between two polls: the consumers' offset
stores and the pauses are queued for it (`PolledClient`, services/platform/kafka_clients.py,
says why).
"""
from __future__ import annotations

import asyncio
import logging

from services.platform.kafka_clients import MAX_BATCH, STORED_OFFSETS, PolledClient, make_consumer, poll_on_thread

log = logging.getLogger(__name__)

MAX_PENDING = 2 * MAX_BATCH


class Route:
    """One consumer's share of a hub: its topics and the records polled for it, in order."""

    def __init__(self, name: str, topics: list[str]) -> None:
        self.name = name
        self.topics = frozenset(topics)
        self.queue: asyncio.Queue[list] = asyncio.Queue()
        self.carry: list = []  # taken from the queue past a `take`'s limit, first out next time
        self.pending = 0
        self.paused = False


class ConsumerHub:
    def __init__(self, *, bootstrap: str, group: str, max_pending: int = MAX_PENDING) -> None:
        self.group = group
        self.client = PolledClient(make_consumer(bootstrap, group, **STORED_OFFSETS), group)
        self._routes: dict[str, Route] = {}
        self._max_pending = max_pending

    def attach(self, name: str, topics: list[str]) -> Route:
        shared = sorted(t for t in topics if t in self._routes)
        if shared:
            owners = ", ".join(f"{t} ({self._routes[t].name})" for t in shared)
            raise ValueError(f"consumer {name}: topics already routed by this hub: {owners}; "
                             "a topic two consumers need takes a client per consumer")
        route = Route(name, topics)
        for topic in topics:
            self._routes[topic] = route
        return route

    async def run(self) -> None:
        topics = sorted(self._routes)
        self.client.call("subscribe", lambda consumer: consumer.subscribe(topics))
        log.info("consumer hub started", extra={"consumer": self.group, "topics": ",".join(topics)})
        await poll_on_thread(self.client, self.dispatch)

    def dispatch(self, records: list) -> None:
        """Queues each record for the consumer of its topic, keeping their order."""
        batches: dict[Route, list] = {}
        for record in records:
            route = self._routes.get(record.topic())
            if route is not None:  # the subscription is exactly the routed topics
                batches.setdefault(route, []).append(record)
        for route, batch in batches.items():
            route.queue.put_nowait(batch)
            route.pending += len(batch)
            if route.pending > self._max_pending:
                self._pause(route, True)

    async def take(self, route: Route, limit: int = MAX_BATCH) -> list:
        """The route's next records, at most `limit`: waits for some, then adds what else is
        queued (one transaction for what has gathered, as a client of its own would fetch it)."""
        records = route.carry or await route.queue.get()
        while len(records) < limit and not route.queue.empty():
            records = records + route.queue.get_nowait()
        route.carry = records[limit:]
        return records[:limit]

    def done(self, route: Route, count: int) -> None:
        """`count` records of the route were applied (or dropped): they no longer count as pending."""
        route.pending -= count
        if route.paused and route.pending <= self._max_pending // 2:
            self._pause(route, False)

    def _pause(self, route: Route, paused: bool) -> None:
        # The partitions of the assignment when the call runs: a rebalance in between may have
        # moved some, and the next overflow pauses what is assigned then.
        def call(consumer) -> None:
            partitions = [tp for tp in consumer.assignment() if tp.topic in route.topics]
            (consumer.pause if paused else consumer.resume)(partitions)

        route.paused = paused
        self.client.call(f"{'pause' if paused else 'resume'} {route.name}", call)
