"""The order margin of a user's open orders on one symbol, held in ONE Wallet funds row per
(user, symbol) -- the bucket `om:<user_id>:<symbol>` (services/platform/money.py) -- instead of a
lock per order. Why and how: docs/ARCHITECTURE.md, "Order margin".

- The bucket's level is the requirement `order_margin(position, open orders)`: the larger side,
  net of what the position offsets. Orders on both sides of a symbol therefore share one lock.
- Placement records the order's increment (requirement with it minus without it, >= 0) and, when
  it is positive, queues a SYNC with the order; Risk approved the increment against the user's
  available balance net of what its view requires beyond the booked levels (Risk's
  domain/cover.py), so the SYNC finds the funds.
- Every change of an open order (fill, cancel, expiry, rejection, amend) and of the position
  queues a SYNC in the wallet-call queue (app/wallet_calls.py): after the commit, the drainer
  recomputes the requirement from this schema and sets the bucket to it in one Wallet entry
  (SetOrderMargin: the excess released, a shortfall locked as far as available goes). When
  nothing is open, ReleaseFunds returns all the bucket holds: nothing stays locked after the last
  order is gone.
- A fill's settlement.v1 (Position) takes its margin from the bucket (the Wallet falls back to it
  when the order has no funds row of its own); the SYNC after the fill re-levels the bucket.

The SYNCs of one (user, symbol) are serialized by a transaction-scoped advisory lock on the
bucket id, held across their Wallet call, so the last to read the schema is the last to set the
bucket. Placement and amend take no lock: they call no Wallet, and each commit that changes the
requirement queues a SYNC of its own.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.order.adapters import order_store, wallet_call_store
from services.order.adapters.wallet_client import ORDER_MARGIN_SYNC, WalletClient
from services.order.domain.model import Order, Side
from services.platform.db import sql_run
from services.platform.ids import new_id, now_ms
from services.platform.money import OpenOrder, order_margin, order_margin_bucket

log = logging.getLogger(__name__)

ZERO = Decimal(0)
# Plain SQL (services/platform/db.py): every placement, amend and SYNC takes it.
_LOCK = "SELECT pg_advisory_xact_lock(hashtext(%s))"


async def hold_bucket(conn: AsyncConnection, user_id: str, symbol: str) -> None:
    """Serializes the SYNCs of one bucket until the transaction ends."""
    await sql_run(conn, _LOCK, (order_margin_bucket(user_id, symbol),))


def counts(order: Order) -> bool:
    """Reduce-only and liquidation orders can only shrink the position: they need no margin."""
    return not order.reduce_only and not order.is_liquidation and order.price is not None


def open_order(order: Order, *, price: Decimal | None = None, remaining: Decimal | None = None) -> OpenOrder:
    return OpenOrder(order.order_id, 1 if order.side is Side.BUY else -1,
                     price if price is not None else order.price,
                     remaining if remaining is not None else order.remaining_quantity, order.leverage)


def requirement(position: Decimal, orders: Iterable[OpenOrder], taker_fee_rate: Decimal) -> Decimal:
    return order_margin(position, orders, taker_fee_rate).total


async def symbol_view(conn: AsyncConnection, user_id: str, symbol: str) -> tuple[Decimal, list[Order]]:
    """(position size, open orders that count) as this schema has them now."""
    position, orders = await order_store.open_orders_with_position(conn, user_id, symbol)
    return position, [o for o in orders if counts(o)]


def _fee_rate(orders: Iterable[Order], default: Decimal = ZERO) -> Decimal:
    # The instrument's taker rate, as each order recorded it (the same for all of one symbol).
    return max((o.taker_fee_rate for o in orders), default=default)


async def increment(conn: AsyncConnection, order: Order, *, price: Decimal, remaining: Decimal) -> Decimal:
    """What `order` at this price and open quantity adds to its symbol's requirement, beside the
    user's other open orders (the order's own current state excluded: an amend replaces it)."""
    position, others = await symbol_view(conn, order.user_id, order.symbol)
    others = [o for o in others if o.order_id != order.order_id]
    rate = _fee_rate(others, order.taker_fee_rate)
    base = [open_order(o) for o in others]
    before = requirement(position, base, rate)
    after = requirement(position, [*base, open_order(order, price=price, remaining=remaining)], rate)
    return max(after - before, ZERO)


async def owe_sync(conn: AsyncConnection, user_id: str, symbol: str, cause: str) -> None:
    """Queues the re-levelling of the bucket after this transaction commits. `cause` makes the
    call key unique (an event id, an order id); the drainer runs only the latest of a bucket's
    pending SYNCs (each recomputes from the current state)."""
    bucket = order_margin_bucket(user_id, symbol)
    payload = json.dumps({"user_id": user_id, "symbol": symbol}).encode()
    await wallet_call_store.enqueue(conn, call_key=f"sync:{bucket}:{cause}", order_id=bucket,
                                    kind=ORDER_MARGIN_SYNC, payload=payload, now_ms=now_ms())


class OrderMarginSync:
    """The drainer's handler for a SYNC call: sets the bucket to the requirement."""

    def __init__(self, engine: AsyncEngine, wallet: WalletClient) -> None:
        self._engine = engine
        self._wallet = wallet

    async def __call__(self, call_key: str, attempt: int, payload: bytes) -> str:
        """Returns a note for the call's record. Raises grpc.aio.AioRpcError when the Wallet
        failed (the queue retries). SetOrderMargin sets the bucket in one journal entry, so a
        retry with a fresh key after a crash simply sets it again from the state now."""
        body = json.loads(payload)
        user_id, symbol = body["user_id"], body["symbol"]
        bucket = order_margin_bucket(user_id, symbol)
        async with self._engine.begin() as conn:
            await hold_bucket(conn, user_id, symbol)
            position, orders = await symbol_view(conn, user_id, symbol)
            target = requirement(position, [open_order(o) for o in orders], _fee_rate(orders))
            if not orders:
                # Nothing open: everything the bucket holds goes back (NOT_FOUND: it never held any).
                await self._wallet.release_all_raw(release_id=f"{call_key}:{attempt}:{new_id()}", order_id=bucket,
                                                   user_id=user_id)
                return "released"
            short = await self._wallet.set_order_margin_raw(
                operation_id=f"{call_key}:{attempt}:{new_id()}", order_id=bucket, user_id=user_id,
                asset=orders[0].margin_asset, amount=target)
            if short > 0:
                # The requirement grew beyond what the user holds (say, a liquidation closed the
                # position a working order was closing). Nothing to wait for: the orders stay
                # under-covered, a fill then takes its margin from available (the Wallet) and
                # Risk's margin watch protects the exchange. Logged, never retried forever.
                log.error("ALARM order margin could not be locked in full", extra={
                    "bucket": bucket, "requirement": str(target), "short": str(short)})
                return f"requirement {target}, short {short}"
            return f"requirement {target}"
