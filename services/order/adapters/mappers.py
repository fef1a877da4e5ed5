"""Protobuf <-> domain for the Order API and its events. Enum values are stored as the proto
name without its prefix (SIDE_BUY <-> "BUY"), so the mapping is mechanical."""
from __future__ import annotations

from decimal import Decimal

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from tradex.common.v1 import orders_pb2, trading_pb2
from tradex.order.v1 import order_pb2 as pb

from services.order.domain.model import (
    Fill,
    LiquidityRole,
    Order,
    OrderType,
    SelfTradePrevention,
    Side,
    TimeInForce,
)
from services.platform.decimals import format_decimal
from services.platform.errors import InvalidArgument


def _prefix(enum: EnumTypeWrapper) -> str:
    return enum.Name(0).removesuffix("UNSPECIFIED")


def to_pb(enum: EnumTypeWrapper, name: str) -> int:
    """"BUY" -> SIDE_BUY; "" -> 0."""
    return enum.Value(_prefix(enum) + name) if name else 0


def from_pb(enum: EnumTypeWrapper, field: str, value: int, domain_enum=None, *, required: bool = False):
    """SIDE_BUY -> Side.BUY; UNSPECIFIED -> None (or INVALID_ARGUMENT when required); unknown
    numbers -> INVALID_ARGUMENT naming the field."""
    if value == 0:
        if required:
            raise InvalidArgument(f"{field} is required")
        return None
    try:
        name = enum.Name(value).removeprefix(_prefix(enum))
    except ValueError:
        raise InvalidArgument(f"{field} {value} is not a known value") from None
    return domain_enum(name) if domain_enum else name


def side_from_pb(value: int, field: str = "side") -> Side | None:
    return from_pb(trading_pb2.Side, field, value, Side)


def order_type_from_pb(value: int) -> OrderType | None:
    return from_pb(trading_pb2.OrderType, "order_type", value, OrderType)


def time_in_force_from_pb(value: int) -> TimeInForce | None:
    return from_pb(trading_pb2.TimeInForce, "time_in_force", value, TimeInForce)


def stp_from_pb(value: int) -> SelfTradePrevention:
    return from_pb(orders_pb2.SelfTradePrevention, "self_trade_prevention", value,
                   SelfTradePrevention) or SelfTradePrevention.DEFAULT


def _stp_to_pb(value: SelfTradePrevention) -> int:
    return 0 if value is SelfTradePrevention.DEFAULT else to_pb(orders_pb2.SelfTradePrevention, value.value)


def _dec(value: Decimal | None) -> str:
    return format_decimal(value) if value is not None else ""


def order_to_proto(order: Order) -> pb.Order:
    average = order.average_fill_price
    return pb.Order(
        order_id=order.order_id, client_order_id=order.client_order_id, user_id=order.user_id,
        symbol=order.symbol, side=to_pb(trading_pb2.Side, order.side.value),
        order_type=to_pb(trading_pb2.OrderType, order.order_type.value),
        time_in_force=to_pb(trading_pb2.TimeInForce, order.time_in_force.value),
        price=_dec(order.price), quantity=_dec(order.quantity), filled_quantity=_dec(order.filled_quantity),
        remaining_quantity=_dec(order.remaining_quantity), average_fill_price=_dec(average),
        leverage=_dec(order.leverage), reduce_only=order.reduce_only,
        self_trade_prevention=_stp_to_pb(order.self_trade_prevention),
        status=to_pb(pb.OrderStatus, order.status.value),
        reject_reason=to_pb(orders_pb2.OrderRejectReason, order.reject_reason),
        cancel_reason=to_pb(orders_pb2.OrderCancelReason, order.cancel_reason),
        expire_reason=to_pb(orders_pb2.OrderExpireReason, order.expire_reason),
        status_message=order.status_message, margin_asset=order.margin_asset,
        margin_locked=_dec(order.margin_locked), fees=_dec(order.fees), is_liquidation=order.is_liquidation,
        liquidation_id=order.liquidation_id, created_at_unix_ms=order.created_at_unix_ms,
        updated_at_unix_ms=order.updated_at_unix_ms, accepted_at_unix_ms=order.accepted_at_unix_ms,
        cancel_requested_at_unix_ms=order.cancel_requested_at_unix_ms,
        amend_requested_at_unix_ms=order.amend_requested_at_unix_ms, closed_at_unix_ms=order.closed_at_unix_ms,
        version=order.version,
    )


def fill_to_proto(fill: Fill) -> pb.Fill:
    return pb.Fill(
        trade_id=fill.trade_id, order_id=fill.order_id, client_order_id=fill.client_order_id,
        user_id=fill.user_id, symbol=fill.symbol, side=to_pb(trading_pb2.Side, fill.side.value),
        price=_dec(fill.price), quantity=_dec(fill.quantity), fee=_dec(fill.fee), fee_asset=fill.fee_asset,
        liquidity_role=to_pb(trading_pb2.LiquidityRole, fill.liquidity_role.value), margin=_dec(fill.margin),
        is_liquidation=fill.is_liquidation, executed_at_unix_ms=fill.executed_at_unix_ms,
    )


def role_to_pb(role: LiquidityRole) -> int:
    return to_pb(trading_pb2.LiquidityRole, role.value)


STATUS_OPEN_FILTER = {pb.ORDER_STATE_FILTER_UNSPECIFIED: "", pb.ORDER_STATE_FILTER_OPEN: "OPEN",
                      pb.ORDER_STATE_FILTER_CLOSED: "CLOSED"}


def state_filter(value: int) -> str:
    if value not in STATUS_OPEN_FILTER:
        raise InvalidArgument(f"state {value} is not a known order state filter")
    return STATUS_OPEN_FILTER[value]

