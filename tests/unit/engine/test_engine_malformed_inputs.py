"""Issue 8 item 6: malformed input to the engine core raises the documented ValueError and records nothing.

- ``MatchingEngine.restore`` raises ValueError (never KeyError/TypeError/AttributeError) for any malformed
  snapshot: a missing top-level key, a missing order field, a value of the wrong type.
- ``reject_new_order`` with an invalid reason raises before the command id is remembered, so a corrected
  retry with the same command id is applied.
- ``depth``/``level_count`` with a side that is neither BUY nor SELL raise instead of answering the SELL side.
"""

from __future__ import annotations

import json

import pytest

from services.engine.domain import (
    EngineConfig,
    MatchingEngine,
    NewOrder,
    OrderType,
    Side,
    TimeInForce,
)

SYM = "ETH-PERP"


def _engine() -> MatchingEngine:
    eng = MatchingEngine(EngineConfig(symbol=SYM))
    eng.process(NewOrder("c1", "b1", "u1", Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 99, 3))
    eng.process(NewOrder("c2", "a1", "u2", Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 101, 3))
    return eng


def _good() -> dict:
    return json.loads(json.dumps(_engine().snapshot()))


def _mutated(mutate) -> dict:
    s = _good()
    mutate(s)
    return s


def _delete(*path):
    def mutate(s):
        target = s
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return mutate


def _set(path, value):
    def mutate(s):
        target = s
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


MALFORMED = {
    "missing bids": _delete("bids"),
    "missing asks": _delete("asks"),
    "missing seen_command_ids": _delete("seen_command_ids"),
    "missing config": _delete("config"),
    "missing config field": _delete("config", "dedup_window"),
    "missing symbol": _delete("symbol"),
    "missing engine_seq": _delete("engine_seq"),
    "missing format": _delete("format"),
    **{f"missing order {field}": _delete("bids", 0, field)
       for field in ("order_id", "user_id", "price_ticks", "qty_lots", "tif", "stp_mode", "reduce_only",
                     "is_liquidation")},
    "bids not a list": _set(("bids",), 5),
    "bids is a dict": _set(("bids",), {"order_id": "x"}),
    "order not a dict": _set(("bids", 0), "b1"),
    "order is None": _set(("asks", 0), None),
    "order_id not a string": _set(("bids", 0, "order_id"), 7),
    "empty order_id": _set(("bids", 0, "order_id"), ""),
    "user_id not a string": _set(("bids", 0, "user_id"), ["u1"]),
    "unhashable order_id": _set(("bids", 0, "order_id"), {"a": 1}),
    "price as text": _set(("bids", 0, "price_ticks"), "99"),
    "qty as float": _set(("bids", 0, "qty_lots"), 3.0),
    "tif unhashable": _set(("bids", 0, "tif"), ["GTC"]),
    "reduce_only as text": _set(("bids", 0, "reduce_only"), "false"),
    "seen_command_ids not a list": _set(("seen_command_ids",), 12),
    "seen_command_ids of ints": _set(("seen_command_ids",), [1, 2]),
    "seen_command_ids unhashable": _set(("seen_command_ids",), [["c1"]]),
    "config not a dict": _set(("config",), "x"),
    "config bad stp": _set(("config", "default_stp_mode"), "NOPE"),
    "engine_seq negative": _set(("engine_seq",), -1),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_restore_raises_value_error_for_malformed_snapshot(case):
    with pytest.raises(ValueError):
        MatchingEngine.restore(_mutated(MALFORMED[case]))


@pytest.mark.parametrize("garbage", [None, [], "snapshot", 5])
def test_restore_raises_value_error_for_non_dict(garbage):
    with pytest.raises(ValueError):
        MatchingEngine.restore(garbage)


def test_restore_of_a_good_snapshot_still_works():
    eng = _engine()
    assert MatchingEngine.restore(_good()).book_hash() == eng.book_hash()


def test_reject_new_order_with_invalid_reason_records_nothing():
    eng = _engine()
    before_seq, before_hash = eng.seq, eng.book_hash()
    with pytest.raises(ValueError):
        eng.reject_new_order("c9", "o9", "u1", "NOT_A_REASON")
    assert not eng.has_seen("c9")
    assert eng.seq == before_seq and eng.book_hash() == before_hash
    # The corrected retry with the same command id is applied, not dropped as a duplicate.
    events = eng.reject_new_order("c9", "o9", "u1", "INSTRUMENT_MISMATCH")
    assert len(events) == 1 and str(events[0].reason) == "INSTRUMENT_MISMATCH"
    assert eng.has_seen("c9") and eng.seq == before_seq + 1
    assert eng.reject_new_order("c9", "o9", "u1", "INSTRUMENT_MISMATCH") == []


@pytest.mark.parametrize("side", ["garbage", "", "buy", None, 0, "SELLX"])
def test_depth_and_level_count_refuse_an_unknown_side(side):
    eng = _engine()
    with pytest.raises(ValueError):
        eng.depth(side)
    with pytest.raises(ValueError):
        eng.level_count(side, 101)


def test_depth_answers_both_real_sides():
    eng = _engine()
    assert eng.depth(Side.BUY) == eng.depth("BUY") == [(99, 3)]
    assert eng.depth(Side.SELL) == eng.depth("SELL") == [(101, 3)]
    assert eng.level_count("SELL", 101) == 1
