"""Kafka consumers of the Settlement service (three groups, so that marks or the engine's volume
never hold up a liquidation):
  settlement.liquidations  risk.liquidation.v1 -> one settlement record per liquidation id
  settlement.engine        engine.event.v1: only liquidation orders' acceptance and trades, and
                           expiries/rejections (matched to a known liquidation order by id)
  settlement.marks         md.mark.v1 -> the latest mark per symbol (bankruptcy price, receipt);
                           md.index.v1 -> the latest index tick and its constituents (receipt)
"""
from __future__ import annotations

from collections.abc import Callable

from google.protobuf.message import DecodeError
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import positions_pb2
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.marketdata.v1 import events_pb2 as md_pb
from tradex.risk.v1 import events_pb2 as risk_pb

from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument
from services.platform.events import MalformedEvent, ReceivedEvent
from services.platform.ids import now_ms
from services.settlement.adapters import store
from services.settlement.app.liquidations import Liquidations

LIQUIDATION_TOPICS = ["risk.liquidation.v1"]
ENGINE_TOPICS = ["engine.event.v1"]
MARK_TOPICS = ["md.mark.v1", "md.index.v1"]
_SIDES = {positions_pb2.POSITION_SIDE_LONG: "LONG", positions_pb2.POSITION_SIDE_SHORT: "SHORT"}
_ENGINE_KINDS = frozenset({"trade_executed", "order_accepted", "order_expired", "order_rejected", "order_cancelled"})


def _decimal(event_id: str, field: str, text: str, **rules) -> str:
    """A wire decimal checked by the platform grammar, kept in its canonical text."""
    try:
        return format_decimal(parse_decimal(field, text, **rules))
    except InvalidArgument as exc:
        raise MalformedEvent(f"{event_id}: {exc.message}") from None


class EngineSequences:
    """The consumer's relevance filter, in memory, before any database work:

    * the last engine sequence read per symbol (a receipt's trigger sequence);
    * the liquidation orders still open (from their OrderAccepted, and loaded from the schema at
      start-up), so that only their expiry or cancellation reaches the database, not every IOC
      remainder and cancel on the exchange. Rejections (no acceptance before them) always pass."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.open_orders: set[str] = set()

    def relevant(self, received: ReceivedEvent) -> bool:
        if received.event_type != engine_pb.EngineEvent.DESCRIPTOR.full_name:
            return False
        try:
            event = engine_pb.EngineEvent.FromString(received.payload)
        except DecodeError as exc:
            raise MalformedEvent(f"engine event {received.event_id} does not parse: {exc}") from exc
        if event.engine_seq > self.last.get(event.symbol, 0):
            self.last[event.symbol] = event.engine_seq
        kind = event.WhichOneof("event")
        if kind == "trade_executed":
            return event.trade_executed.taker_is_liquidation
        if kind == "order_accepted":
            if event.order_accepted.is_liquidation:
                self.open_orders.add(event.order_accepted.order_id)
                return True
            return False
        if kind == "order_rejected":
            return True
        if kind in _ENGINE_KINDS:
            return getattr(event, kind).order_id in self.open_orders
        return False


class SettlementConsumers:
    def __init__(self, liquidations: Liquidations, sequences: EngineSequences) -> None:
        self._liquidations = liquidations
        self._sequences = sequences

    async def on_liquidation(self, conn: AsyncConnection, event: risk_pb.LiquidationTriggered,
                             received: ReceivedEvent) -> None:
        eid = received.event_id
        if not (event.liquidation_id and event.user_id and event.symbol and event.asset):
            raise MalformedEvent(f"LiquidationTriggered {eid}: liquidation_id, user_id, symbol, asset required")
        if event.position_side not in _SIDES:
            raise MalformedEvent(f"LiquidationTriggered {eid}: position_side required")
        mark = await store.mark_of(conn, event.symbol)
        index = await store.index_of(conn, event.symbol)
        trigger = {
            "liquidation_id": event.liquidation_id, "user_id": event.user_id, "symbol": event.symbol,
            "asset": event.asset.upper(), "position_side": _SIDES[event.position_side],
            "quantity": _decimal(eid, "quantity", event.quantity, positive=True),
            "entry_price": _decimal(eid, "entry_price", event.entry_price, positive=True),
            "mark_price": _decimal(eid, "mark_price", event.mark_price, positive=True),
            "position_margin": _decimal(eid, "position_margin", event.position_margin or "0"),
            "equity": _decimal(eid, "equity", event.equity or "0"),
            "maintenance_margin": _decimal(eid, "maintenance_margin", event.maintenance_margin or "0"),
            "margin_ratio": _decimal(eid, "margin_ratio", event.margin_ratio) if event.margin_ratio else "",
            "triggered_at_unix_ms": event.triggered_at_unix_ms or received.occurred_at_unix_ms,
            "engine_seq": self._sequences.last.get(event.symbol, 0),
            "index_price": mark["index_price"] if mark else "",
            "mark_computed_at_unix_ms": mark["computed_at_unix_ms"] if mark else 0,
            "mark_event_id": mark["event_id"] if mark else "",
            "index_computed_at_unix_ms": index["computed_at_unix_ms"] if index else 0,
            "index_event_id": index["event_id"] if index else "",
            "index_components": index["components"] if index else [],
        }
        await store.insert_record(conn, Liquidations.new_record_values(trigger, now_ms()))

    async def on_engine_event(self, conn: AsyncConnection, event: engine_pb.EngineEvent,
                              received: ReceivedEvent) -> None:
        kind = event.WhichOneof("event")
        handler = self._engine_handlers.get(kind)
        if handler is not None:
            await handler(self, conn, event)

    async def _accepted(self, conn: AsyncConnection, event: engine_pb.EngineEvent) -> None:
        body = event.order_accepted
        if body.is_liquidation and body.liquidation_id:
            await store.order_accepted(conn, body.order_id, body.liquidation_id)

    async def _trade(self, conn: AsyncConnection, event: engine_pb.EngineEvent) -> None:
        body = event.trade_executed
        if not (body.taker_is_liquidation and body.liquidation_id):
            return
        eid = event.event_id
        await store.order_accepted(conn, body.taker_order_id, body.liquidation_id)
        await store.add_fill(conn, trade_id=body.trade_id or eid, order_id=body.taker_order_id,
                             liquidation_id=body.liquidation_id, engine_seq=event.engine_seq,
                             price=parse_decimal("price", _decimal(eid, "price", body.price, positive=True)),
                             quantity=parse_decimal("quantity", _decimal(eid, "quantity", body.quantity,
                                                                          positive=True)))
        if _decimal(eid, "taker_remaining_quantity", body.taker_remaining_quantity or "0") == "0":
            await store.order_final(conn, body.taker_order_id, "FILLED", body.liquidation_id)

    async def _closed(self, conn: AsyncConnection, event: engine_pb.EngineEvent) -> None:
        kind = event.WhichOneof("event")
        body = getattr(event, kind)
        if await store.order_final(conn, body.order_id, kind.upper()):
            return
        # A rejection can come before Settlement saw the order's acceptance: match the record.
        if kind == "order_rejected":
            liquidation_id = await store.liquidation_of_order(conn, body.order_id)
            if liquidation_id:
                await store.order_final(conn, body.order_id, "ORDER_REJECTED", liquidation_id)

    _engine_handlers: dict[str, Callable] = {
        "order_accepted": _accepted,
        "trade_executed": _trade,
        "order_expired": _closed,
        "order_rejected": _closed,
        "order_cancelled": _closed,
    }

    async def on_mark(self, conn: AsyncConnection, event: md_pb.MarkPriceUpdated, received: ReceivedEvent) -> None:
        mark = event.mark_price
        if not mark.symbol:
            raise MalformedEvent(f"MarkPriceUpdated {received.event_id}: symbol required")
        price = parse_decimal("mark_price", _decimal(received.event_id, "mark_price", mark.mark_price, positive=True))
        await store.save_mark(conn, mark.symbol, price, mark.index_price,
                              mark.computed_at_unix_ms or received.occurred_at_unix_ms, received.event_id)

    async def on_index(self, conn: AsyncConnection, event: md_pb.IndexPriceUpdated, received: ReceivedEvent) -> None:
        index = event.index_price
        if not index.symbol:
            raise MalformedEvent(f"IndexPriceUpdated {received.event_id}: symbol required")
        components = [{"exchange": c.exchange, "symbol": c.symbol, "price": c.price,
                       "effective_weight": c.effective_weight, "fetched_at_unix_ms": c.fetched_at_unix_ms,
                       "excluded": bool(c.exclusion_reason)} for c in index.components]
        await store.save_index(conn, index.symbol, index.price, index.computed_at_unix_ms or received.occurred_at_unix_ms,
                               received.event_id, components)

    def liquidation_handlers(self) -> dict:
        return {risk_pb.LiquidationTriggered: self.on_liquidation}

    def engine_handlers(self) -> dict:
        return {engine_pb.EngineEvent: self.on_engine_event}

    def mark_handlers(self) -> dict:
        return {md_pb.MarkPriceUpdated: self.on_mark, md_pb.IndexPriceUpdated: self.on_index}

