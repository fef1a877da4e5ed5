"""Domain <-> protobuf for the Position service (the domain never sees protobuf)."""
from __future__ import annotations

from decimal import Decimal

from tradex.common.v1 import positions_pb2
from tradex.position.v1 import events_pb2 as pb_events
from tradex.position.v1 import position_pb2 as pb

from services.platform.decimals import format_decimal
from services.position.domain.model import PositionState, TradeSettlement
from services.position.domain.valuation import Valuation

_SIDES = {"LONG": positions_pb2.POSITION_SIDE_LONG, "SHORT": positions_pb2.POSITION_SIDE_SHORT,
          "": positions_pb2.POSITION_SIDE_UNSPECIFIED}


def _text(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def position_to_pb(state: PositionState, valuation: Valuation | None = None, *, side: str | None = None) -> pb.Position:
    message = pb.Position(
        user_id=state.user_id, symbol=state.symbol, asset=state.asset, side=_SIDES[state.side if side is None else side],
        size=format_decimal(abs(state.size)), entry_price=format_decimal(state.entry_price),
        realized_pnl=format_decimal(state.realized_pnl), funding=format_decimal(state.funding),
        margin=format_decimal(state.margin), leverage=_text(state.leverage or None),
        opened_at_unix_ms=state.opened_at_unix_ms, updated_at_unix_ms=state.updated_at_unix_ms,
        version=state.version)
    if valuation is not None:
        message.mark_price_available = valuation.mark_price is not None
        message.mark_price = _text(valuation.mark_price)
        message.notional = _text(valuation.notional)
        message.unrealized_pnl = _text(valuation.unrealized_pnl)
        message.maintenance_margin = _text(valuation.maintenance_margin)
        message.estimated_liquidation_price = _text(valuation.estimated_liquidation_price)
        message.effective_leverage = _text(valuation.effective_leverage)
    return message


def settlement_to_pb(s: TradeSettlement) -> pb_events.Settlement:
    return pb_events.Settlement(
        settlement_id=s.settlement_id, user_id=s.user_id, asset=s.asset, kind=pb_events.SETTLEMENT_KIND_TRADE,
        amount=format_decimal(s.amount), symbol=s.symbol, trade_id=s.trade_id, source_event_id=s.source_event_id,
        occurred_at_unix_ms=s.at_unix_ms, order_id=s.order_id, fee=format_decimal(s.fee),
        realized_pnl=format_decimal(s.realized_pnl), margin_in=format_decimal(s.margin_in),
        margin_released=format_decimal(s.margin_released))
