"""Helpers for the Matching Engine e2e tests: produce OrderCommands, read the engine's topics,
call EngineService directly (it is internal, Envoy does not route it)."""
from __future__ import annotations

import hashlib
import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from tradex.common.v1 import trading_pb2 as t
from tradex.engine.v1 import engine_pb2, engine_pb2_grpc
from tradex.engine.v1 import events_pb2 as pb

from services.platform.events import event_headers

TICK, LOT = "0.01", "0.001"


def fresh_symbol() -> str:
    return f"T{uuid.uuid4().hex[:8].upper()}-PERP"


def new_order(symbol: str, cid: str, oid: str, uid: str, side: str, price: str, qty: str,
              tif: int = t.TIME_IN_FORCE_GTC, issued: int = 1_700_000_000_000) -> pb.OrderCommand:
    return pb.OrderCommand(command_id=cid, symbol=symbol, issued_at_unix_ms=issued, new_order=pb.NewOrder(
        order_id=oid, user_id=uid, side=t.Side.Value(f"SIDE_{side}"), order_type=t.ORDER_TYPE_LIMIT,
        time_in_force=tif, price=price, quantity=qty, tick_size=TICK, lot_size=LOT, leverage="5"))


def cancel(symbol: str, cid: str, oid: str, uid: str, issued: int = 1_700_000_000_000) -> pb.OrderCommand:
    return pb.OrderCommand(command_id=cid, symbol=symbol, issued_at_unix_ms=issued,
                           cancel_order=pb.CancelOrder(order_id=oid, user_id=uid))


def produce(bootstrap: str, commands: list[pb.OrderCommand]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 1})
    for cmd in commands:
        producer.produce("order.command.v1", key=cmd.symbol.encode(), value=cmd.SerializeToString(),
                         headers=event_headers(cmd.command_id, cmd.DESCRIPTOR.full_name, cmd.issued_at_unix_ms))
    assert producer.flush(30) == 0


def read_topic(bootstrap: str, topic: str, key: str) -> list:
    """Every record of ``topic`` with ``key``, from the start up to the current end."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "probe-" + uuid.uuid4().hex,
                         "enable.auto.commit": False})
    try:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        if high <= low:
            return []
        consumer.assign([TopicPartition(topic, 0, low)])
        out, idle = [], 0
        while idle < 20:
            record = consumer.poll(0.5)
            if record is None:
                idle += 1
                if consumer.position([TopicPartition(topic, 0)])[0].offset >= high:
                    break
                continue
            if record.error():
                continue
            if (record.key() or b"").decode() == key:
                out.append(record)
            if record.offset() >= high - 1:
                break
        return out
    finally:
        consumer.close()


def events_of(bootstrap: str, symbol: str) -> list[pb.EngineEvent]:
    return [pb.EngineEvent.FromString(r.value()) for r in read_topic(bootstrap, "engine.event.v1", symbol)]


def wait_for_command(bootstrap: str, symbol: str, command_id: str, timeout: float = 90.0) -> list[pb.EngineEvent]:
    """Events of the symbol once the command's last event is on the topic."""
    deadline = time.monotonic() + timeout
    while True:
        events = events_of(bootstrap, symbol)
        if any(e.command_id == command_id and e.last_in_command for e in events):
            return events
        if time.monotonic() > deadline:
            raise AssertionError(f"no complete outcome of {command_id} after {timeout}s "
                                 f"({len(events)} events of {symbol})")
        time.sleep(0.3)


def engine_stub(exchange):
    channel = exchange.stack.channel("engine")
    return channel, engine_pb2_grpc.EngineServiceStub(channel)


def get_hash(stub, symbol: str) -> pb.BookHash:
    return stub.GetBookHash(engine_pb2.GetBookHashRequest(symbol=symbol), timeout=10).book_hash


def get_snapshot(stub, symbol: str) -> pb.BookSnapshot:
    return stub.GetBookSnapshot(engine_pb2.GetBookSnapshotRequest(symbol=symbol), timeout=10).snapshot


def recompute_hash(s: pb.BookSnapshot) -> str:
    """BOOK_HASH_ALGORITHM_SHA256_V1 exactly as the BookHash proto comment spells it (on purpose
    not the engine's own code)."""
    lines = [f"{s.symbol}|{s.engine_seq}"]
    lines += [f"B|{o.order_id}|{o.user_id}|{o.price_ticks}|{o.quantity_lots}" for o in s.bids]
    lines += [f"A|{o.order_id}|{o.user_id}|{o.price_ticks}|{o.quantity_lots}" for o in s.asks]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
