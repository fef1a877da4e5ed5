"""Engine commands (order.command.v1, key = symbol) and order updates (order.updated.v1, key =
user id), written to the outbox in the caller's transaction.

Ids are derived from what they stand for, so a retried transaction can never write a second,
different event for the same change (the outbox's unique event_id refuses it), and the engine,
which deduplicates by command_id, never applies one command twice. The command_id equals the
outbox event_id.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import orders_pb2, trading_pb2
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.order.v1 import events_pb2 as order_events

from services.order.adapters.mappers import fill_to_proto, order_to_proto, to_pb
from services.order.adapters.tables import outbox
from services.order.domain.model import Fill, Order, SelfTradePrevention
from services.platform.decimals import format_decimal
from services.platform.outbox import add_event

TOPIC_COMMANDS = "order.command.v1"
TOPIC_UPDATES = "order.updated.v1"


async def _command(conn: AsyncConnection, command_id: str, symbol: str, issued_at_unix_ms: int, **body) -> str:
    command = engine_pb.OrderCommand(command_id=command_id, symbol=symbol, issued_at_unix_ms=issued_at_unix_ms,
                                     **body)
    return await add_event(conn, outbox, topic=TOPIC_COMMANDS, key=symbol, event=command, event_id=command_id,
                           occurred_at_unix_ms=issued_at_unix_ms)


def new_order_command_id(order_id: str) -> str:
    return f"cmd:{order_id}:new"


async def new_order(conn: AsyncConnection, order: Order) -> str:
    stp = order.self_trade_prevention
    return await _command(
        conn, new_order_command_id(order.order_id), order.symbol, order.created_at_unix_ms,
        new_order=engine_pb.NewOrder(
            order_id=order.order_id, user_id=order.user_id, side=to_pb(trading_pb2.Side, order.side.value),
            order_type=to_pb(trading_pb2.OrderType, order.order_type.value),
            time_in_force=to_pb(trading_pb2.TimeInForce, order.time_in_force.value),
            price=format_decimal(order.price) if order.price is not None else "",
            quantity=format_decimal(order.quantity), tick_size=format_decimal(order.tick_size),
            lot_size=format_decimal(order.lot_size), leverage=format_decimal(order.leverage),
            reduce_only=order.reduce_only,
            self_trade_prevention=0 if stp is SelfTradePrevention.DEFAULT else to_pb(
                orders_pb2.SelfTradePrevention, stp.value),
            is_liquidation=order.is_liquidation, liquidation_id=order.liquidation_id))


async def cancel_order(conn: AsyncConnection, order: Order, reason: str) -> str:
    # The order's version at the request makes the id unique per request, and stable if the
    # same transaction is retried.
    return await _command(
        conn, f"cmd:{order.order_id}:cancel:v{order.version}", order.symbol, order.updated_at_unix_ms,
        cancel_order=engine_pb.CancelOrder(order_id=order.order_id, user_id=order.user_id,
                                           reason=to_pb(orders_pb2.OrderCancelReason, reason)))


async def amend_order(conn: AsyncConnection, order: Order, price: Decimal | None, quantity: Decimal | None) -> str:
    return await _command(
        conn, f"cmd:{order.order_id}:amend:{order.amend_count}", order.symbol, order.updated_at_unix_ms,
        amend_order=engine_pb.AmendOrder(
            order_id=order.order_id, user_id=order.user_id,
            price=format_decimal(price) if price is not None else "",
            quantity=format_decimal(quantity) if quantity is not None else ""))


async def cancel_all(conn: AsyncConnection, *, request_id: str, user_id: str, symbol: str, reason: str,
                     issued_at_unix_ms: int) -> str:
    return await _command(
        conn, f"cmd:cancel-all:{request_id}:{symbol}", symbol, issued_at_unix_ms,
        cancel_all_orders=engine_pb.CancelAllOrders(user_id=user_id,
                                                    reason=to_pb(orders_pb2.OrderCancelReason, reason)))


async def order_updated(conn: AsyncConnection, order: Order, fill: Fill | None = None) -> str:
    """Full state with its version: consumers keep the highest version they saw."""
    return await add_event(
        conn, outbox, topic=TOPIC_UPDATES, key=order.user_id,
        event=order_events.OrderUpdated(order=order_to_proto(order),
                                        fill=fill_to_proto(fill) if fill is not None else None),
        event_id=f"order:{order.order_id}:v{order.version}", occurred_at_unix_ms=order.updated_at_unix_ms)
