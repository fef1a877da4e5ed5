"""The Matching Engine service against the real mesh: commands in on order.command.v1, events,
snapshots and hashes out, deduplication by command id, and the book hash checkable by anyone."""
from __future__ import annotations

import hashlib

import pytest
from tradex.common.v1 import trading_pb2 as t
from tradex.engine.v1 import events_pb2 as pb

from tests.e2e.engine_support import (
    cancel,
    engine_stub,
    events_of,
    fresh_symbol,
    get_hash,
    get_snapshot,
    new_order,
    produce,
    read_topic,
    recompute_hash,
    wait_for_command,
)

pytestmark = pytest.mark.e2e


def test_hash_recipe_matches_the_contract_test_vectors():
    empty = pb.BookSnapshot(symbol="BTC-USDT-PERP", engine_seq=0)
    assert recompute_hash(empty) == "8591a52f7fd217e996bbde2f94fec16f938be85061b10ecdac006fa3a88f10e8"
    text = "BTC-USDT-PERP|42\nB|o-2|u-1|650000|3\nB|o-1|u-2|649990|10\nA|o-3|u-3|650100|5"
    assert hashlib.sha256(text.encode()).hexdigest() == "4a7a7fcc737725877b6922cfb6ddeab8eaa568de4c041fe9097a7e3c6b43fdbf"


def test_crossing_orders_trade_with_gap_free_deterministic_events(exchange):
    bootstrap, symbol = exchange.stack.kafka_bootstrap, fresh_symbol()
    sell = new_order(symbol, "c-sell", "o-sell", "u-maker", "SELL", "100.00", "1.0")
    buy = new_order(symbol, "c-buy", "o-buy", "u-taker", "BUY", "101.00", "0.4", issued=1_700_000_000_500)
    produce(bootstrap, [sell, buy])
    events = wait_for_command(bootstrap, symbol, "c-buy")

    assert [e.engine_seq for e in events] == [1, 2, 3, 4, 5]
    assert [e.event_id for e in events] == [f"{symbol}:{n}" for n in range(1, 6)]
    assert [e.WhichOneof("event") for e in events] == [
        "order_accepted", "book_delta", "order_accepted", "trade_executed", "book_delta"]
    assert [e.last_in_command for e in events] == [False, True, False, False, True]
    assert {e.occurred_at_unix_ms for e in events[2:]} == {1_700_000_000_500}
    trade = events[3].trade_executed
    assert trade.trade_id == events[3].event_id
    assert (trade.price, trade.quantity, trade.taker_side) == ("100", "0.4", t.SIDE_BUY)
    assert (trade.maker_order_id, trade.taker_order_id) == ("o-sell", "o-buy")
    assert (trade.maker_remaining_quantity, trade.taker_remaining_quantity) == ("0.6", "0")
    assert (trade.maker_leverage, trade.taker_leverage) == ("5", "5")
    delta = events[4].book_delta
    assert (delta.side, delta.price, delta.quantity, delta.order_count) == (t.SIDE_SELL, "100", "0.6", 1)
    # The record headers carry the event's identity (what consumers' inboxes key on).
    record = read_topic(bootstrap, "engine.event.v1", symbol)[3]
    headers = {k: v.decode() for k, v in record.headers()}
    assert headers == {"event_id": f"{symbol}:4", "event_type": "tradex.engine.v1.EngineEvent",
                       "occurred_at_unix_ms": "1700000000500"}


def test_a_redelivered_command_produces_nothing(exchange):
    bootstrap, symbol = exchange.stack.kafka_bootstrap, fresh_symbol()
    first = new_order(symbol, "c-1", "o-1", "u-1", "BUY", "50.00", "2")
    produce(bootstrap, [first])
    wait_for_command(bootstrap, symbol, "c-1")
    # The same command again (an outbox relay re-publishing), then a marker command.
    produce(bootstrap, [first, cancel(symbol, "c-marker", "o-1", "u-1")])
    events = wait_for_command(bootstrap, symbol, "c-marker")
    assert [e.command_id for e in events] == ["c-1", "c-1", "c-marker", "c-marker"]
    assert [e.engine_seq for e in events] == [1, 2, 3, 4]
    assert events[2].order_cancelled.cancelled_quantity == "2"


def test_live_book_hash_equals_one_recomputed_from_published_snapshots(exchange):
    bootstrap, symbol = exchange.stack.kafka_bootstrap, fresh_symbol()
    commands = [new_order(symbol, f"c-{i}", f"o-{i}", f"u-{i % 3}", "BUY" if i % 2 else "SELL",
                          f"{100 + (i % 5) * (1 if i % 2 else -1) + (0 if i % 2 else 10)}.00", "0.5")
                for i in range(12)]
    produce(bootstrap, commands)
    wait_for_command(bootstrap, symbol, "c-11")
    channel, stub = engine_stub(exchange)
    with channel:
        live = get_hash(stub, symbol)
        snap = get_snapshot(stub, symbol)
    assert live.algorithm == pb.BOOK_HASH_ALGORITHM_SHA256_V1
    assert live.engine_seq == snap.engine_seq == len(events_of(bootstrap, symbol))
    assert live.hash == recompute_hash(snap) == snap.book_hash
    assert live.order_count == len(snap.bids) + len(snap.asks) > 0
    # The snapshot published on engine.snapshot.v1 (taken after the book's first command) and
    # its BookHash on engine.bookhash.v1 agree with a hash recomputed from the snapshot alone.
    published = [pb.BookSnapshot.FromString(r.value()) for r in read_topic(bootstrap, "engine.snapshot.v1", symbol)]
    hashes = {h.engine_seq: h for h in (pb.BookHash.FromString(r.value())
                                        for r in read_topic(bootstrap, "engine.bookhash.v1", symbol))}
    assert published
    for s in published:
        assert recompute_hash(s) == s.book_hash == hashes[s.engine_seq].hash
        assert s.input_offset >= 0 and s.tick_size == "0.01"
