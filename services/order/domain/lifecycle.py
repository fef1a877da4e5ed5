"""Applying engine outcomes and client requests to an order. Pure: each function returns the
changed order (version + 1) and never mutates; status changes go through `next_status`, the
transition table."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from services.order.domain import money
from services.order.domain.model import Fill, LiquidityRole, Order, TradeLeg
from services.order.domain.order_state import FINAL_STATUSES, OrderEvent, next_status
from services.platform.errors import FailedPrecondition


def _changed(order: Order, at_ms: int, **changes) -> Order:
    updated = replace(order, updated_at_unix_ms=at_ms, version=order.version + 1, **changes)
    if updated.status in FINAL_STATUSES and not order.closed_at_unix_ms:
        # A closed order has nothing pending with the engine any more.
        updated = replace(updated, closed_at_unix_ms=at_ms, cancel_requested_at_unix_ms=0,
                          amend_requested_at_unix_ms=0)
    return updated


def accept(order: Order, at_ms: int) -> Order:
    next_status(order.status, OrderEvent.ACCEPTED)
    return _changed(order, at_ms, accepted_at_unix_ms=at_ms)


def reject(order: Order, reason: str, message: str, at_ms: int) -> Order:
    return _changed(order, at_ms, status=next_status(order.status, OrderEvent.REJECTED),
                    reject_reason=reason, status_message=message)


def cancel(order: Order, reason: str, at_ms: int) -> Order:
    return _changed(order, at_ms, status=next_status(order.status, OrderEvent.CANCELLED),
                    cancel_reason=reason, status_message="")


def expire(order: Order, reason: str, at_ms: int) -> Order:
    return _changed(order, at_ms, status=next_status(order.status, OrderEvent.EXPIRED),
                    expire_reason=reason, status_message="")


def fill(order: Order, leg: TradeLeg) -> tuple[Order, Fill]:
    """One trade against the order. The engine's remaining quantity decides FILLED vs
    PARTIALLY_FILLED (it is the book's truth, amends included)."""
    event = OrderEvent.FULL_FILL if leg.remaining_quantity == 0 else OrderEvent.PARTIAL_FILL
    status = next_status(order.status, event)
    rate = order.maker_fee_rate if leg.role is LiquidityRole.MAKER else order.taker_fee_rate
    fee = money.fill_fee(leg.price, leg.quantity, rate)
    margin = money.fill_margin(leg.price, leg.quantity, order.leverage, reduce_only=order.reduce_only,
                               is_liquidation=order.is_liquidation)
    the_fill = Fill(
        trade_id=leg.trade_id, order_id=order.order_id, client_order_id=order.client_order_id,
        user_id=order.user_id, symbol=order.symbol, side=order.side, price=leg.price,
        quantity=leg.quantity, fee=fee, fee_asset=order.margin_asset, liquidity_role=leg.role,
        margin=margin, is_liquidation=order.is_liquidation, executed_at_unix_ms=leg.executed_at_unix_ms)
    updated = _changed(
        order, leg.executed_at_unix_ms, status=status,
        filled_quantity=order.filled_quantity + leg.quantity,
        filled_notional=order.filled_notional + money.notional(leg.price, leg.quantity),
        fees=order.fees + fee, margin_locked=money.lock_after_fill(order.margin_locked, margin, fee))
    return updated, the_fill


def amend(order: Order, price: Decimal | None, quantity: Decimal, at_ms: int) -> Order:
    """The engine's confirmed price and total quantity."""
    next_status(order.status, OrderEvent.AMENDED)
    return _changed(order, at_ms, price=price if price is not None else order.price, quantity=quantity,
                    amend_requested_at_unix_ms=0)


def excess_lock(order: Order) -> Decimal:
    """What the order holds beyond what its open quantity needs at its current price (after an
    amend took effect or was refused). Zero for orders that lock nothing."""
    if order.is_liquidation or order.price is None or not order.open:
        return money.ZERO
    needed = money.required_lock(order.price, order.remaining_quantity, order.leverage,
                                 reduce_only=order.reduce_only, taker_fee_rate=order.taker_fee_rate)
    return max(money.ZERO, order.margin_locked - needed)


def release(order: Order, amount: Decimal | None) -> Order:
    """The local mirror after a ReleaseFunds was queued; None = everything left. Not a status
    change, so no version bump (the call is bookkeeping of the same change)."""
    left = money.ZERO if amount is None else max(money.ZERO, order.margin_locked - amount)
    return replace(order, margin_locked=left)


def request_cancel(order: Order, at_ms: int) -> Order:
    if not order.open:
        raise FailedPrecondition(f"order {order.order_id} is {order.status.value} and can no longer be cancelled",
                                 reason="ORDER_CLOSED")
    return _changed(order, at_ms, cancel_requested_at_unix_ms=at_ms)


def clear_cancel_request(order: Order, at_ms: int) -> Order:
    return _changed(order, at_ms, cancel_requested_at_unix_ms=0)


def clear_amend_request(order: Order, at_ms: int) -> Order:
    return _changed(order, at_ms, amend_requested_at_unix_ms=0)


def request_amend(order: Order, at_ms: int, top_up: Decimal) -> Order:
    return _changed(order, at_ms, amend_requested_at_unix_ms=at_ms, amend_count=order.amend_count + 1,
                    margin_locked=order.margin_locked + top_up)
