"""The Kafka clients every service makes, configured once (confluent-kafka).

Offsets are stored, not committed, after each transaction (`store_offsets`, STORED_OFFSETS);
librdkafka commits what is stored every OFFSET_COMMIT_INTERVAL_MS, and on close or rebalance. A
commit is a write to __consumer_offsets on the broker: one per batch per consumer group was a
large part of Kafka's CPU per order. A crash redelivers at most that interval's events, which
the inbox drops.

Idle cost: consumers long-poll. With `fetch.min.bytes` = 1 the broker answers a waiting fetch
as soon as one record arrives, so a long `fetch.wait.max.ms` costs no latency, only fewer
empty fetch round trips (about 2 per second per idle consumer instead of 100).
"""
from __future__ import annotations

from confluent_kafka import Consumer, Producer

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
