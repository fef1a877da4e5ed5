"""The Kafka clients every service makes, configured once (confluent-kafka).

Offsets are stored, not committed, after each transaction (`store_offsets`, STORED_OFFSETS);
librdkafka commits what is stored every OFFSET_COMMIT_INTERVAL_MS, and on close or rebalance. A
commit is a write to __consumer_offsets on the broker: one per batch per consumer group was a
large part of Kafka's CPU per order. A crash redelivers at most that interval's events, which
the inbox drops.

Idle cost: consumers long-poll. With `fetch.min.bytes` = 1 the broker answers a waiting fetch
as soon as one record arrives, so a long `fetch.wait.max.ms` costs no latency, only fewer
empty fetch round trips (about 2 per second per idle consumer instead of 100). And each client
is polled by a thread of its own (`poll_on_thread`) that tells the event loop only of records.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

log = logging.getLogger(__name__)

LONG_POLL_MS = 5000
POLL_TIMEOUT_S = 1.0
MAX_BATCH = 500
OFFSET_COMMIT_INTERVAL_MS = 2000
# For a consumer that stores its offsets once their effect is durable (see the module docstring).
STORED_OFFSETS = {
    "enable.auto.commit": True,
    "enable.auto.offset.store": False,
    "auto.commit.interval.ms": OFFSET_COMMIT_INTERVAL_MS,
}

def next_batch(consumer: Consumer, limit: int = MAX_BATCH, wait_s: float = POLL_TIMEOUT_S) -> list:
    """Waits for the first record only, then takes whatever else is already fetched.

    `consume(n, timeout)` alone would hold a lone record until the timeout expired (it waits to
    fill the batch), adding that wait to every event's latency on a quiet topic."""
    first = consumer.poll(wait_s)
    if first is None:
        return []
    return [first, *consumer.consume(limit - 1, 0)] if limit > 1 else [first]


def topic_partitions(consumer: Consumer, topic: str) -> list[int]:
    """The topic's partitions, in order, for a client that assigns them itself (no group)."""
    meta = consumer.list_topics(topic, timeout=10).topics[topic]
    if meta.error is not None:
        raise RuntimeError(f"topic {topic}: {meta.error}")
    return sorted(meta.partitions)


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
        "fetch.min.bytes": 1,
        "fetch.wait.max.ms": LONG_POLL_MS,
    }
    config.update(overrides)
    return Consumer(config)


class PolledClient:
    """A consumer polled by one thread (`poll`, `close`; `poll_on_thread` runs that thread), with
    every other call on it queued (`call`) and run by that thread between two polls. Records that
    carry an error are logged and dropped here, for every consumer.

    confluent-kafka serializes the calls on one client: a `store_offsets` from the event loop
    while the thread sat in `poll()` waited for that poll to end, with the service's whole event
    loop stopped for up to POLL_TIMEOUT_S (seen with the consumer hub: POST /v1/orders p50 1,029
    ms instead of 41). An offset stored a poll later reaches the next periodic commit a poll
    later; a crash before it redelivers, and the inbox drops those."""

    def __init__(self, consumer: Consumer, name: str) -> None:
        self.consumer = consumer
        self.name = name
        self._calls: deque[tuple[str, Callable[[Consumer], None]]] = deque()
        self.calls_run = 0  # how many queued calls have run (to wait for one)

    def call(self, what: str, fn: Callable[[Consumer], None]) -> None:
        self._calls.append((what, fn))

    def queued(self) -> int:
        return len(self._calls)

    def store_offsets(self, offsets: list[TopicPartition]) -> None:
        self.call("store offsets", lambda consumer: consumer.store_offsets(offsets=offsets))

    def poll(self) -> list:
        """In the polling thread: the queued calls, then `next_batch` without error records."""
        self._run_calls()
        records = []
        for record in next_batch(self.consumer):
            if record.error():
                log.warning("kafka error: %s", record.error(), extra={"consumer": self.name})
            else:
                records.append(record)
        return records

    def close(self) -> None:
        self._run_calls()
        self.consumer.close()

    def _run_calls(self) -> None:
        while self._calls:
            what, fn = self._calls.popleft()
            try:
                fn(self.consumer)
            except KafkaException as exc:  # e.g. a partition revoked meanwhile: its new owner redelivers
                log.warning("could not %s: %s", what, exc, extra={"consumer": self.name})
            self.calls_run += 1


async def poll_on_thread(client: PolledClient, deliver: Callable[[list], None]) -> None:
    """Polls `client` in a thread of its own until cancelled and hands each non-empty batch to
    `deliver` on the running event loop, in order; the client is closed in that thread after the
    last poll (a client is called by one thread only: PolledClient says why). An error of the
    poll or of `deliver` ends the polling and is raised here, after the client closed.

    Why not `await asyncio.to_thread(poll)` in a loop: every poll's timeout woke a pool thread
    and the event loop, records or not -- about two wake-ups a second per idle client, in every
    service. Here an idle client wakes only its own thread. The thread polls again only once
    `deliver` has run, so records never pile up between the client and the loop (a consumer
    hub's pause takes effect before the next poll, as it did)."""
    loop = asyncio.get_running_loop()
    closed: asyncio.Future = loop.create_future()  # the thread's end, with the poll's error if any
    stopping = threading.Event()
    delivered = threading.Event()
    failures: list[Exception] = []

    def hand_over(records: list) -> None:
        try:
            deliver(records)
        except Exception as exc:  # noqa: BLE001 -- raised by the awaiting task once the client closed
            failures.append(exc)
            stopping.set()
        finally:
            delivered.set()

    def settle(error: BaseException | None) -> None:
        if not closed.done():
            closed.set_exception(error) if error is not None else closed.set_result(None)

    def polling() -> None:
        error: BaseException | None = None
        try:
            while not stopping.is_set():
                records = client.poll()
                if records:
                    delivered.clear()
                    loop.call_soon_threadsafe(hand_over, records)
                    while not delivered.wait(POLL_TIMEOUT_S) and not stopping.is_set():
                        pass
        except BaseException as exc:  # noqa: BLE001 -- raised by the awaiting task instead
            error = exc
        finally:
            try:
                client.close()
            except Exception as exc:  # noqa: BLE001
                error = error or exc
            try:
                loop.call_soon_threadsafe(settle, error)
            except RuntimeError:  # the loop is already closed: nobody waits any more
                pass

    threading.Thread(target=polling, name=f"poll {client.name}", daemon=True).start()
    try:
        await asyncio.shield(closed)
    finally:
        stopping.set()  # the thread ends after its current poll (at most POLL_TIMEOUT_S) and closes
        await asyncio.shield(closed)
    if failures:
        raise failures[0]
