"""Reads the engine's own output topics back at start-up (recovery), with assign() (no group
join) and bounded reads up to the high watermark taken when the read started."""
from __future__ import annotations

import logging
import time
import uuid

from confluent_kafka import Consumer, TopicPartition
from tradex.engine.v1 import events_pb2 as pb

from services.platform.kafka import make_consumer
from services.platform.kafka_clients import topic_partitions

log = logging.getLogger(__name__)


def _consumer(bootstrap: str) -> Consumer:
    return make_consumer(bootstrap, "engine-recovery-" + uuid.uuid4().hex, **{"fetch.wait.max.ms": 10})


def _read(consumer: Consumer, topic: str, ranges: dict[int, tuple[int, int]], idle_timeout: float = 10.0):
    """Yields the records of ``topic`` in [start, end) per partition."""
    pending = {p: r for p, r in ranges.items() if r[0] < r[1]}
    if not pending:
        return
    consumer.assign([TopicPartition(topic, p, start) for p, (start, _) in pending.items()])
    idle_since = time.monotonic()
    while pending:
        record = consumer.poll(0.5)
        if record is None:
            # Compacted topics have offset gaps: the position tells whether we reached the end.
            for tp in consumer.position([TopicPartition(topic, p) for p in list(pending)]):
                if tp.offset >= pending[tp.partition][1]:
                    pending.pop(tp.partition)
            if time.monotonic() - idle_since > idle_timeout:
                raise RuntimeError(f"reading {topic} stalled before its end ({pending})")
            continue
        idle_since = time.monotonic()
        if record.error():
            log.warning("recovery read error on %s: %s", topic, record.error())
            continue
        end = pending.get(record.partition(), (0, 0))[1]
        if record.offset() < end:
            yield record
        if record.offset() >= end - 1:
            pending.pop(record.partition(), None)
    consumer.unassign()


def latest_snapshots(bootstrap: str, topic: str) -> dict[str, pb.BookSnapshot]:
    """The latest BookSnapshot per symbol (the whole topic; it is compacted, so it stays small)."""
    consumer = _consumer(bootstrap)
    try:
        ranges = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                  for p in topic_partitions(consumer, topic)}
        latest: dict[str, pb.BookSnapshot] = {}
        for record in _read(consumer, topic, ranges):
            snap = pb.BookSnapshot.FromString(record.value() or b"")
            if snap.symbol and snap.engine_seq >= latest.get(snap.symbol, pb.BookSnapshot()).engine_seq:
                latest[snap.symbol] = snap
        return latest
    finally:
        consumer.close()


def last_published_seqs(bootstrap: str, topic: str, need: dict[str, int], window: int = 2000) -> dict[str, int]:
    """The highest engine_seq per symbol found in the tail of ``topic``.

    Reads back a window from the end, doubling it until every symbol in ``need`` shows an event
    at or above its snapshot's seq (or any event when that seq is 0), or the start is reached.
    Why that suffices: a symbol's events are in order on one partition, so once the tail contains
    seq >= its snapshot seq it contains everything after it; and a symbol with no snapshot yet got
    its first command after the latest snapshot was flushed, hence its events lie inside that tail.
    """
    consumer = _consumer(bootstrap)
    try:
        marks = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                 for p in topic_partitions(consumer, topic)}
        while True:
            found: dict[str, int] = {}
            ranges = {p: (max(low, high - window), high) for p, (low, high) in marks.items()}
            for record in _read(consumer, topic, ranges):
                headers = dict(record.headers() or [])
                event_id = headers.get("event_id", b"").decode()
                symbol, _, seq = event_id.rpartition(":")
                if symbol and seq.isdigit():
                    found[symbol] = max(found.get(symbol, 0), int(seq))
            covered = all(s in found and found[s] >= seq for s, seq in need.items())
            at_start = all(ranges[p][0] <= marks[p][0] for p in marks)
            if covered or at_start:
                log.info("recovery: read %d records back per partition; %d symbols seen", window, len(found))
                return found
            window *= 2
    finally:
        consumer.close()
