"""Service-layer mapping (proto <-> engine core): a book restored from its BookSnapshot proto
continues byte-identically, and cancel-all / instrument mismatch follow the contract."""
from __future__ import annotations

import random

from tradex.common.v1 import trading_pb2 as t
from tradex.engine.v1 import events_pb2 as pb

from services.engine.api.commands import apply_command, new_book
from services.engine.api.events import to_protos
from services.engine.api.snapshots import from_snapshot, to_snapshot

S = "U-PERP"


def order(i: int, rng: random.Random) -> pb.OrderCommand:
    return pb.OrderCommand(command_id=f"c{i}", symbol=S, issued_at_unix_ms=i, new_order=pb.NewOrder(
        order_id=f"o{i}", user_id=f"u{rng.randint(1, 3)}", side=rng.choice((t.SIDE_BUY, t.SIDE_SELL)),
        order_type=t.ORDER_TYPE_LIMIT, time_in_force=t.TIME_IN_FORCE_GTC, price=f"{rng.randint(98, 102)}.5",
        quantity=f"{rng.randint(1, 9)}", tick_size="0.5", lot_size="1", leverage="3"))


def run(book, commands):
    return [e.SerializeToString() for c in commands for e in to_protos(book, apply_command(book, c), c, 0, 0)]


def test_restored_book_continues_identically():
    rng = random.Random(7)
    commands = [order(i, rng) for i in range(200)]
    original = new_book(S)
    run(original, commands[:100])
    restored = from_snapshot(pb.BookSnapshot.FromString(to_snapshot(original).SerializeToString()))
    assert to_snapshot(restored) == to_snapshot(original)
    assert run(restored, commands[100:]) == run(original, commands[100:])
    assert restored.engine.book_hash() == original.engine.book_hash()


def test_cancel_all_and_instrument_mismatch():
    book = new_book(S)
    rng = random.Random(1)
    run(book, [order(i, rng) for i in range(30)])
    mine = [oid for oid, m in book.meta.items() if book.engine.open_order(oid)["user_id"] == "u1"]
    cmd = pb.OrderCommand(command_id="ca", symbol=S, cancel_all_orders=pb.CancelAllOrders(user_id="u1"))
    events = to_protos(book, apply_command(book, cmd), cmd, 0, 0)
    assert sorted(e.order_cancelled.order_id for e in events if e.HasField("order_cancelled")) == sorted(mine)
    assert not to_protos(book, apply_command(book, cmd), cmd, 0, 0)  # deduplicated
    bad = order(99, rng)
    bad.new_order.tick_size = "0.25"
    (rejected,) = to_protos(book, apply_command(book, bad), bad, 0, 0)
    assert rejected.order_rejected.reason == 5  # ORDER_REJECT_REASON_INSTRUMENT_MISMATCH
