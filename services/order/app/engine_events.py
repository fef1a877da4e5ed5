"""Applying engine.event.v1 to orders, fills and the wallet-call queue.

Runs inside the EventConsumer's transaction, after its inbox claim on the event id: the order
changes, the fills, the wallet calls they owe and the order.updated.v1 events commit together
or not at all, so a redelivered event changes nothing. Wallet calls (ReleaseFunds only: a
fill's money moves by the Position service's settlement.v1) are sent after the commit by the
WalletCallDrainer.

An event about an order this service does not know (another producer's order, or a test's) is
skipped. An event the state machine refuses for the order's status is logged and skipped: the
engine's per-symbol ordering makes it impossible in a correct stream, and retrying it forever
would stall every other order of the partition.
"""
from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import orders_pb2
from tradex.engine.v1 import events_pb2 as engine_pb

from services.order.adapters import fill_store, order_store, publisher
from services.order.app import order_margin
from services.order.app.wallet_calls import final_release_id, owe_release
from services.order.domain import lifecycle
from services.order.domain.model import Fill, LiquidityRole, Order, TradeLeg
from services.order.domain.order_state import IllegalTransition
from services.platform.events import ReceivedEvent
from services.platform.ids import new_id

log = logging.getLogger(__name__)

# The events that concern orders; book deltas are Market Data's.
RELEVANT = frozenset({"order_accepted", "order_rejected", "trade_executed", "order_cancelled", "order_expired",
                      "order_amended", "command_rejected"})  # the keys of EngineEventApplier's dispatch table


def _reason(enum, value: int) -> str:
    return enum.Name(value).removeprefix(enum.Name(0).removesuffix("UNSPECIFIED")) if value else ""


async def _save(conn: AsyncConnection, before: Order, after: Order, fill: Fill | None = None) -> None:
    """Persists the change and whatever wallet calls it owes. A change of what an open order may
    still add to the position (a fill, a close, an amend) owes the SYNC of its symbol's
    order-margin bucket (app/order_margin.py). A newly closed order placed before the bucket
    existed also owes the release of what is locked under its own id."""
    if after.open is False and before.open and not after.is_liquidation:
        if after.locked_under_own_id:
            await owe_release(conn, after, final_release_id(after.order_id), None)
        after = lifecycle.release(after, None)
    if order_margin.counts(after) and (
            before.open != after.open or before.remaining_quantity != after.remaining_quantity
            or before.price != after.price
            or before.amend_requested_at_unix_ms != after.amend_requested_at_unix_ms):  # an amend's top-up
        await order_margin.owe_sync(conn, after.user_id, after.symbol, new_id())
    await order_store.update(conn, after)
    await publisher.order_updated(conn, after, fill)


class EngineEventApplier:
    async def __call__(self, conn: AsyncConnection, event: engine_pb.EngineEvent, received: ReceivedEvent) -> None:
        kind = event.WhichOneof("event")
        if kind not in RELEVANT:
            return
        at_ms = event.occurred_at_unix_ms or received.occurred_at_unix_ms
        handlers = {
            "order_accepted": self._order_accepted, "order_rejected": self._order_rejected,
            "trade_executed": self._trade_executed, "order_cancelled": self._order_cancelled,
            "order_expired": self._order_expired, "order_amended": self._order_amended,
            "command_rejected": self._command_rejected,
        }
        try:
            await handlers[kind](conn, event, getattr(event, kind), at_ms)
        except IllegalTransition as exc:
            log.error("engine event refused by the order state machine; skipped", extra={
                "event_id": event.event_id, "kind": kind, "error": str(exc)})

    async def _order(self, conn: AsyncConnection, order_id: str, event: engine_pb.EngineEvent) -> Order | None:
        order = await order_store.get(conn, order_id, for_update=True)
        if order is None:
            log.info("engine event for an unknown order; skipped",
                     extra={"event_id": event.event_id, "order_id": order_id})
        return order

    async def _order_accepted(self, conn, event, body: engine_pb.OrderAccepted, at_ms: int) -> None:
        order = await self._order(conn, body.order_id, event)
        if order is not None:
            await _save(conn, order, lifecycle.accept(order, at_ms))

    async def _order_rejected(self, conn, event, body: engine_pb.OrderRejected, at_ms: int) -> None:
        order = await self._order(conn, body.order_id, event)
        if order is not None:
            reason = _reason(orders_pb2.OrderRejectReason, body.reason)
            await _save(conn, order, lifecycle.reject(order, reason, body.message, at_ms))

    async def _order_cancelled(self, conn, event, body: engine_pb.OrderCancelled, at_ms: int) -> None:
        order = await self._order(conn, body.order_id, event)
        if order is not None:
            reason = _reason(orders_pb2.OrderCancelReason, body.reason)
            await _save(conn, order, lifecycle.cancel(order, reason, at_ms))

    async def _order_expired(self, conn, event, body: engine_pb.OrderExpired, at_ms: int) -> None:
        order = await self._order(conn, body.order_id, event)
        if order is not None:
            reason = _reason(orders_pb2.OrderExpireReason, body.reason)
            await _save(conn, order, lifecycle.expire(order, reason, at_ms))

    async def _trade_executed(self, conn, event, body: engine_pb.TradeExecuted, at_ms: int) -> None:
        """Both sides may be orders of this service (of different users, or, with self-trade
        prevention off, the same one): each gets its own fill and its own settlement."""
        legs = {
            body.maker_order_id: (LiquidityRole.MAKER, body.maker_remaining_quantity),
            body.taker_order_id: (LiquidityRole.TAKER, body.taker_remaining_quantity),
        }
        orders = await order_store.get_many_for_update(conn, list(legs))
        trade_id = body.trade_id or event.event_id
        for order_id, (role, remaining) in legs.items():
            order = orders.get(order_id)
            if order is None:
                log.info("trade for an unknown order; its side skipped",
                         extra={"event_id": event.event_id, "order_id": order_id})
                continue
            leg = TradeLeg(trade_id=trade_id, price=Decimal(body.price), quantity=Decimal(body.quantity), role=role,
                           remaining_quantity=Decimal(remaining or "0"), executed_at_unix_ms=at_ms)
            filled, fill = lifecycle.fill(order, leg)
            if not await fill_store.insert(conn, fill):
                continue  # recorded under another event id already (cannot happen with one engine)
            # The fill's money (margin into the position, fee, PnL) is the Position service's
            # settlement.v1 for the Wallet; this service only returns what stays locked at close.
            await _save(conn, order, filled, fill)

    async def _order_amended(self, conn, event, body: engine_pb.OrderAmended, at_ms: int) -> None:
        order = await self._order(conn, body.order_id, event)
        if order is None:
            return
        amended = lifecycle.amend(order, Decimal(body.price) if body.price else None, Decimal(body.quantity),
                                  at_ms)
        await _save(conn, order, await self._release_excess(conn, event, amended))

    async def _command_rejected(self, conn, event, body: engine_pb.CommandRejected, at_ms: int) -> None:
        """A cancel or amend the engine could not apply (usually: the order closed first). The
        request is cleared so the client may send another; an amend's top-up is released."""
        order = await self._order(conn, body.order_id, event) if body.order_id else None
        if order is None or not order.open:
            return
        if body.command_type == engine_pb.COMMAND_TYPE_CANCEL_ORDER and order.cancel_requested_at_unix_ms:
            await _save(conn, order, lifecycle.clear_cancel_request(order, at_ms))
        elif body.command_type == engine_pb.COMMAND_TYPE_AMEND_ORDER and order.amend_requested_at_unix_ms:
            cleared = lifecycle.clear_amend_request(order, at_ms)
            await _save(conn, order, await self._release_excess(conn, event, cleared))

    async def _release_excess(self, conn, event, order: Order) -> Order:
        """Margin an amend freed (or a refused amend's top-up) goes back now the engine spoke."""
        excess = lifecycle.excess_lock(order)
        if excess <= 0:
            return order
        await owe_release(conn, order, f"{event.event_id}:{order.order_id}", excess)
        return lifecycle.release(order, excess)
