"""Reading a topic back in e2e tests, the way a fresh consumer sees it (no group offsets)."""
from __future__ import annotations

import uuid

from confluent_kafka import Consumer, TopicPartition


def all_records(bootstrap: str, topic: str, partition: int = 0) -> list:
    """Every record currently in one partition of `topic`, oldest first."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "probe-" + uuid.uuid4().hex,
                         "enable.auto.commit": False})
    try:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        consumer.assign([TopicPartition(topic, partition, low)])
        records: list = []
        while len(records) < high - low:
            record = consumer.poll(5)
            if record is None:
                break
            if not record.error():
                records.append(record)
        return records
    finally:
        consumer.close()


def records_with_event_id(bootstrap: str, topic: str, event_id: str) -> list:
    return [r for r in all_records(bootstrap, topic)
            if dict(r.headers() or []).get("event_id") == event_id.encode()]
