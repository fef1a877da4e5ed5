"""One Kafka client for a process's consumers (services/platform/consumer_hub.py), on the real
broker: each consumer gets exactly its topics' records in order, and one that does not keep up
holds back only its own topics -- its partitions pause, nothing else waits, nothing is lost."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from confluent_kafka import Producer

from mesh.servers.kafka import create_topics
from services.platform.consumer_hub import ConsumerHub

pytestmark = pytest.mark.e2e


def _produce(bootstrap: str, topic: str, values: list[str]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for value in values:
        producer.produce(topic, value.encode())
    assert producer.flush(10) == 0


async def _take_until(hub: ConsumerHub, route, count: int, limit: int = 500, timeout: float = 20.0) -> list[str]:
    values: list[str] = []
    async with asyncio.timeout(timeout):
        while len(values) < count:
            records = await hub.take(route, limit)
            assert 0 < len(records) <= limit
            values += [r.value().decode() for r in records]
            hub.done(route, len(records))
    return values


def test_a_slow_consumer_pauses_only_its_own_topics_and_loses_nothing(exchange):
    bootstrap = exchange.stack.kafka_bootstrap
    slow_topic, quick_topic = (f"hub-test.{kind}.{uuid.uuid4().hex[:8]}" for kind in ("slow", "quick"))
    create_topics(bootstrap, [slow_topic, quick_topic])

    async def scenario() -> None:
        hub = ConsumerHub(bootstrap=bootstrap, group="hub-test." + uuid.uuid4().hex, max_pending=4)
        slow = hub.attach("slow", [slow_topic])
        quick = hub.attach("quick", [quick_topic])
        with pytest.raises(ValueError, match="already routed"):
            hub.attach("another", [quick_topic])
        polling = asyncio.create_task(hub.run())
        try:
            # The slow consumer takes nothing: past max_pending its partition pauses.
            _produce(bootstrap, slow_topic, [f"s{i}" for i in range(10)])
            async with asyncio.timeout(20):
                while slow.pending < 10:
                    await asyncio.sleep(0.05)
            assert slow.paused
            queued = hub.client.calls_run + hub.client.queued()  # the pause is among them ...
            async with asyncio.timeout(10):  # ... and runs in the polling thread, between two polls
                while hub.client.calls_run < queued:
                    await asyncio.sleep(0.05)
            # Paused: what arrives on its topic stays in Kafka, while the other topic flows.
            _produce(bootstrap, slow_topic, [f"s{i}" for i in range(10, 20)])
            _produce(bootstrap, quick_topic, ["q0", "q1", "q2"])
            assert await _take_until(hub, quick, 3) == ["q0", "q1", "q2"]
            await asyncio.sleep(2)  # several long polls' worth: none of the ten reached the hub
            assert slow.pending == 10

            # Taking them (three at a time: a take never passes its limit, the rest waits its
            # turn) resumes the partition from the record after the last one received.
            assert await _take_until(hub, slow, 20, limit=3) == [f"s{i}" for i in range(20)]
            assert not slow.paused and slow.pending == 0
        finally:
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)

    asyncio.run(scenario())
