"""ReplayedFeed (services/platform/replay.py) against a scripted consumer: where it starts each
partition, when it counts as caught up (offset gaps included), and what a bad record does.
The real broker path is covered end to end by tests/e2e/test_risk_pretrade.py (SIGKILL)."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from confluent_kafka import OFFSET_BEGINNING, OFFSET_INVALID, TopicPartition
from tradex.user.v1 import events_pb2 as user_events

from services.platform import replay
from services.platform.events import event_headers

TOPIC = "user.status_changed.v1"


class Record:
    def __init__(self, partition: int, offset: int, user_id: str, *, headers: bool = True) -> None:
        message = user_events.UserStatusChanged(user_id=user_id)
        self._partition, self._offset, self._value = partition, offset, message.SerializeToString()
        self._headers = event_headers(f"e{partition}-{offset}", message.DESCRIPTOR.full_name, 1) if headers else []

    def topic(self): return TOPIC
    def partition(self): return self._partition
    def offset(self): return self._offset
    def key(self): return b"k"
    def value(self): return self._value
    def headers(self): return self._headers
    def error(self): return None


class ScriptedConsumer:
    """Partitions: {partition: (low, high, records)}. Serves each assigned partition's records
    from its start offset. `position` is, as librdkafka's, invalid until something of the
    partition was fetched, and then past the control records after the last one (its end)."""

    def __init__(self, partitions: dict[int, tuple[int, int, list[Record]]]) -> None:
        self.partitions = partitions
        self.assigned: list[TopicPartition] = []
        self._queue: list[Record] = []
        self._fetched: set[int] = set()

    def list_topics(self, topic, timeout):
        return SimpleNamespace(topics={topic: SimpleNamespace(error=None, partitions=dict.fromkeys(self.partitions))})

    def get_watermark_offsets(self, tp, timeout):
        low, high, _ = self.partitions[tp.partition]
        return low, high

    def assign(self, partitions):
        self.assigned = partitions
        for tp in partitions:
            low, high, records = self.partitions[tp.partition]
            start = low if tp.offset == OFFSET_BEGINNING else tp.offset
            self._queue += [r for r in records if r.offset() >= start]

    def poll(self, timeout):
        return self.consume(1, timeout)[0] if self._queue else None

    def consume(self, n, timeout):
        taken, self._queue = self._queue[:n], self._queue[n:]
        self._fetched.update(r.partition() for r in taken)
        return taken

    def position(self, partitions):
        return [TopicPartition(TOPIC, tp.partition,
                               self.partitions[tp.partition][1] if tp.partition in self._fetched else OFFSET_INVALID)
                for tp in partitions]

    def close(self):
        pass


def run_until_caught_up(monkeypatch, consumer: ScriptedConsumer, start: dict) -> tuple[replay.ReplayedFeed, list]:
    monkeypatch.setattr(replay, "make_consumer", lambda *args, **kwargs: consumer)
    applied = []
    feed = replay.ReplayedFeed(name="t.feed", bootstrap="unused", topics=[TOPIC],
                               handlers={user_events.UserStatusChanged: lambda m, r: applied.append(
                                   (r.partition, r.offset, m.user_id))})

    async def main():
        task = asyncio.create_task(feed.run(start))
        await asyncio.wait_for(feed.caught_up.wait(), 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    asyncio.run(main())
    return feed, applied


def test_each_partition_starts_at_its_stored_offset_or_its_log_start(monkeypatch):
    consumer = ScriptedConsumer({
        0: (0, 5, [Record(0, o, f"a{o}") for o in range(5)]),  # stored at 3: reads 3 and 4
        1: (2, 4, [Record(1, o, f"b{o}") for o in (2, 3)]),  # nothing stored: from the log start
        2: (0, 7, [Record(2, o, f"c{o}") for o in range(7)]),  # stored at its end: nothing to read
    })
    feed, applied = run_until_caught_up(monkeypatch, consumer, {(TOPIC, 0): 3, (TOPIC, 2): 7})
    assert [(tp.partition, tp.offset) for tp in consumer.assigned] == [(0, 3), (1, OFFSET_BEGINNING), (2, 7)]
    assert sorted(applied) == [(0, 3, "a3"), (0, 4, "a4"), (1, 2, "b2"), (1, 3, "b3")]
    assert feed.positions == {(TOPIC, 0): 5, (TOPIC, 1): 4, (TOPIC, 2): 7}


def test_a_trailing_offset_gap_still_counts_as_caught_up(monkeypatch):
    # Offset 2 is no record (a transaction marker, say): the reads' position says the end is reached.
    consumer = ScriptedConsumer({0: (0, 3, [Record(0, 0, "a"), Record(0, 1, "b")])})
    feed, applied = run_until_caught_up(monkeypatch, consumer, {})
    assert [a[2] for a in applied] == ["a", "b"]
    assert feed.positions == {(TOPIC, 0): 3}


def test_a_record_without_headers_is_skipped_and_passed(monkeypatch):
    consumer = ScriptedConsumer({0: (0, 3, [Record(0, 0, "a"), Record(0, 1, "bad", headers=False),
                                            Record(0, 2, "c")])})
    feed, applied = run_until_caught_up(monkeypatch, consumer, {})
    assert [a[2] for a in applied] == ["a", "c"]
    assert (feed.applied, feed.skipped, feed.positions) == (2, 1, {(TOPIC, 0): 3})


@pytest.mark.parametrize(("low", "high", "start"), [(0, 0, {}), (0, 0, {(TOPIC, 0): 0}),
                                                   (5, 5, {}), (5, 5, {(TOPIC, 0): 2})])
def test_a_partition_with_nothing_left_to_read_is_caught_up_at_once(monkeypatch, low, high, start):
    """Empty, or emptied by retention (its log starts at its end): no record will ever come, and
    the reads' position stays invalid, so the log start is where the state stands."""
    feed, applied = run_until_caught_up(monkeypatch, ScriptedConsumer({0: (low, high, [])}), start)
    assert applied == [] and feed.positions == {(TOPIC, 0): high}
