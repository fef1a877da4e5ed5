"""The local book: CRC32_TOP25_V1 as documented, the sequence chain, and a stream that resyncs by
itself on a gap or a checksum mismatch and reports each resync."""
from __future__ import annotations

from decimal import Decimal

import pytest
from tradex.marketdata.v1 import marketdata_pb2 as md
from tradex_sdk import BookLevel, BookResyncError, Client, LocalBook, checksum
from tradex_sdk.book import _Resync


def level(price, quantity, orders=1):
    return md.PriceLevel(price=price, quantity=quantity, order_count=orders)


def snapshot(seq, bids, asks):
    levels = lambda raw: [BookLevel(Decimal(p), Decimal(q), n) for p, q, n in raw]  # noqa: E731
    return md.StreamOrderBookResponse(snapshot=md.OrderBook(
        symbol="X", engine_seq=seq, bids=[level(*b) for b in bids], asks=[level(*a) for a in asks],
        checksum=checksum(levels(bids), levels(asks))))


def delta(prev, seq, crc, bids=(), asks=()):
    return md.StreamOrderBookResponse(delta=md.OrderBookDelta(
        symbol="X", prev_last_engine_seq=prev, first_engine_seq=prev + 1, last_engine_seq=seq,
        bids=[level(*b) for b in bids], asks=[level(*a) for a in asks], checksum=crc))


def test_checksum_matches_the_documented_example():
    assert checksum([], []) == 0
    assert checksum([BookLevel(Decimal("65000.50"), Decimal("1.250"), 2)],
                    [BookLevel(Decimal("65001"), Decimal("0.5"), 1)]) == 862232202


def test_snapshot_then_deltas_are_verified():
    book = LocalBook("X")
    first = book.apply(snapshot(5, [("100", "1", 1)], [("101", "2", 1)]))
    assert first.is_snapshot and first.seq == 5
    crc = checksum([BookLevel(Decimal("100"), Decimal("3"), 2)], [])
    update = book.apply(delta(5, 7, crc, bids=[("100", "3", 2)], asks=[("101", "0", 0)]))
    assert update.seq == 7 and update.asks == () and update.best_bid.quantity == Decimal("3")
    assert book.apply(delta(4, 6, 0)) is None  # already folded
    with pytest.raises(_Resync, match="applies to seq 8"):
        book.apply(delta(8, 9, crc))
    with pytest.raises(_Resync) as bad:
        book.apply(delta(7, 8, crc + 1, bids=[("99", "1", 1)]))
    assert bad.value.reason == "checksum"


class FakeStreamCall:
    def __init__(self, messages):
        self._messages, self.cancelled = iter(messages), False

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._messages)

    def cancel(self):
        self.cancelled = True


class FakeStreamChannel:
    def __init__(self, *subscriptions):
        self.subscriptions, self.opened = list(subscriptions), []

    def unary_stream(self, method, request_serializer, response_deserializer):
        def open_(request, metadata):
            call = FakeStreamCall(self.subscriptions.pop(0))
            self.opened.append(call)
            return call
        return open_

    def close(self):
        pass


def _client(channel) -> Client:
    client = Client("127.0.0.1:1")
    client._channel.close()
    client._t.channel = client._channel = channel
    return client


def test_the_stream_resyncs_by_itself_and_reports_it():
    good = checksum([BookLevel(Decimal("100"), Decimal("2"), 1)], [])
    channel = FakeStreamChannel(
        [snapshot(1, [("100", "1", 1)], []), delta(3, 4, good)],                       # a gap: 2..3 missing
        [snapshot(4, [("100", "1", 1)], []), delta(4, 5, 12345, bids=[("100", "2", 1)])],  # a bad checksum
        [snapshot(5, [("100", "2", 1)], []), delta(5, 6, good)],
    )
    seen = []
    stream = _client(channel).market_data.stream_book("X", on_resync=seen.append)
    updates = [next(stream) for _ in range(4)]
    assert [u.seq for u in updates] == [1, 4, 5, 6]
    assert [r.reason for r in stream.resyncs] == ["gap", "checksum"] and seen == stream.resyncs
    assert all(call.cancelled for call in channel.opened[:2])


def test_the_stream_gives_up_after_too_many_resyncs_in_a_row():
    bad = [snapshot(1, [("100", "1", 1)], []), delta(9, 10, 0)]
    stream = _client(FakeStreamChannel(bad[1:], bad[1:], bad[1:])).market_data.stream_book("X", max_resyncs=2)
    with pytest.raises(BookResyncError):
        next(stream)
