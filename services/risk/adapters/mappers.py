"""Protobuf <-> domain for RiskService."""
from __future__ import annotations

from decimal import Decimal

from tradex.common.v1 import positions_pb2, trading_pb2
from tradex.risk.v1 import risk_pb2 as pb

from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument
from services.risk.domain.account_risk import AccountFigures, PositionFigures
from services.risk.domain.orders import OrderIntent, OrderType, Side
from services.risk.domain.pretrade import Decision

_SIDES = {trading_pb2.SIDE_BUY: Side.BUY, trading_pb2.SIDE_SELL: Side.SELL}
_TYPES = {trading_pb2.ORDER_TYPE_LIMIT: OrderType.LIMIT, trading_pb2.ORDER_TYPE_MARKET: OrderType.MARKET}


def _required(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidArgument(f"{name} is required")
    return value


def intent_from_proto(request: pb.PreTradeCheckRequest) -> OrderIntent:
    """Bad input is INVALID_ARGUMENT naming the field, never a rejection: a rejection is a
    judgement on a well-formed order."""
    side = _SIDES.get(request.side)
    if side is None:
        raise InvalidArgument("side must be SIDE_BUY or SIDE_SELL")
    order_type = _TYPES.get(request.order_type)
    if order_type is None:
        raise InvalidArgument("order_type must be ORDER_TYPE_LIMIT or ORDER_TYPE_MARKET")
    if order_type is OrderType.LIMIT:
        price = parse_decimal("price", request.price, positive=True)
    elif request.price:
        raise InvalidArgument("price must be empty for a MARKET order (Risk sets its protection price)")
    else:
        price = None
    # Empty or "0": the user's setting for the symbol (resolved by the use case).
    leverage = parse_decimal("leverage", request.leverage or "0", non_negative=True)
    if 0 < leverage < 1:
        raise InvalidArgument(f"leverage must be at least 1, got {request.leverage!r}")
    return OrderIntent(
        order_id=_required("order_id", request.order_id), user_id=_required("user_id", request.user_id),
        symbol=_required("symbol", request.symbol).upper(), side=side, order_type=order_type, price=price,
        quantity=parse_decimal("quantity", request.quantity, positive=True), leverage=leverage,
        reduce_only=request.reduce_only)


def _text(value: Decimal | None) -> str:
    return format_decimal(value) if value is not None else ""


def decision_to_proto(decision: Decision) -> pb.PreTradeCheckResponse:
    if not decision.approved:
        return pb.PreTradeCheckResponse(
            decision=pb.PRE_TRADE_DECISION_REJECTED,
            reject_reason=pb.RejectReason.Value("REJECT_REASON_" + decision.reason.value),
            message=decision.message, asset=decision.asset)
    return pb.PreTradeCheckResponse(
        decision=pb.PRE_TRADE_DECISION_APPROVED, asset=decision.asset,
        initial_margin=_text(decision.initial_margin), fee_reserve=_text(decision.fee_reserve),
        lock_amount=_text(decision.lock_amount), reference_price=_text(decision.price),
        protection_price=_text(decision.protection_price))


def _position_to_proto(figures: PositionFigures) -> pb.PositionRisk:
    p = figures.position
    return pb.PositionRisk(
        symbol=p.symbol,
        side=positions_pb2.POSITION_SIDE_LONG if p.size > 0 else positions_pb2.POSITION_SIDE_SHORT,
        size=_text(abs(p.size)), entry_price=_text(p.entry_price), mark_price=_text(p.mark_price),
        notional=_text(p.notional), unrealized_pnl=_text(p.unrealized_pnl),
        maintenance_margin=_text(figures.maintenance_margin),
        estimated_liquidation_price=_text(figures.liquidation_price))


def account_to_proto(figures: AccountFigures, as_of_unix_ms: int) -> pb.AccountRisk:
    return pb.AccountRisk(
        asset=figures.asset, wallet_balance=_text(figures.wallet_balance),
        unrealized_pnl=_text(figures.unrealized_pnl), equity=_text(figures.equity),
        order_margin=_text(figures.order_margin), position_margin=_text(figures.position_margin),
        maintenance_margin=_text(figures.maintenance_margin), margin_ratio=_text(figures.margin_ratio),
        available_margin=_text(figures.available_margin),
        positions=[_position_to_proto(p) for p in figures.positions], as_of_unix_ms=as_of_unix_ms)
