"""Settlement's engine.event.v1 filter: only liquidation orders' events reach the database."""
from __future__ import annotations

from tradex.engine.v1 import events_pb2 as engine_pb

from services.platform.events import ReceivedEvent
from services.settlement.api.consumers import EngineSequences


def received(event: engine_pb.EngineEvent) -> ReceivedEvent:
    return ReceivedEvent(topic="engine.event.v1", partition=0, offset=event.engine_seq, key=event.symbol,
                         event_id=event.event_id, event_type=engine_pb.EngineEvent.DESCRIPTOR.full_name,
                         occurred_at_unix_ms=0, payload=event.SerializeToString())


def event(seq: int, **body) -> engine_pb.EngineEvent:
    return engine_pb.EngineEvent(event_id=f"S:{seq}", symbol="S", engine_seq=seq, **body)


def test_only_liquidation_orders_pass_and_every_sequence_is_seen():
    f = EngineSequences()
    ordinary = [
        event(1, order_accepted=engine_pb.OrderAccepted(order_id="o1")),
        event(2, trade_executed=engine_pb.TradeExecuted(trade_id="S:2", taker_order_id="o1")),
        event(3, order_expired=engine_pb.OrderExpired(order_id="o1")),
        event(4, order_cancelled=engine_pb.OrderCancelled(order_id="o2")),
        event(5, book_delta=engine_pb.BookDelta()),
    ]
    assert [f.relevant(received(e)) for e in ordinary] == [False] * 5
    liquidation = [
        event(6, order_accepted=engine_pb.OrderAccepted(order_id="liq", is_liquidation=True, liquidation_id="L")),
        event(7, trade_executed=engine_pb.TradeExecuted(trade_id="S:7", taker_order_id="liq",
                                                        taker_is_liquidation=True, liquidation_id="L")),
        event(8, order_expired=engine_pb.OrderExpired(order_id="liq")),
        event(9, order_rejected=engine_pb.OrderRejected(order_id="any")),
    ]
    assert [f.relevant(received(e)) for e in liquidation] == [True] * 4
    assert f.last == {"S": 9}
    # Loaded at start-up: an order accepted before a restart still has its expiry seen.
    g = EngineSequences()
    g.open_orders.add("liq")
    assert g.relevant(received(event(8, order_expired=engine_pb.OrderExpired(order_id="liq"))))
