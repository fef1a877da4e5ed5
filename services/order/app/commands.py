"""Cancel, cancel-all and amend: requests to the engine. Each stores the request on the order and
writes the engine command in one transaction; the order changes when the engine confirms
(app/engine_events.py). Another user's order is NOT_FOUND, never PERMISSION_DENIED, so order ids
cannot be probed."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.order.adapters import order_store, publisher
from services.order.adapters.instruments import InstrumentDirectory
from services.order.adapters.risk_client import RiskClient
from services.order.app import order_margin
from services.order.domain import lifecycle, money
from services.order.domain.model import Order, OrderType
from services.order.domain.validation import parse_amend
from services.platform.errors import Aborted, FailedPrecondition, NotFound
from services.platform.ids import new_id, now_ms

_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout expired
USER_REQUESTED = "USER_REQUESTED"
CANCEL_ALL = "CANCEL_ALL"


def _check_amendable(order: Order) -> None:
    if not order.open:
        raise FailedPrecondition(f"order {order.order_id} is {order.status.value} and can no longer be amended",
                                 reason="ORDER_CLOSED")
    if order.order_type is not OrderType.LIMIT or order.is_liquidation:
        raise FailedPrecondition(f"order {order.order_id} is not a resting limit order; only those can be amended",
                                 reason="ORDER_NOT_AMENDABLE")


def _own(order: Order | None, user_id: str, order_id: str) -> Order:
    if order is None or order.user_id != user_id:
        raise NotFound(f"order {order_id} does not exist")
    return order


async def cancel_open_orders(conn: AsyncConnection, *, user_id: str, symbol: str, reason: str) -> list[str]:
    """One CancelAllOrders command per symbol the user has open orders in (commands are keyed by
    symbol), and the request recorded on each open order. Runs in the caller's transaction."""
    open_orders = await order_store.open_orders_for_update(conn, user_id, symbol)
    now = now_ms()
    request_id = new_id()
    for book in sorted({o.symbol for o in open_orders}):
        await publisher.cancel_all(conn, request_id=request_id, user_id=user_id, symbol=book, reason=reason,
                                   issued_at_unix_ms=now)
    for order in open_orders:
        if not order.cancel_requested_at_unix_ms:
            requested = lifecycle.request_cancel(order, now)
            await order_store.update(conn, requested)
            await publisher.order_updated(conn, requested)
    return [o.order_id for o in open_orders]


@dataclass
class OrderCommands:
    engine: AsyncEngine
    instruments: InstrumentDirectory
    risk: RiskClient
    on_events_committed: Callable[[], None] = lambda: None
    lock_timeout_ms: int = 10_000

    async def cancel(self, user_id: str, order_id: str) -> Order:
        async with self.engine.begin() as conn:
            order = _own(await order_store.get(conn, order_id, for_update=True), user_id, order_id)
            if order.open and order.cancel_requested_at_unix_ms:
                return order  # already requested: repeating it is harmless
            requested = lifecycle.request_cancel(order, now_ms())
            await order_store.update(conn, requested)
            await publisher.cancel_order(conn, requested, USER_REQUESTED)
            await publisher.order_updated(conn, requested)
        self.on_events_committed()
        return requested

    async def cancel_all(self, user_id: str, symbol: str, reason: str = CANCEL_ALL) -> list[str]:
        async with self.engine.begin() as conn:
            order_ids = await cancel_open_orders(conn, user_id=user_id, symbol=symbol, reason=reason)
        if order_ids:
            self.on_events_committed()
        return order_ids

    async def amend(self, user_id: str, order_id: str, price: str, quantity: str) -> Order:
        """One amend in flight per order. The order's row is held (FOR UPDATE) across Risk's check
        and the commit of the request, and an order whose previous amend still waits for the engine
        is refused (ABORTED: retry once it is confirmed). The margin a change adds is booked (and
        the margin it frees returned) by the SYNC of the symbol's bucket once the engine confirmed
        it; until then Risk counts the larger of the two versions (app/order_margin.py)."""
        async with self.engine.connect() as conn:
            order = _own(await order_store.get(conn, order_id), user_id, order_id)
        _check_amendable(order)
        instrument = await self.instruments.get(order.symbol)
        try:
            async with self.engine.begin() as conn:
                await conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout_ms)}ms'"))
                current = _own(await order_store.get(conn, order_id, for_update=True), user_id, order_id)
                _check_amendable(current)
                if current.amend_requested_at_unix_ms:
                    raise Aborted(f"order {order_id} has an amend waiting for the matching engine; "
                                  "retry once it is confirmed", reason="AMEND_PENDING")
                # The book keeps the tick and lot it was built with: the order's own figures rule.
                rules = replace(instrument, tick_size=current.tick_size, lot_size=current.lot_size)
                target = parse_amend(price=price, quantity=quantity, current_price=current.price,
                                     current_quantity=current.quantity, filled_quantity=current.filled_quantity,
                                     instrument=rules)
                if target.price == current.price and target.quantity == current.quantity:
                    return current  # the values it already has: harmless, nothing to send
                top_up = await self._lock_more_if_needed(conn, current, target.price, target.quantity)
                requested = lifecycle.request_amend(current, now_ms(), top_up)
                await order_store.update(conn, requested)
                await publisher.amend_order(conn, requested,
                                            target.price if target.price != current.price else None,
                                            target.quantity if target.quantity != current.quantity else None)
                await publisher.order_updated(conn, requested)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise Aborted(f"order {order_id} is busy with another change; retry") from None
            raise
        self.on_events_committed()
        return requested

    async def _lock_more_if_needed(self, conn, order: Order, price: Decimal, quantity: Decimal) -> Decimal:
        """A change that adds to its symbol's order margin is checked by Risk first; the bucket
        is set to the new requirement by the SYNC after the engine confirmed the change
        (app/order_margin.py), as is margin a change frees. Returns what the change adds."""
        if not order_margin.counts(order):
            return money.ZERO  # reduce-only: locks nothing
        remaining = quantity - order.filled_quantity
        now_part = await order_margin.increment(conn, order, price=order.price, remaining=order.remaining_quantity)
        new_part = await order_margin.increment(conn, order, price=price, remaining=remaining)
        top_up = new_part - now_part
        if top_up <= 0:
            return money.ZERO
        await self.risk.pre_trade_check(
            order_id=order.order_id, user_id=order.user_id, symbol=order.symbol, side=order.side,
            order_type=order.order_type, price=price, quantity=remaining, leverage=order.leverage,
            reduce_only=order.reduce_only)
        return top_up
