"""PlaceOrder: validation, Risk, and the order with its engine command and its margin's SYNC.

Risk approves the order on its in-memory view (which counts the approval against the user's
available balance until the Wallet has booked it); the placement then commits the order, its
engine command (outbox) and a SYNC of the symbol's order-margin bucket (the wallet-call queue) in
one transaction and calls nothing else: the drainer sets the bucket to the requirement after the
commit (app/order_margin.py). A fill whose settlement comes before the SYNC takes its margin from
available. Why: docs/ARCHITECTURE.md, "Order margin booked after the commit".

Idempotency (the client_order_id):

1. A `placements` row (user, client_order_id) -> order_id is committed FIRST. A retry with the
   same client_order_id therefore always finds the same order_id, and every attempt bumps the
   row's `attempts`.
2. The attempt runs in a second transaction that holds the row locked (SELECT ... FOR UPDATE)
   across PreTradeCheck and commits the order, its command, its SYNC and the deletion of the row
   together. A concurrent request with the same key waits on the lock and then returns the
   placed order; one that waited in its claim finds the row gone, claims a fresh one, and, finding
   the original under its client_order_id, deletes its own row and answers with that order.
3. If the process dies in between, PostgreSQL aborts the attempt; the row stays for a client
   retry or the reconciler (app/reconciler.py) to clear. Orders placed before the SYNC took over
   locked under the order's own id first, so a retry (attempts > 1) and the reconciler still give
   back whatever such an attempt may have locked (ReleaseFunds all_remaining, NOT_FOUND = nothing)
   and queue a SYNC.
A refused order (Risk rejection, a rule checked at Risk's reference price) deletes its row in the
same transaction: nothing is stored or published, and the client may retry with the same
client_order_id.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.order.adapters import order_store, placement_store, publisher
from services.order.adapters.instruments import InstrumentDirectory
from services.order.adapters.risk_client import RiskClient
from services.order.adapters.wallet_client import WalletClient
from services.order.app import order_margin
from services.order.domain import money
from services.order.domain.model import InstrumentRules, Order, OrderType
from services.order.domain.validation import (
    NewOrderRequest,
    check_instrument_rules,
    check_min_notional,
)
from services.platform.db import reading
from services.platform.errors import Aborted, AlreadyExists, FailedPrecondition, InvalidArgument
from services.platform.ids import new_id, now_ms

log = logging.getLogger(__name__)

_REFUSALS = (FailedPrecondition, InvalidArgument)
_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout expired (the engine's LOCK_TIMEOUT_MS, __main__.py)


def _replay(order: Order, fingerprint: str) -> Order:
    if order.request_fingerprint != fingerprint:
        raise AlreadyExists(f"client_order_id {order.client_order_id} was already used for a different order "
                            f"({order.order_id})")
    return order


@dataclass
class PlacementUseCases:
    engine: AsyncEngine
    instruments: InstrumentDirectory
    risk: RiskClient
    wallet: WalletClient
    on_events_committed: Callable[[], None] = lambda: None

    async def place(self, user_id: str, request: NewOrderRequest) -> Order:
        fingerprint = request.fingerprint()
        # No separate look for an existing order first: the attempt looks under the placement's row
        # lock anyway (a replay costs one claim more, a new order one round trip less).
        instrument = await self.instruments.get(request.symbol)
        check_instrument_rules(request, instrument)
        # A row removed by the reconciler (or a refusal) between our claim and our lock: claim again.
        for _ in range(3):
            # One upsert, committed alone (in autocommit: no BEGIN and COMMIT round trips).
            async with reading(self.engine) as conn:
                claimed = await placement_store.claim(
                    conn, user_id=user_id, client_order_id=request.client_order_id, order_id=new_id(),
                    fingerprint=fingerprint, now_ms=now_ms(), symbol=request.symbol)
            if claimed.request_fingerprint != fingerprint:
                raise AlreadyExists(f"client_order_id {request.client_order_id} is in use by a different "
                                    "order being placed")
            placed = await self._attempt(user_id, request, instrument, fingerprint)
            if placed is not None:
                return placed
        raise Aborted(f"placement of client_order_id {request.client_order_id} kept being interrupted; retry")

    async def _attempt(self, user_id: str, request: NewOrderRequest, instrument: InstrumentRules,
                       fingerprint: str) -> Order | None:
        refusal: Exception | None = None
        original: Order | None = None
        try:
            async with self.engine.begin() as conn:
                placement, stored = await placement_store.lock(conn, user_id, request.client_order_id)
                if placement is None:
                    existing = await order_store.get_by_client_order_id(conn, user_id, request.client_order_id)
                    return _replay(existing, fingerprint) if existing is not None else None
                # Claimed again after the original was stored (this request waited in its claim for
                # the original's commit): the order exists, nothing may be locked for this row.
                if stored:
                    original = await order_store.get_by_client_order_id(conn, user_id, request.client_order_id)
                if original is not None:
                    await placement_store.delete(conn, user_id, request.client_order_id)
                elif placement.request_fingerprint != fingerprint:
                    raise AlreadyExists(f"client_order_id {request.client_order_id} is in use by a different "
                                        "order being placed")
                elif placement.attempts > 1:
                    # An earlier attempt may have died after LockFunds: give that back before
                    # anything else (outside the refusal handling below, so a failure here keeps
                    # the row and with it the duty to release). Its lock under the order's own id
                    # (before order-margin buckets) is released now; its increment in the bucket by
                    # the SYNC queued here, which re-levels the bucket once this attempt committed.
                    await self.wallet.release_all(release_id=f"{placement.order_id}:retry{placement.attempts}:release",
                                                  order_id=placement.order_id, user_id=user_id)
                    await order_margin.owe_sync(conn, user_id, request.symbol,
                                                f"{placement.order_id}:retry{placement.attempts}")
                if original is None:
                    try:
                        order = await self._reserve(conn, placement, request, instrument)
                    except _REFUSALS as exc:
                        # Nothing of a refused order is kept; the same key may be used again.
                        await placement_store.delete(conn, user_id, request.client_order_id)
                        refusal = exc
                    else:
                        if not await order_store.insert(conn, order):
                            raise Aborted(f"order {order.order_id} was stored concurrently; retry")
                        await publisher.new_order(conn, order)
                        await publisher.order_updated(conn, order)
                        if order.margin_locked > 0:
                            # The bucket is set to the requirement with this order after the
                            # commit (the drainer is woken by it): app/order_margin.py.
                            await order_margin.owe_sync(conn, user_id, request.symbol, order.order_id)
                        await placement_store.delete(conn, user_id, request.client_order_id)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise Aborted(f"another request with client_order_id {request.client_order_id} is still "
                              "being placed; retry") from None
            raise
        if original is not None:
            return _replay(original, fingerprint)
        if refusal is not None:
            raise refusal
        self.on_events_committed()
        return order

    async def _reserve(self, conn, placement: placement_store.Placement, request: NewOrderRequest,
                       instrument: InstrumentRules) -> Order:
        """Risk, then the order to store, with the margin it adds to its symbol's order-margin
        bucket (app/order_margin.py): its increment of the symbol's order margin, computed from
        this schema's open orders and position (Risk approved it on its own view of the same).
        Nothing is locked here: the SYNC queued with the order books it after the commit."""
        approval = await self.risk.pre_trade_check(
            order_id=placement.order_id, user_id=placement.user_id, symbol=request.symbol,
            side=request.side, order_type=request.order_type, price=request.price,
            quantity=request.quantity, leverage=request.leverage, reduce_only=request.reduce_only)
        price = request.price
        if request.order_type is OrderType.MARKET:
            price = approval.protection_price
            reference = approval.reference_price or approval.protection_price
            if reference is not None:
                check_min_notional(reference, request.quantity, instrument)
        now = now_ms()
        order = Order(
            order_id=placement.order_id, client_order_id=request.client_order_id, user_id=placement.user_id,
            symbol=request.symbol, side=request.side, order_type=request.order_type,
            time_in_force=request.time_in_force, price=price, quantity=request.quantity, leverage=approval.leverage,
            reduce_only=request.reduce_only, self_trade_prevention=request.self_trade_prevention,
            margin_asset=instrument.quote_asset, tick_size=instrument.tick_size, lot_size=instrument.lot_size,
            maker_fee_rate=instrument.maker_fee_rate, taker_fee_rate=instrument.taker_fee_rate,
            request_fingerprint=placement.request_fingerprint, created_at_unix_ms=now, updated_at_unix_ms=now)
        added = money.ZERO
        if order_margin.counts(order):
            added = await order_margin.increment(conn, order, price=price, remaining=request.quantity)
        return replace(order, margin_locked=added)
