"""Kafka consumers of the Position service. Three consumer groups, so that one topic waiting
(for example a trade whose instrument Metadata cannot give yet) never holds up the others:
  position.trades   engine.event.v1 (TradeExecuted only; both sides of each trade)
  position.funding  position.funding.v1, and settlement.adl.triggered.v1 (auto-deleveraging:
                    both sides of each target booked like a trade at the bankruptcy price, cause
                    ADL, no fee; entry ids "trade:<adl_id>:<rank>:..." make a replay add nothing)
  position.marks    md.mark.v1
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import positions_pb2, trading_pb2
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.funding.v1 import events_pb2 as funding_pb
from tradex.marketdata.v1 import events_pb2 as md_pb
from tradex.settlement.v1 import events_pb2 as settlement_pb

from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument, NotFound
from services.platform.events import MalformedEvent, ReceivedEvent
from services.position.app.use_cases import FundingPayment, PositionUseCases, Trade, TradeLeg
from services.position.domain.model import Role

TRADE_TOPICS = ["engine.event.v1"]
FUNDING_TOPICS = ["position.funding.v1", "settlement.adl.triggered.v1"]
MARK_TOPICS = ["md.mark.v1"]


def _decimal(event_id: str, field: str, text: str, *, positive: bool = False, default: str | None = None) -> Decimal:
    try:
        if not text and default is not None:
            return Decimal(default)
        value = parse_decimal(field, text)
    except InvalidArgument as exc:
        raise MalformedEvent(f"{event_id}: {exc.message}") from None
    if positive and value <= 0:
        raise MalformedEvent(f"{event_id}: {field} must be positive")
    return value


def trade_from_event(event: engine_pb.EngineEvent, received: ReceivedEvent) -> Trade:
    body = event.trade_executed
    event_id = event.event_id or received.event_id
    taker_buys = body.taker_side == trading_pb2.SIDE_BUY
    if body.taker_side not in (trading_pb2.SIDE_BUY, trading_pb2.SIDE_SELL):
        raise MalformedEvent(f"{event_id}: taker_side is required")
    legs = (
        TradeLeg(order_id=body.maker_order_id, user_id=body.maker_user_id, buy=not taker_buys, role=Role.MAKER,
                 leverage=_decimal(event_id, "maker_leverage", body.maker_leverage, default="0"),
                 reduce_only=body.maker_reduce_only, is_liquidation=False),
        TradeLeg(order_id=body.taker_order_id, user_id=body.taker_user_id, buy=taker_buys, role=Role.TAKER,
                 leverage=_decimal(event_id, "taker_leverage", body.taker_leverage, default="0"),
                 reduce_only=body.taker_reduce_only, is_liquidation=body.taker_is_liquidation),
    )
    if not all(leg.user_id and leg.order_id for leg in legs):
        raise MalformedEvent(f"{event_id}: both orders and users are required")
    return Trade(trade_id=body.trade_id or event_id, symbol=event.symbol,
                 price=_decimal(event_id, "price", body.price, positive=True),
                 quantity=_decimal(event_id, "quantity", body.quantity, positive=True), legs=legs,
                 # The engine's time (the command's accepted time), not this consumer's clock.
                 at_unix_ms=event.occurred_at_unix_ms or received.occurred_at_unix_ms, source_event_id=event_id)


def adl_trades(event: settlement_pb.AdlTriggered, received: ReceivedEvent) -> list[Trade]:
    """One trade per target at the bankruptcy price: the bankrupt position's remainder (a
    liquidation leg) against the target's reduce-only leg. Trade id "<adl_id>:<rank>", order ids
    "<adl_id>:<rank>:bankrupt" / ":target" (the Settlement service waits for their settlement.v1)."""
    eid = received.event_id
    if not (event.adl_id and event.user_id and event.symbol):
        raise MalformedEvent(f"AdlTriggered {eid}: adl_id, user_id and symbol are required")
    if event.position_side not in (positions_pb2.POSITION_SIDE_LONG, positions_pb2.POSITION_SIDE_SHORT):
        raise MalformedEvent(f"AdlTriggered {eid}: position_side is required")
    price = _decimal(eid, "price", event.price, positive=True)
    bankrupt_buys = event.position_side == positions_pb2.POSITION_SIDE_SHORT
    trades = []
    for target in event.targets:
        if not target.user_id or target.rank <= 0:
            raise MalformedEvent(f"AdlTriggered {eid}: every target needs a user_id and a rank")
        trade_id = f"{event.adl_id}:{target.rank}"
        legs = (
            TradeLeg(order_id=f"{trade_id}:bankrupt", user_id=event.user_id, buy=bankrupt_buys, role=Role.TAKER,
                     leverage=Decimal(0), reduce_only=False, is_liquidation=True, fee_free=True),
            TradeLeg(order_id=f"{trade_id}:target", user_id=target.user_id, buy=not bankrupt_buys, role=Role.MAKER,
                     leverage=Decimal(0), reduce_only=True, is_liquidation=False, fee_free=True),
        )
        trades.append(Trade(trade_id=trade_id, symbol=event.symbol, price=price,
                            quantity=_decimal(eid, "quantity", target.quantity, positive=True), legs=legs,
                            at_unix_ms=event.triggered_at_unix_ms or received.occurred_at_unix_ms,
                            source_event_id=eid, adl=True))
    return trades


class PositionConsumers:
    def __init__(self, use_cases: PositionUseCases) -> None:
        self._use_cases = use_cases

    async def on_engine_event(self, conn: AsyncConnection, event: engine_pb.EngineEvent,
                              received: ReceivedEvent) -> None:
        if event.WhichOneof("event") != "trade_executed":
            return  # book deltas and order lifecycle are not positions
        try:
            await self._use_cases.apply_trade(conn, trade_from_event(event, received))
        except NotFound as exc:
            # Metadata answered: the symbol was never listed (a producer that bypassed Order). That
            # never heals, and retrying it would stall every later trade of the partition.
            raise MalformedEvent(f"trade {received.event_id}: {exc.message}") from exc

    async def on_funding(self, conn: AsyncConnection, event: funding_pb.FundingApplied,
                         received: ReceivedEvent) -> None:
        if not (event.funding_id and event.user_id and event.symbol and event.asset):
            raise MalformedEvent(f"FundingApplied {received.event_id}: funding_id, user_id, symbol, asset required")
        expected = f"funding:{event.cycle_ts_unix_ms}:{event.user_id}:{event.symbol}"
        if event.funding_id != expected:
            raise MalformedEvent(f"FundingApplied {received.event_id}: funding_id must be {expected!r}")
        await self._use_cases.apply_funding(conn, FundingPayment(
            funding_id=event.funding_id, user_id=event.user_id, symbol=event.symbol, asset=event.asset.upper(),
            amount=_decimal(received.event_id, "amount", event.amount), cycle_ts_unix_ms=event.cycle_ts_unix_ms,
            source_event_id=received.event_id))

    async def on_adl(self, conn: AsyncConnection, event: settlement_pb.AdlTriggered, received: ReceivedEvent) -> None:
        for trade in adl_trades(event, received):
            await self._use_cases.apply_trade(conn, trade)

    async def on_mark(self, conn: AsyncConnection, event: md_pb.MarkPriceUpdated, received: ReceivedEvent) -> None:
        mark = event.mark_price
        if not mark.symbol:
            raise MalformedEvent(f"MarkPriceUpdated {received.event_id}: symbol required")
        await self._use_cases.apply_mark(conn, mark.symbol,
                                         _decimal(received.event_id, "mark_price", mark.mark_price, positive=True),
                                         mark.computed_at_unix_ms or received.occurred_at_unix_ms)

    def trade_handlers(self) -> dict:
        return {engine_pb.EngineEvent: self.on_engine_event}

    def funding_handlers(self) -> dict:
        return {funding_pb.FundingApplied: self.on_funding, settlement_pb.AdlTriggered: self.on_adl}

    def mark_handlers(self) -> dict:
        return {md_pb.MarkPriceUpdated: self.on_mark}
