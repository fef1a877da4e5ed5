"""Snapshot / restore / canonical book hash of the matching engine."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from services.engine.domain import (
    AmendOrder,
    CancelOrder,
    EngineConfig,
    MatchingEngine,
    NewOrder,
    OrderType,
    Side,
    StpMode,
    TimeInForce,
    book_hash,
    canonical_book_text,
)

SYM = "ETH-PERP"


def random_stream(seed: int, n: int):
    """A deterministic mixed command stream (adds, crosses, cancels, amends, market, dups)."""
    rng = random.Random(seed)
    oids: list[tuple[str, str]] = []
    cmds = []
    for i in range(n):
        r = rng.random()
        cid = f"c{i}"
        if r < 0.55 or not oids:
            oid, user = f"o{i}", f"u{rng.randint(1, 4)}"
            otype = OrderType.MARKET if rng.random() < 0.07 else OrderType.LIMIT
            tif = rng.choice([TimeInForce.IOC, TimeInForce.FOK]) if otype is OrderType.MARKET else rng.choice(
                [TimeInForce.GTC] * 5 + [TimeInForce.IOC, TimeInForce.FOK, TimeInForce.POST_ONLY]
            )
            price = None if otype is OrderType.MARKET else rng.randint(95, 105)
            cmds.append(NewOrder(cid, oid, user, rng.choice([Side.BUY, Side.SELL]), otype, tif, price,
                                 rng.randint(1, 6), stp_mode=rng.choice([None, *StpMode])))
            oids.append((oid, user))
        elif r < 0.8:
            oid, user = rng.choice(oids)
            cmds.append(CancelOrder(cid, oid, user))
        elif r < 0.95:
            oid, user = rng.choice(oids)
            cmds.append(AmendOrder(cid, oid, user, rng.choice([None, rng.randint(95, 105)]), rng.choice([None, rng.randint(1, 6)])))
        else:
            cmds.append(rng.choice(cmds))  # a redelivery
    return cmds


def run(eng, cmds):
    out = []
    for c in cmds:
        out.extend(eng.process(c))
    return out


def test_empty_book_hash_matches_the_documented_text():
    eng = MatchingEngine(EngineConfig(symbol="BTC-PERP"))
    text = "BTC-PERP|0"
    assert canonical_book_text("BTC-PERP", 0, [], []) == text
    assert eng.book_hash() == hashlib.sha256(text.encode()).hexdigest() == book_hash(eng.snapshot())


def test_contract_test_vectors():
    """The vectors written on tradex.engine.v1.BookHash in protos/tradex/engine/v1/events.proto."""
    assert canonical_book_text("BTC-USDT-PERP", 0, [], []) == "BTC-USDT-PERP|0"
    assert book_hash({"symbol": "BTC-USDT-PERP", "engine_seq": 0, "bids": [], "asks": []}) == (
        "8591a52f7fd217e996bbde2f94fec16f938be85061b10ecdac006fa3a88f10e8")
    snapshot = {
        "symbol": "BTC-USDT-PERP", "engine_seq": 42,
        "bids": [{"order_id": "o-2", "user_id": "u-1", "price_ticks": 650000, "qty_lots": 3},
                 {"order_id": "o-1", "user_id": "u-2", "price_ticks": 649990, "qty_lots": 10}],
        "asks": [{"order_id": "o-3", "user_id": "u-3", "price_ticks": 650100, "qty_lots": 5}],
    }
    assert book_hash(snapshot) == "4a7a7fcc737725877b6922cfb6ddeab8eaa568de4c041fe9097a7e3c6b43fdbf"


def test_hash_recomputed_by_a_client_from_the_definition():
    eng = MatchingEngine(EngineConfig(symbol=SYM))
    eng.process(NewOrder("c1", "b1", "u1", Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 99, 3))
    eng.process(NewOrder("c2", "b2", "u2", Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 100, 1))
    eng.process(NewOrder("c3", "b3", "u3", Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 99, 2))
    eng.process(NewOrder("c4", "a1", "u1", Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 102, 4))
    eng.process(NewOrder("c5", "a2", "u2", Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 101, 5))
    # independent client-side computation straight from the documented definition
    snap = json.loads(json.dumps(eng.snapshot()))
    lines = [f'{snap["symbol"]}|{snap["engine_seq"]}']
    lines += [f'B|{o["order_id"]}|{o["user_id"]}|{o["price_ticks"]}|{o["qty_lots"]}' for o in snap["bids"]]
    lines += [f'A|{o["order_id"]}|{o["user_id"]}|{o["price_ticks"]}|{o["qty_lots"]}' for o in snap["asks"]]
    expected = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    assert [o["order_id"] for o in snap["bids"]] == ["b2", "b1", "b3"]  # price desc, then time
    assert [o["order_id"] for o in snap["asks"]] == ["a2", "a1"]
    assert snap["engine_seq"] == 10
    assert eng.book_hash() == book_hash(snap) == expected


def test_hash_distinguishes_side_and_queue_order():
    a = book_hash({"symbol": "S", "engine_seq": 1, "bids": [{"order_id": "x", "user_id": "u", "price_ticks": 1, "qty_lots": 1}], "asks": []})
    b = book_hash({"symbol": "S", "engine_seq": 1, "bids": [], "asks": [{"order_id": "x", "user_id": "u", "price_ticks": 1, "qty_lots": 1}]})
    assert a != b
    o1 = {"order_id": "x", "user_id": "u", "price_ticks": 1, "qty_lots": 1}
    o2 = {"order_id": "y", "user_id": "u", "price_ticks": 1, "qty_lots": 1}
    assert book_hash({"symbol": "S", "engine_seq": 1, "bids": [o1, o2], "asks": []}) != book_hash(
        {"symbol": "S", "engine_seq": 1, "bids": [o2, o1], "asks": []}
    )


@pytest.mark.parametrize("seed", range(8))
def test_live_hash_equals_snapshot_hash_along_a_stream(seed):
    eng = MatchingEngine(EngineConfig(symbol=SYM, market_band_ticks=4))
    for c in random_stream(seed, 300):
        eng.process(c)
        assert eng.book_hash() == book_hash(eng.snapshot())


@pytest.mark.parametrize("seed", range(8))
def test_snapshot_restore_round_trip_identical_hash_and_future(seed):
    cmds = random_stream(seed, 600)
    cut = 250 + seed * 20
    original = MatchingEngine(EngineConfig(symbol=SYM, market_band_bps=300, dedup_window=50,
                                           default_stp_mode=[*StpMode][seed % 3]))
    run(original, cmds[:cut])
    snap = original.snapshot()
    wire = json.dumps(snap, sort_keys=True)  # JSON-able
    restored = MatchingEngine.restore(json.loads(wire))
    assert restored.book_hash() == original.book_hash() == book_hash(snap)
    assert json.dumps(restored.snapshot(), sort_keys=True) == wire
    assert restored.seq == original.seq
    # identical outputs afterwards (includes redeliveries, so the dedup window must have survived)
    tail = cmds[cut:] + cmds[cut - 40:cut]
    assert run(restored, tail) == run(original, tail)
    assert restored.book_hash() == original.book_hash()
    assert restored.snapshot() == original.snapshot()


def test_restore_rejects_malformed_snapshots():
    eng = MatchingEngine(EngineConfig(symbol=SYM))
    eng.process(NewOrder("c1", "b1", "u1", Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 99, 3))
    eng.process(NewOrder("c2", "a1", "u2", Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 101, 3))
    good = eng.snapshot()

    def broken(mutate):
        s = json.loads(json.dumps(good))
        mutate(s)
        return s

    with pytest.raises(ValueError):
        MatchingEngine.restore(broken(lambda s: s.update(format="v0")))
    with pytest.raises(ValueError):  # crossed
        MatchingEngine.restore(broken(lambda s: s["asks"][0].update(price_ticks=98)))
    with pytest.raises(ValueError):  # duplicate id
        MatchingEngine.restore(broken(lambda s: s["asks"][0].update(order_id="b1")))
    with pytest.raises(ValueError):  # zero qty
        MatchingEngine.restore(broken(lambda s: s["bids"][0].update(qty_lots=0)))
    with pytest.raises(ValueError):  # IOC cannot rest
        MatchingEngine.restore(broken(lambda s: s["bids"][0].update(tif="IOC")))
    with pytest.raises(ValueError):  # out of priority order
        MatchingEngine.restore(broken(lambda s: s["bids"].append(dict(s["bids"][0], order_id="b2", price_ticks=100))))
    with pytest.raises(ValueError):
        MatchingEngine.restore(broken(lambda s: s.update(symbol="OTHER")))
    assert MatchingEngine.restore(good).book_hash() == eng.book_hash()
