"""The public book, its checksum and the Market Data feed's sequencing, checked against the real
matching engine: a book folded from engine.event.v1 deltas agrees with the engine's snapshot on
every level they share and on the order count its book hash covers; gaps and mismatches resync."""
from __future__ import annotations

import random
import zlib
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tradex.common.v1 import trading_pb2 as t
from tradex.engine.v1 import events_pb2 as pb

from services.engine.api.commands import apply_command, new_book
from services.engine.api.events import to_protos
from services.engine.api.snapshots import to_book_hash, to_snapshot
from services.marketdata.adapters import mappers
from services.marketdata.domain.feed import EngineItem, Status, SymbolFeed, engine_hash
from services.platform.public_book import ASK, BID, Level, PublicBook, checksum, checksum_text

S = "MD-PERP"


def test_checksum_test_vectors_of_the_contract():
    assert checksum([], []) == 0
    bids = [Level(Decimal("65000.50"), Decimal("1.250"), 2)]
    asks = [Level(Decimal("65001"), Decimal("0.5"), 1)]
    assert checksum_text(bids, asks) == "B|65000.5|1.25|2\nA|65001|0.5|1"
    assert checksum(bids, asks) == 862232202 == zlib.crc32(b"B|65000.5|1.25|2\nA|65001|0.5|1")


def test_checksum_covers_top_25_levels_only():
    book = PublicBook(S)
    for i in range(40):
        book.set(BID, Level(Decimal(100 - i), Decimal(1), 1))
    before = book.checksum()
    book.set(BID, Level(Decimal(100 - 39), Decimal(7), 3))  # level 40: outside the window
    assert book.checksum() == before
    book.set(BID, Level(Decimal(100 - 3), Decimal(7), 3))
    assert book.checksum() != before


def _order(i: int, rng: random.Random) -> pb.OrderCommand:
    kind = rng.random()
    if kind < 0.15 and i > 3:
        return pb.OrderCommand(command_id=f"c{i}", symbol=S, issued_at_unix_ms=1_000 + i, cancel_order=pb.CancelOrder(
            order_id=f"o{rng.randint(0, i - 1)}", user_id=f"u{rng.randint(1, 3)}"))
    return pb.OrderCommand(command_id=f"c{i}", symbol=S, issued_at_unix_ms=1_000 + i, new_order=pb.NewOrder(
        order_id=f"o{i}", user_id=f"u{rng.randint(1, 3)}", side=rng.choice((t.SIDE_BUY, t.SIDE_SELL)),
        order_type=t.ORDER_TYPE_LIMIT, time_in_force=t.TIME_IN_FORCE_GTC, price=f"{rng.randint(96, 104)}.5",
        quantity=f"0.{rng.randint(1, 9)}", tick_size="0.5", lot_size="0.1", leverage="3"))


def _events(book, commands):
    return [e for c in commands for e in to_protos(book, apply_command(book, c), c, 0, 0)]


def _client_apply(held: PublicBook, delta) -> None:
    assert delta.prev_seq == held.seq, "chain broken"
    for lv in delta.bids:
        held.set(BID, lv)
    for lv in delta.asks:
        held.set(ASK, lv)
    held.seq = delta.last_seq
    assert held.checksum() == delta.checksum


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 120))
def test_feed_agrees_with_engine_snapshot_and_hash(seed, n):
    rng = random.Random(seed)
    book = new_book(S)
    feed = SymbolFeed(S)
    client = PublicBook(S)  # a client applying every published delta
    for event in _events(book, [_order(i, rng) for i in range(n)]):
        out = feed.apply(mappers.engine_item(event, event.occurred_at_unix_ms))
        assert out.gap is None and out.mismatch is None
        if out.delta is not None:
            _client_apply(client, out.delta)
    snap = to_snapshot(book)
    # The engine's own hash, recomputed by Market Data from the snapshot it publishes.
    assert engine_hash(mappers.engine_snapshot(snap)) == snap.book_hash == book.engine.book_hash()
    # The levels both hold: the snapshot aggregated by price equals the book folded from deltas.
    expected = mappers.engine_snapshot(snap).public_book()
    assert feed.book.same_levels(expected) and client.same_levels(expected)
    assert feed.book.checksum() == expected.checksum() == client.checksum()
    assert feed.book.fingerprint == expected.fingerprint == client.fingerprint
    # And the engine's depth (ticks/lots) agrees level by level.
    tick, lot = Decimal("0.5"), Decimal("0.1")
    for side, levels in ((t.SIDE_BUY, feed.book.bids()), (t.SIDE_SELL, feed.book.asks())):
        from services.engine.domain import Side
        engine_side = Side.BUY if side == t.SIDE_BUY else Side.SELL
        assert [(lv.price, lv.quantity) for lv in levels] == [
            (tick * p, lot * q) for p, q in book.engine.depth(engine_side)]
    # Checks at the snapshot's seq pass; the hash's order count matches.
    assert feed.offer_snapshot(mappers.engine_snapshot(snap)).mismatch is None
    assert feed.offer_hash(mappers.book_hash(to_book_hash(book))).mismatch is None
    assert feed.live


def test_gap_resyncs_from_snapshot_and_buffered_events_follow():
    rng = random.Random(3)
    book = new_book(S)
    events = _events(book, [_order(i, rng) for i in range(60)])
    feed = SymbolFeed(S)
    cut = 30
    for e in events[:cut]:
        feed.apply(mappers.engine_item(e, 0))
    snap_at = feed.applied_seq
    # An event is lost: the next one is a gap.
    out = feed.apply(mappers.engine_item(events[cut + 1], 0))
    assert out.gap == (snap_at + 1, snap_at + 2)
    assert feed.status is Status.RESYNCING
    for e in events[cut + 2:]:
        assert feed.apply(mappers.engine_item(e, 0)).delta is None  # nothing published meanwhile
    # The engine's snapshot taken at cut + 1 events repairs it; the buffered later events replay.
    replay = new_book(S)
    replay_events = _events(replay, [_order(i, random.Random(3)) for i in range(0)])
    assert replay_events == []
    rebuilt = new_book(S)
    rng2 = random.Random(3)
    cmds = [_order(i, rng2) for i in range(60)]
    done = []
    for c in cmds:
        done += to_protos(rebuilt, apply_command(rebuilt, c), c, 0, 0)
        if done[-1].engine_seq >= events[cut + 1].engine_seq and done[-1].last_in_command:
            break
    snapshot = mappers.engine_snapshot(to_snapshot(rebuilt))
    delta, dropped = feed.reset(snapshot)
    assert dropped == 0 and feed.live
    final = mappers.engine_snapshot(to_snapshot(book)).public_book()
    assert feed.book.same_levels(final)


def test_bogus_future_event_is_dropped_at_resync():
    feed = SymbolFeed(S)
    feed.apply(EngineItem(1, 5, BID, Level(Decimal(10), Decimal(1), 1), True))
    out = feed.apply(EngineItem(1000, 6, BID, Level(Decimal(11), Decimal(1), 1), True))
    assert out.gap == (2, 1000) and not feed.live
    from services.marketdata.domain.feed import EngineSnapshot, RestingOrder
    snap = EngineSnapshot(S, 1, 5, (RestingOrder("o1", "u1", BID, Decimal(10), Decimal(1), 10, 1),), ())
    delta, dropped = feed.reset(snap)
    assert dropped == 1 and feed.live and feed.applied_seq == 1
    assert [lv.price for lv in feed.book.bids()] == [Decimal(10)]
    # The real next event still applies.
    assert feed.apply(EngineItem(2, 7, ASK, Level(Decimal(12), Decimal(2), 1), True)).delta.prev_seq == 1


def test_snapshot_mismatch_replaces_book_with_a_repairing_delta():
    feed = SymbolFeed(S)
    client = PublicBook(S)
    _client_apply(client, feed.apply(EngineItem(1, 5, BID, Level(Decimal(10), Decimal(1), 1), True)).delta)
    from services.marketdata.domain.feed import EngineSnapshot, RestingOrder
    engine_view = EngineSnapshot(S, 1, 5, (RestingOrder("o1", "u1", BID, Decimal(10), Decimal(2), 10, 2),), ())
    out = feed.offer_snapshot(engine_view)
    assert out.mismatch and out.delta is None and out.repair is not None
    # A repair delta: prev == last == the seq the client holds; applying it repairs the client.
    assert out.repair.prev_seq == out.repair.last_seq == client.seq == 1
    _client_apply(client, out.repair)
    assert client.same_levels(engine_view.public_book()) and feed.book.bids()[0].quantity == Decimal(2)


def test_pending_snapshot_checked_when_events_catch_up_keeps_both_deltas():
    from services.marketdata.domain.feed import EngineSnapshot, RestingOrder
    feed = SymbolFeed(S)
    client = PublicBook(S)
    # The snapshot at seq 2 arrives before event 2: it is checked when the book reaches seq 2.
    engine_view = EngineSnapshot(S, 2, 5, (RestingOrder("o1", "u1", BID, Decimal(10), Decimal(1), 10, 1),
                                           RestingOrder("o2", "u2", BID, Decimal(9), Decimal(4), 9, 4)), ())
    _client_apply(client, feed.apply(EngineItem(1, 5, BID, Level(Decimal(10), Decimal(1), 1), True)).delta)
    assert feed.offer_snapshot(engine_view).mismatch is None  # not at its seq yet
    out = feed.apply(EngineItem(2, 6, BID, Level(Decimal(9), Decimal(3), 1), True))  # wrong: 3, not 4
    assert out.mismatch and out.delta is not None and out.repair is not None
    _client_apply(client, out.delta)
    _client_apply(client, out.repair)
    assert client.same_levels(engine_view.public_book())


def test_hash_order_count_mismatch_starts_resync():
    feed = SymbolFeed(S)
    feed.apply(EngineItem(1, 5, BID, Level(Decimal(10), Decimal(1), 1), True))
    from services.marketdata.domain.feed import BookHashCheck
    assert feed.offer_hash(BookHashCheck(S, 1, 2, "x")).mismatch
    assert feed.status is Status.RESYNCING


def test_pending_command_is_not_visible_until_its_last_event():
    feed = SymbolFeed(S)
    out = feed.apply(EngineItem(1, 5, BID, Level(Decimal(10), Decimal(1), 1), last_in_command=False))
    assert out.delta is None and feed.book.bids() == [] and feed.book.seq == 0
    out = feed.apply(EngineItem(2, 5, ASK, Level(Decimal(11), Decimal(1), 1), last_in_command=True))
    assert out.delta.first_seq == 1 and out.delta.last_seq == 2 and out.delta.prev_seq == 0
    assert feed.book.seq == 2


def test_checks_that_arrive_after_the_book_moved_on_use_the_history():
    from services.marketdata.domain.feed import BookHashCheck, EngineSnapshot, RestingOrder
    rng = random.Random(11)
    book = new_book(S)
    commands = [_order(i, rng) for i in range(40)]
    feed = SymbolFeed(S)
    snapshots = []
    for c in commands:
        for e in to_protos(book, apply_command(book, c), c, 0, 0):
            feed.apply(mappers.engine_item(e, 0))
        snapshots.append((to_snapshot(book), to_book_hash(book)))
    # The engine's snapshot and hash of command 20 arrive when the feed is 20 commands further.
    snap, book_hash = snapshots[20]
    assert snap.engine_seq < feed.applied_seq
    assert feed.offer_snapshot(mappers.engine_snapshot(snap)).mismatch is None
    assert feed.offer_hash(mappers.book_hash(book_hash)).mismatch is None and feed.live
    # A disagreeing late snapshot (one more lot at a level) starts a resync.
    wrong = mappers.engine_snapshot(snap)
    o = wrong.bids[0] if wrong.bids else wrong.asks[0]
    bumped = RestingOrder(o.order_id, o.user_id, o.side, o.price, o.quantity + 1, o.price_ticks, o.quantity_lots + 1)
    wrong = EngineSnapshot(S, wrong.seq, wrong.at_unix_ms, (bumped, *wrong.bids[1:]) if wrong.bids else (),
                           wrong.asks if wrong.bids else (bumped, *wrong.asks[1:]))
    out = feed.offer_snapshot(wrong)
    assert out.mismatch and "differs from the engine snapshot" in out.mismatch and not feed.live
    # And a disagreeing late hash does too.
    feed2 = SymbolFeed(S)
    feed2.apply(EngineItem(1, 5, BID, Level(Decimal(10), Decimal(1), 1), True))
    feed2.apply(EngineItem(2, 6, BID, Level(Decimal(11), Decimal(1), 1), True))
    assert feed2.offer_hash(BookHashCheck(S, 1, 5, "h")).mismatch and not feed2.live


def test_fingerprint_follows_changes_and_ignores_order():
    a, b = PublicBook(S), PublicBook(S)
    levels = [(BID, Level(Decimal(p), Decimal(1), 1)) for p in (5, 3, 4)]
    for side, lv in levels:
        a.set(side, lv)
    for side, lv in reversed(levels):
        b.set(side, lv)
    assert a.fingerprint == b.fingerprint != 0
    a.set(BID, Level(Decimal(3), Decimal(0), 0))
    assert a.fingerprint != b.fingerprint
    b.set(BID, Level(Decimal(3), Decimal(0), 0))
    assert a.fingerprint == b.fingerprint == PublicBook.from_levels(S, 0, b.bids(), []).fingerprint
