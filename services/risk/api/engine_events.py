"""Consumer of engine.event.v1: the orders that may still fill (exposure of open orders, and
the other reduce-only orders a reduce-only check must count).

Only the order lifecycle matters here; book deltas and trades' prices are Market Data's.
Every update sets absolute values from the event (the open quantity after a trade, not the
traded amount). Applied to memory only, by the replayed feed (services/platform/replay.py); each
changed order is marked for the next checkpoint (app/checkpoint.py).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tradex.engine.v1 import events_pb2 as engine_events

from services.platform.events import ReceivedEvent
from services.risk.api.event_parsing import EventReader
from services.risk.app.checkpoint import Changes
from services.risk.domain.orders import WorkingOrder
from services.risk.domain.state import RiskState

ORDER_TOPICS = ["engine.event.v1"]
ZERO = Decimal(0)


class EngineEvents:
    def __init__(self, state: RiskState, changes: Changes) -> None:
        self.state = state
        self.changes = changes
        self._by_kind = {
            "order_accepted": self._order_accepted,
            "order_rejected": self._order_rejected,
            "trade_executed": self._trade_executed,
            "order_cancelled": self._order_cancelled,
            "order_expired": self._order_expired,
            "order_amended": self._order_amended,
            "command_rejected": self._command_rejected,
        }

    def on_event(self, event: engine_events.EngineEvent, received: ReceivedEvent) -> None:
        handler = self._by_kind.get(event.WhichOneof("event") or "")
        if handler is not None:
            handler(event, EventReader(received))

    def _order_accepted(self, event, reader: EventReader) -> None:
        a = event.order_accepted
        order = WorkingOrder(
            order_id=reader.required("order_id", a.order_id), user_id=reader.required("user_id", a.user_id),
            symbol=reader.required("symbol", event.symbol or reader.received.key), side=reader.side("side", a.side),
            # A MARKET order may carry no protection price: valued at the mark when checked.
            price=reader.decimal("price", a.price, positive=True) if a.price else None,
            remaining=reader.decimal("quantity", a.quantity, positive=True),
            leverage=reader.decimal("leverage", a.leverage, default=Decimal(1), positive=True),
            reduce_only=a.reduce_only)
        self.state.put_open_order(order)
        self.changes.mark("order", order.order_id, reader.received.event_id)
        self.state.engine_saw(order.order_id)

    def _order_rejected(self, event, reader: EventReader) -> None:
        order_id = reader.required("order_id", event.order_rejected.order_id)
        self._close(reader, order_id)
        self.state.engine_saw(order_id)

    def _trade_executed(self, event, reader: EventReader) -> None:
        t = event.trade_executed
        for order_id, remaining in ((t.maker_order_id, t.maker_remaining_quantity),
                                    (t.taker_order_id, t.taker_remaining_quantity)):
            left = reader.decimal("remaining_quantity", remaining, default=ZERO, non_negative=True)
            if left == 0:
                self._close(reader, order_id)
            else:
                self._update(order_id, reader, remaining=left)

    def _order_cancelled(self, event, reader: EventReader) -> None:
        self._close(reader, reader.required("order_id", event.order_cancelled.order_id))

    def _order_expired(self, event, reader: EventReader) -> None:
        self._close(reader, reader.required("order_id", event.order_expired.order_id))

    def _order_amended(self, event, reader: EventReader) -> None:
        a = event.order_amended
        order_id = reader.required("order_id", a.order_id)
        self._update(order_id, reader,
                     remaining=reader.decimal("remaining_quantity", a.remaining_quantity, non_negative=True),
                     price=reader.decimal("price", a.price, positive=True) if a.price else None)
        self.state.engine_saw(order_id)

    def _command_rejected(self, event, reader: EventReader) -> None:
        rejected = event.command_rejected
        if rejected.command_type == engine_events.COMMAND_TYPE_AMEND_ORDER and rejected.order_id:
            # The amend Risk approved will never apply: its reservation has nothing to wait for.
            self.state.engine_saw(rejected.order_id)

    def _close(self, reader: EventReader, order_id: str) -> None:
        if order_id in self.state.open_orders:
            self.state.remove_open_order(order_id)
            self.changes.mark("order", order_id, reader.received.event_id)

    def _update(self, order_id: str, reader: EventReader, *, remaining: Decimal,
                price: Decimal | None = None) -> None:
        if remaining == 0:
            self._close(reader, order_id)
            return
        current = self.state.open_orders.get(order_id)
        if current is not None:
            self.state.put_open_order(replace(current, remaining=remaining,
                                              price=price if price is not None else current.price))
            self.changes.mark("order", order_id, reader.received.event_id)

    def handlers(self) -> dict:
        return {engine_events.EngineEvent: self.on_event}
