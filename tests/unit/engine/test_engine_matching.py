"""Unit tests of the matching engine's domain core, one feature at a time."""

from __future__ import annotations

import itertools

import pytest

from services.engine.domain import (
    AmendOrder,
    BookDelta,
    CancelOrder,
    CancelReason,
    CommandKind,
    CommandRejected,
    EngineConfig,
    MatchingEngine,
    NewOrder,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderRejected,
    OrderType,
    RejectReason,
    Side,
    StpMode,
    TimeInForce,
    Trade,
)

SYM = "BTC-PERP"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET
GTC, IOC, FOK, POST = TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.POST_ONLY

_cid = itertools.count(1)


def make_engine(**kw) -> MatchingEngine:
    return MatchingEngine(EngineConfig(symbol=SYM, **kw))


def new(eng, oid, user, side, price, qty, tif=GTC, otype=LIMIT, stp=None, cid=None, **kw):
    return eng.process(NewOrder(cid or f"c{next(_cid)}", oid, user, side, otype, tif, price, qty, stp_mode=stp, **kw))


def mkt(eng, oid, user, side, qty, tif=IOC, stp=None):
    return new(eng, oid, user, side, None, qty, tif=tif, otype=MARKET, stp=stp)


def cancel(eng, oid, user, cid=None):
    return eng.process(CancelOrder(cid or f"c{next(_cid)}", oid, user))


def amend(eng, oid, user, price=None, qty=None, cid=None):
    return eng.process(AmendOrder(cid or f"c{next(_cid)}", oid, user, price, qty))


def of(events, cls):
    return [e for e in events if type(e) is cls]


def trades(events):
    return [(t.maker_order_id, t.taker_order_id, t.price_ticks, t.qty_lots) for t in of(events, Trade)]


def book(eng):
    snap = eng.snapshot()
    return (
        [(o["order_id"], o["price_ticks"], o["qty_lots"]) for o in snap["bids"]],
        [(o["order_id"], o["price_ticks"], o["qty_lots"]) for o in snap["asks"]],
    )


# ------------------------------------------------------------------------------------ resting / fills


def test_gtc_limit_rests_and_emits_accept_then_delta():
    eng = make_engine()
    ev = new(eng, "b1", "u1", BUY, 100, 5)
    assert [type(e) for e in ev] == [OrderAccepted, BookDelta]
    acc, delta = ev
    assert (acc.order_id, acc.user_id, acc.side, acc.price_ticks, acc.qty_lots) == ("b1", "u1", BUY, 100, 5)
    assert (delta.side, delta.price_ticks, delta.qty_lots) == (BUY, 100, 5)
    assert eng.best_bid() == 100 and eng.best_ask() is None
    new(eng, "b2", "u2", BUY, 100, 3)
    assert eng.depth(BUY) == [(100, 8)]
    assert book(eng) == ([("b1", 100, 5), ("b2", 100, 3)], [])


def test_partial_fill_of_maker_and_taker_remainder_rests():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 5)
    ev = new(eng, "b1", "u2", BUY, 101, 3)
    assert trades(ev) == [("s1", "b1", 100, 3)]  # maker's price
    t = of(ev, Trade)[0]
    assert (t.maker_remaining_lots, t.taker_remaining_lots, t.taker_side) == (2, 0, BUY)
    assert (t.maker_user_id, t.taker_user_id) == ("u1", "u2")
    assert book(eng) == ([], [("s1", 100, 2)])
    ev = new(eng, "b2", "u2", BUY, 101, 4)
    assert trades(ev) == [("s1", "b2", 100, 2)]
    assert book(eng) == ([("b2", 101, 2)], [])
    deltas = [(d.side, d.price_ticks, d.qty_lots) for d in of(ev, BookDelta)]
    assert deltas == [(SELL, 100, 0), (BUY, 101, 2)]


def test_price_then_time_priority():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 101, 1)
    new(eng, "s2", "u2", SELL, 100, 1)  # better price, later
    new(eng, "s3", "u3", SELL, 100, 1)  # same price, later still
    new(eng, "s4", "u4", SELL, 102, 1)
    ev = new(eng, "b1", "u9", BUY, 101, 3, tif=IOC)
    assert trades(ev) == [("s2", "b1", 100, 1), ("s3", "b1", 100, 1), ("s1", "b1", 101, 1)]
    assert book(eng) == ([], [("s4", 102, 1)])


def test_sweep_emits_one_delta_per_level_after_its_trades():
    eng = make_engine()
    for i, p in enumerate([100, 100, 101]):
        new(eng, f"s{i}", f"u{i}", SELL, p, 2)
    ev = new(eng, "b", "ux", BUY, 101, 5)
    kinds = [type(e).__name__ for e in ev]
    assert kinds == ["OrderAccepted", "Trade", "Trade", "BookDelta", "Trade", "BookDelta"]
    assert [(d.price_ticks, d.qty_lots) for d in of(ev, BookDelta)] == [(100, 0), (101, 1)]


# ----------------------------------------------------------------------------------- time in force


def test_ioc_fills_what_it_can_and_cancels_the_rest():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 2)
    ev = new(eng, "b1", "u2", BUY, 100, 5, tif=IOC)
    assert trades(ev) == [("s1", "b1", 100, 2)]
    c = of(ev, OrderCancelled)
    assert [(x.order_id, x.reason, x.cancelled_lots) for x in c] == [("b1", CancelReason.IOC_REMAINDER, 3)]
    assert book(eng) == ([], [])


def test_ioc_without_cross_is_accepted_then_fully_cancelled():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 105, 2)
    ev = new(eng, "b1", "u2", BUY, 100, 5, tif=IOC)
    assert [type(e) for e in ev] == [OrderAccepted, OrderCancelled]
    assert ev[1].cancelled_lots == 5 and ev[1].reason == CancelReason.IOC_REMAINDER
    assert book(eng) == ([], [("s1", 105, 2)])


def test_fok_fills_completely_across_levels():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 2)
    new(eng, "s2", "u2", SELL, 101, 2)
    ev = new(eng, "b1", "u3", BUY, 101, 4, tif=FOK)
    assert trades(ev) == [("s1", "b1", 100, 2), ("s2", "b1", 101, 2)]
    assert not of(ev, OrderCancelled)
    assert book(eng) == ([], [])


def test_fok_not_fillable_is_rejected_and_changes_nothing():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 2)
    new(eng, "s2", "u2", SELL, 102, 5)  # beyond the FOK's limit
    h, seq = eng.book_hash(), eng.seq
    ev = new(eng, "b1", "u3", BUY, 101, 3, tif=FOK)
    assert [(type(e), e.reason) for e in ev] == [(OrderRejected, RejectReason.FOK_NOT_FILLABLE)]
    assert ev[0].seq == seq + 1
    assert book(eng) == ([], [("s1", 100, 2), ("s2", 102, 5)])
    # hash differs only by the sequence number: same book rehashed at the old seq is identical
    snap = eng.snapshot()
    snap["engine_seq"] = seq
    from services.engine.domain import book_hash

    assert book_hash(snap) == h
    # FOK against an empty side: rejected too
    ev = new(eng, "x", "u3", SELL, 90, 1, tif=FOK)
    assert ev[0].reason == RejectReason.FOK_NOT_FILLABLE


def test_fok_counts_liquidity_under_its_stp_mode():
    eng = make_engine()
    new(eng, "own", "u1", SELL, 100, 5)  # u1's own order is first in the queue
    new(eng, "s2", "u2", SELL, 100, 3)
    # CANCEL_TAKER: the taker would stop at its own order -> not fillable, nothing cancelled
    ev = new(eng, "f1", "u1", BUY, 100, 3, tif=FOK, stp=StpMode.CANCEL_TAKER)
    assert ev[0].reason == RejectReason.FOK_NOT_FILLABLE
    assert book(eng) == ([], [("own", 100, 5), ("s2", 100, 3)])
    # CANCEL_MAKER: own order excluded: 3 available, 4 is not fillable
    ev = new(eng, "f2", "u1", BUY, 100, 4, tif=FOK, stp=StpMode.CANCEL_MAKER)
    assert ev[0].reason == RejectReason.FOK_NOT_FILLABLE
    assert book(eng) == ([], [("own", 100, 5), ("s2", 100, 3)])
    # ... but 3 is: own order cancelled on the way, s2 fills
    ev = new(eng, "f3", "u1", BUY, 100, 3, tif=FOK, stp=StpMode.CANCEL_MAKER)
    assert [(c.order_id, c.reason) for c in of(ev, OrderCancelled)] == [("own", CancelReason.SELF_TRADE_PREVENTION)]
    assert trades(ev) == [("s2", "f3", 100, 3)]
    assert book(eng) == ([], [])


def test_post_only_rejected_when_it_would_take_and_rests_otherwise():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 2)
    ev = new(eng, "p1", "u2", BUY, 100, 1, tif=POST)
    assert [(type(e), e.reason) for e in ev] == [(OrderRejected, RejectReason.POST_ONLY_WOULD_TAKE)]
    ev = new(eng, "p2", "u2", BUY, 99, 1, tif=POST)
    assert [type(e) for e in ev] == [OrderAccepted, BookDelta]
    assert book(eng) == ([("p2", 99, 1)], [("s1", 100, 2)])


# ------------------------------------------------------------------------------------------ market


def test_market_on_empty_side_is_rejected_no_liquidity():
    eng = make_engine()
    new(eng, "b1", "u1", BUY, 100, 1)  # own side has liquidity, opposite has none
    ev = mkt(eng, "m1", "u2", BUY, 1)
    assert [(type(e), e.reason) for e in ev] == [(OrderRejected, RejectReason.NO_LIQUIDITY)]


def test_market_band_in_ticks_stops_and_cancels_with_market_protection():
    eng = make_engine(market_band_ticks=2)
    new(eng, "s1", "u1", SELL, 100, 1)
    new(eng, "s2", "u1", SELL, 102, 1)  # best + 2: inside the band
    new(eng, "s3", "u1", SELL, 103, 1)  # beyond
    ev = mkt(eng, "m1", "u2", BUY, 5)
    assert ev[0].price_ticks == 102  # accepted with its protection limit
    assert trades(ev) == [("s1", "m1", 100, 1), ("s2", "m1", 102, 1)]
    c = of(ev, OrderCancelled)[-1]
    assert (c.order_id, c.reason, c.cancelled_lots) == ("m1", CancelReason.MARKET_PROTECTION, 3)
    assert book(eng) == ([], [("s3", 103, 1)])


def test_market_exhausting_the_book_cancels_with_market_remainder():
    eng = make_engine(market_band_ticks=50)
    new(eng, "b1", "u1", BUY, 100, 1)
    new(eng, "b2", "u1", BUY, 99, 1)
    ev = mkt(eng, "m1", "u2", SELL, 3)
    assert trades(ev) == [("b1", "m1", 100, 1), ("b2", "m1", 99, 1)]
    c = of(ev, OrderCancelled)[-1]
    assert (c.reason, c.cancelled_lots) == (CancelReason.MARKET_REMAINDER, 1)


def test_market_band_in_bps_uses_integer_floor():
    eng = make_engine(market_band_bps=100)  # 1 %
    new(eng, "s1", "u1", SELL, 1050, 1)
    new(eng, "s2", "u1", SELL, 1060, 1)  # 1050 * 100 // 10000 = 10 -> limit 1060
    new(eng, "s3", "u1", SELL, 1061, 1)
    ev = mkt(eng, "m1", "u2", BUY, 3)
    assert ev[0].price_ticks == 1060
    assert trades(ev) == [("s1", "m1", 1050, 1), ("s2", "m1", 1060, 1)]
    # sell side: limit = best_bid - band, floored at 1
    eng = make_engine(market_band_ticks=10)
    new(eng, "b1", "u1", BUY, 3, 1)
    new(eng, "b2", "u1", BUY, 1, 1)
    ev = mkt(eng, "m2", "u2", SELL, 2)
    assert ev[0].price_ticks == 1 and trades(ev) == [("b1", "m2", 3, 1), ("b2", "m2", 1, 1)]


def test_market_fok_within_band():
    eng = make_engine(market_band_ticks=1)
    new(eng, "s1", "u1", SELL, 100, 1)
    new(eng, "s2", "u1", SELL, 102, 5)
    ev = mkt(eng, "m1", "u2", BUY, 2, tif=FOK)
    assert ev[0].reason == RejectReason.FOK_NOT_FILLABLE and len(ev) == 1
    ev = mkt(eng, "m2", "u2", BUY, 1, tif=FOK)
    assert trades(ev) == [("s1", "m2", 100, 1)]


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        (dict(side=BUY, price=0, tif=IOC), RejectReason.INVALID_PRICE),  # market with a bad protection price
        (dict(side=BUY, price=None, tif=GTC), RejectReason.INVALID_TIME_IN_FORCE),
        (dict(side=BUY, price=None, tif=POST), RejectReason.INVALID_TIME_IN_FORCE),
    ],
)
def test_market_validation(kwargs, reason):
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 1)
    ev = new(eng, "m", "u2", kwargs["side"], kwargs["price"], 1, tif=kwargs["tif"], otype=MARKET)
    assert [(type(e), e.reason) for e in ev] == [(OrderRejected, reason)]


# ----------------------------------------------------------------------------------------------- STP


def _stp_book(eng):
    new(eng, "a1", "u1", SELL, 100, 2)  # the taker's own order, first in line
    new(eng, "a2", "u2", SELL, 100, 2)


def test_stp_cancel_maker_cancels_own_resting_and_keeps_matching():
    eng = make_engine()  # default CANCEL_MAKER
    _stp_book(eng)
    ev = new(eng, "t", "u1", BUY, 100, 3)
    assert [(c.order_id, c.reason, c.cancelled_lots) for c in of(ev, OrderCancelled)] == [
        ("a1", CancelReason.SELF_TRADE_PREVENTION, 2)
    ]
    assert trades(ev) == [("a2", "t", 100, 2)]
    assert book(eng) == ([("t", 100, 1)], [])  # remainder rests


def test_stp_cancel_taker_leaves_maker_and_cancels_taker_remainder():
    eng = make_engine(default_stp_mode=StpMode.CANCEL_TAKER)
    new(eng, "a0", "u3", SELL, 99, 1)  # someone else's, better price: trades first
    _stp_book(eng)
    ev = new(eng, "t", "u1", BUY, 100, 5)
    assert trades(ev) == [("a0", "t", 99, 1)]
    assert [(c.order_id, c.reason, c.cancelled_lots) for c in of(ev, OrderCancelled)] == [
        ("t", CancelReason.SELF_TRADE_PREVENTION, 4)
    ]
    assert book(eng) == ([], [("a1", 100, 2), ("a2", 100, 2)])


def test_stp_cancel_both():
    eng = make_engine()
    _stp_book(eng)
    ev = new(eng, "t", "u1", BUY, 100, 5, stp=StpMode.CANCEL_BOTH)  # per-order override
    assert trades(ev) == []
    assert [(c.order_id, c.cancelled_lots) for c in of(ev, OrderCancelled)] == [("a1", 2), ("t", 5)]
    assert all(c.reason == CancelReason.SELF_TRADE_PREVENTION for c in of(ev, OrderCancelled))
    assert book(eng) == ([], [("a2", 100, 2)])
    assert of(ev, BookDelta)[0].qty_lots == 2


def test_stp_only_applies_to_orders_that_would_match():
    eng = make_engine(default_stp_mode=StpMode.CANCEL_BOTH)
    new(eng, "own", "u1", SELL, 105, 1)
    new(eng, "s", "u2", SELL, 100, 1)
    ev = new(eng, "t", "u1", BUY, 101, 2)
    assert trades(ev) == [("s", "t", 100, 1)]
    assert not of(ev, OrderCancelled)
    assert book(eng) == ([("t", 101, 1)], [("own", 105, 1)])


# -------------------------------------------------------------------------------------------- cancel


def test_cancel_by_owner():
    eng = make_engine()
    new(eng, "b1", "u1", BUY, 100, 5)
    new(eng, "b2", "u1", BUY, 100, 1)
    ev = cancel(eng, "b1", "u1")
    assert [type(e) for e in ev] == [OrderCancelled, BookDelta]
    assert (ev[0].reason, ev[0].cancelled_lots) == (CancelReason.USER_REQUESTED, 5)
    assert (ev[1].price_ticks, ev[1].qty_lots) == (100, 1)
    assert book(eng) == ([("b2", 100, 1)], [])


def test_cancel_by_non_owner_is_rejected_and_order_stays():
    eng = make_engine()
    new(eng, "b1", "u1", BUY, 100, 5)
    ev = cancel(eng, "b1", "intruder")
    assert [(type(e), e.command, e.reason) for e in ev] == [
        (CommandRejected, CommandKind.CANCEL, RejectReason.NOT_ORDER_OWNER)
    ]
    assert book(eng) == ([("b1", 100, 5)], [])


def test_cancel_unknown_or_finished_order():
    eng = make_engine()
    assert cancel(eng, "nope", "u1")[0].reason == RejectReason.UNKNOWN_ORDER
    new(eng, "s1", "u1", SELL, 100, 1)
    new(eng, "b1", "u2", BUY, 100, 1)  # fills s1
    assert cancel(eng, "s1", "u1")[0].reason == RejectReason.UNKNOWN_ORDER


def test_cancelled_order_is_skipped_by_matching_and_level_emptied():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 1)
    new(eng, "s2", "u2", SELL, 100, 1)
    new(eng, "s3", "u3", SELL, 101, 1)
    cancel(eng, "s1", "u1")
    cancel(eng, "s2", "u2")
    assert eng.best_ask() == 101
    ev = new(eng, "b", "u9", BUY, 101, 1)
    assert trades(ev) == [("s3", "b", 101, 1)]


def test_many_cancels_in_one_level_compact_and_keep_order():
    eng = make_engine()
    for i in range(200):
        new(eng, f"s{i}", "u1", SELL, 100, 1)
    for i in range(0, 200):
        if i % 10:
            cancel(eng, f"s{i}", "u1")
    assert book(eng)[1] == [(f"s{i}", 100, 1) for i in range(0, 200, 10)]
    ev = new(eng, "b", "u2", BUY, 100, 3)
    assert [t[0] for t in trades(ev)] == ["s0", "s10", "s20"]


# --------------------------------------------------------------------------------------------- amend


def test_amend_qty_decrease_keeps_priority():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 5)
    new(eng, "s2", "u2", SELL, 100, 5)
    ev = amend(eng, "s1", "u1", qty=2)
    assert [type(e) for e in ev] == [OrderAmended, BookDelta]
    assert ev[0].priority_kept and (ev[0].old_qty_lots, ev[0].new_qty_lots) == (5, 2)
    assert ev[1].qty_lots == 7
    ev = new(eng, "b", "u3", BUY, 100, 3)
    assert trades(ev) == [("s1", "b", 100, 2), ("s2", "b", 100, 1)]


def test_amend_qty_increase_loses_priority():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 2)
    new(eng, "s2", "u2", SELL, 100, 2)
    ev = amend(eng, "s1", "u1", qty=3)
    assert not ev[0].priority_kept
    assert [(d.price_ticks, d.qty_lots) for d in of(ev, BookDelta)] == [(100, 5)]
    assert book(eng) == ([], [("s2", 100, 2), ("s1", 100, 3)])


def test_amend_price_change_loses_priority_even_back_to_same_level():
    eng = make_engine()
    new(eng, "s1", "u1", SELL, 100, 1)
    new(eng, "s2", "u2", SELL, 100, 1)
    ev = amend(eng, "s1", "u1", price=101)
    assert [(d.price_ticks, d.qty_lots) for d in of(ev, BookDelta)] == [(100, 1), (101, 1)]
    amend(eng, "s1", "u1", price=100)
    assert book(eng) == ([], [("s2", 100, 1), ("s1", 100, 1)])


def test_amend_that_crosses_trades_as_taker_and_rests_remainder():
    eng = make_engine()
    new(eng, "b1", "u1", BUY, 99, 5)
    new(eng, "s1", "u2", SELL, 101, 2)
    ev = amend(eng, "b1", "u1", price=101)
    assert type(ev[0]) is OrderAmended and not ev[0].priority_kept
    assert trades(ev) == [("s1", "b1", 101, 2)]
    assert book(eng) == ([("b1", 101, 3)], [])


def test_amend_post_only_that_would_cross_is_rejected_unchanged():
    eng = make_engine()
    new(eng, "p", "u1", BUY, 99, 5, tif=POST)
    new(eng, "s1", "u2", SELL, 101, 2)
    ev = amend(eng, "p", "u1", price=101)
    assert [(type(e), e.reason) for e in ev] == [(CommandRejected, RejectReason.POST_ONLY_WOULD_TAKE)]
    assert book(eng) == ([("p", 99, 5)], [("s1", 101, 2)])


@pytest.mark.parametrize(
    "price, qty, reason",
    [
        (None, 0, RejectReason.INVALID_QUANTITY),
        (None, -1, RejectReason.INVALID_QUANTITY),
        (0, None, RejectReason.INVALID_PRICE),
        (None, None, RejectReason.INVALID_AMEND),
    ],
)
def test_amend_invalid(price, qty, reason):
    eng = make_engine()
    new(eng, "b", "u1", BUY, 99, 5)
    ev = amend(eng, "b", "u1", price=price, qty=qty)
    assert [(type(e), e.command, e.reason) for e in ev] == [(CommandRejected, CommandKind.AMEND, reason)]
    assert book(eng) == ([("b", 99, 5)], [])


def test_amend_non_owner_unknown_and_noop():
    eng = make_engine()
    new(eng, "b", "u1", BUY, 99, 5)
    assert amend(eng, "b", "u2", qty=1)[0].reason == RejectReason.NOT_ORDER_OWNER
    assert amend(eng, "zz", "u1", qty=1)[0].reason == RejectReason.UNKNOWN_ORDER
    ev = amend(eng, "b", "u1", price=99, qty=5)
    assert [type(e) for e in ev] == [OrderAmended] and ev[0].priority_kept


def test_amended_crossing_order_keeps_its_stp_mode():
    eng = make_engine()
    new(eng, "own", "u1", SELL, 101, 2)
    new(eng, "b", "u1", BUY, 99, 5, stp=StpMode.CANCEL_TAKER)
    ev = amend(eng, "b", "u1", price=101)
    assert trades(ev) == []
    assert [(c.order_id, c.reason) for c in of(ev, OrderCancelled)] == [("b", CancelReason.SELF_TRADE_PREVENTION)]
    assert book(eng) == ([], [("own", 101, 2)])


# -------------------------------------------------------------------------------- validation / ids


@pytest.mark.parametrize("qty", [0, -3, True, 1.5, None])
def test_invalid_quantity(qty):
    ev = new(make_engine(), "b", "u1", BUY, 100, qty)
    assert [(type(e), e.reason) for e in ev] == [(OrderRejected, RejectReason.INVALID_QUANTITY)]


@pytest.mark.parametrize("price", [0, -1, None, 100.0])
def test_invalid_limit_price(price):
    ev = new(make_engine(), "b", "u1", BUY, price, 1)
    assert [(type(e), e.reason) for e in ev] == [(OrderRejected, RejectReason.INVALID_PRICE)]


def test_duplicate_live_order_id_rejected():
    eng = make_engine()
    new(eng, "b", "u1", BUY, 100, 1)
    ev = new(eng, "b", "u1", BUY, 99, 1)
    assert ev[0].reason == RejectReason.DUPLICATE_ORDER_ID
    assert book(eng) == ([("b", 100, 1)], [])


def test_enum_values_given_as_strings_and_garbage():
    eng = make_engine()
    ev = eng.process(NewOrder("c-s1", "b", "u1", "BUY", "LIMIT", "GTC", 100, 1, stp_mode="CANCEL_BOTH"))
    assert ev[0].side is BUY and ev[0].tif is GTC and ev[0].stp_mode is StpMode.CANCEL_BOTH
    assert eng.process(NewOrder("c-s2", "x", "u1", "UP", LIMIT, GTC, 100, 1))[0].reason == RejectReason.INVALID_SIDE
    assert eng.process(NewOrder("c-s3", "x", "u1", BUY, "STOP", GTC, 100, 1))[0].reason == RejectReason.INVALID_ORDER_TYPE
    assert eng.process(NewOrder("c-s4", "x", "u1", BUY, LIMIT, "GTD", 100, 1))[0].reason == RejectReason.INVALID_TIME_IN_FORCE
    assert eng.process(NewOrder("c-s5", "x", "u1", BUY, LIMIT, GTC, 100, 1, stp_mode="X"))[0].reason == (
        RejectReason.INVALID_STP_MODE
    )
    with pytest.raises(TypeError):
        eng.process(("not", "a", "command"))


def test_reduce_only_and_liquidation_flags_are_carried_through():
    eng = make_engine()
    ev = new(eng, "b", "u1", BUY, 100, 1, reduce_only=True, is_liquidation=True)
    assert ev[0].reduce_only is True and ev[0].is_liquidation is True
    o = eng.snapshot()["bids"][0]
    assert o["reduce_only"] is True and o["is_liquidation"] is True
    # nothing else is enforced: a reduce-only order rests and matches like any other
    ev = new(eng, "s", "u2", SELL, 100, 1, reduce_only=True)
    assert trades(ev) == [("b", "s", 100, 1)]


# ---------------------------------------------------------------------------- dedup and sequencing


def test_duplicate_command_id_produces_nothing():
    eng = make_engine()
    ev1 = new(eng, "b1", "u1", BUY, 100, 1, cid="same")
    h, seq = eng.book_hash(), eng.seq
    assert new(eng, "b2", "u1", BUY, 101, 1, cid="same") == []  # any command type, same id
    assert cancel(eng, "b1", "u1", cid="same") == []
    assert amend(eng, "b1", "u1", qty=5, cid="same") == []
    assert (eng.book_hash(), eng.seq) == (h, seq) and len(ev1) == 2
    # a rejected command is remembered too
    assert len(cancel(eng, "zz", "u1", cid="rej")) == 1
    assert cancel(eng, "zz", "u1", cid="rej") == []


def test_dedup_window_evicts_oldest_first():
    eng = make_engine(dedup_window=3)
    for i in range(4):
        new(eng, f"b{i}", "u1", BUY, 100 - i, 1, cid=f"k{i}")
    assert eng.snapshot()["seen_command_ids"] == ["k1", "k2", "k3"]
    assert not eng.has_seen("k0") and eng.has_seen("k1")
    assert new(eng, "b9", "u1", BUY, 90, 1, cid="k3") == []
    assert len(new(eng, "b9", "u1", BUY, 90, 1, cid="k0")) == 2  # evicted: processed again
    assert eng.snapshot()["seen_command_ids"] == ["k2", "k3", "k0"]


def test_sequence_numbers_gap_free_and_event_ids():
    eng = make_engine(market_band_ticks=3)
    all_ev = []
    all_ev += new(eng, "s1", "u1", SELL, 100, 2)
    all_ev += new(eng, "s2", "u2", SELL, 101, 2)
    all_ev += new(eng, "p", "u3", BUY, 100, 1, tif=POST)  # reject
    all_ev += new(eng, "b", "u3", BUY, 101, 3)
    all_ev += cancel(eng, "nope", "u3")
    all_ev += new(eng, "b", "u3", BUY, 101, 3, cid="dup") + new(eng, "b", "u3", BUY, 101, 3, cid="dup")
    all_ev += amend(eng, "s2", "u2", qty=5)
    all_ev += mkt(eng, "m", "u4", BUY, 9)
    assert [e.seq for e in all_ev] == list(range(1, len(all_ev) + 1))
    assert eng.seq == len(all_ev)
    assert all(e.event_id == f"{SYM}:{e.seq}" and e.symbol == SYM for e in all_ev)
    assert all(t.trade_id == t.event_id for t in of(all_ev, Trade))


def test_config_validation():
    with pytest.raises(ValueError):
        EngineConfig(symbol="X", market_band_ticks=1, market_band_bps=1)
    with pytest.raises(ValueError):
        EngineConfig(symbol="X", market_band_ticks=-1)
    with pytest.raises(ValueError):
        EngineConfig(symbol="X", dedup_window=0)
    with pytest.raises(ValueError):
        EngineConfig(symbol="")
    assert EngineConfig(symbol="X").market_band_bps == 500


def test_market_protection_price_from_risk_is_the_tighter_bound():
    eng = make_engine()
    for i, price in enumerate((100, 101, 102)):
        new(eng, f"s{i}", "u1", SELL, price, 1)
    for i, price in enumerate((99, 98, 97)):
        new(eng, f"b{i}", "u1", BUY, price, 1)
    # BUY with Risk's protection at 101: fills 100 and 101, never 102 (inside the engine's own band)
    ev = new(eng, "mb", "u2", BUY, 101, 3, tif=IOC, otype=MARKET)
    assert ev[0].price_ticks == 101
    assert trades(ev) == [("s0", "mb", 100, 1), ("s1", "mb", 101, 1)]
    assert [e.reason for e in ev if isinstance(e, OrderCancelled)] == [CancelReason.MARKET_PROTECTION]
    # SELL at 98: fills 99 and 98 only
    ev = new(eng, "ms", "u2", SELL, 98, 3, tif=IOC, otype=MARKET)
    assert trades(ev) == [("b0", "ms", 99, 1), ("b1", "ms", 98, 1)]
    # a protection wider than the engine's own band leaves the engine's band in force
    ev = new(eng, "mw", "u2", BUY, 10_000, 1, tif=IOC, otype=MARKET)
    assert ev[0].price_ticks < 10_000 and trades(ev) == [("s2", "mw", 102, 1)]
