"""Reliable wallet postings after an engine event: the "wallet outbox".

A close (or an amend that frees margin) is committed together with the ReleaseFunds it owes (a
row in `wallet_calls`, keyed by the wallet's own idempotency key), and every change of an open
order or a position with the SYNC of its (user, symbol) order-margin bucket (app/order_margin.py). Fills owe nothing here: the
Position service's settlement.v1 moves a fill's margin, fee and PnL. `WalletCallDrainer` sends them after
the commit and marks them done only when the wallet answered, so a crash anywhere re-sends a
call, which the wallet turns into a replay. Each order's calls go in the order they were
written. A final ReleaseFunds(all_remaining) may reach the Wallet before the settlement.v1 of the
order's last fill (two paths): the Wallet then takes that fill's margin from available, where the
release just put it.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

import grpc
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tradex.wallet.v1 import wallet_pb2

from services.order.adapters import wallet_call_store
from services.order.adapters.downstream import RETRYABLE
from services.order.adapters.wallet_client import ORDER_MARGIN_SYNC, RELEASE_FUNDS
from services.order.domain.model import Order
from services.platform.db import reading
from services.platform.decimals import format_decimal
from services.platform.ids import now_ms
from services.platform.wakeup import Wakeup, run_passes

log = logging.getLogger(__name__)

_TRY_LOCK = sa.text("SELECT pg_try_advisory_xact_lock(hashtext(:k))")
MAX_BACKOFF_MS = 60_000
# A refusal (not an outage) will not heal by itself quickly; it is retried slowly and logged as
# an error each time, never dropped: a settlement must not be lost.
REFUSED_BACKOFF_MS = 300_000


async def owe_release(conn: AsyncConnection, order: Order, release_id: str, amount: Decimal | None) -> None:
    """`amount` None releases everything the order still has locked."""
    request = wallet_pb2.ReleaseFundsRequest(release_id=release_id, order_id=order.order_id, user_id=order.user_id)
    if amount is None:
        request.all_remaining = True
    else:
        request.amount = format_decimal(amount)
    await wallet_call_store.enqueue(conn, call_key=f"release:{release_id}", order_id=order.order_id,
                                    kind=RELEASE_FUNDS, payload=request.SerializeToString(), now_ms=now_ms())


def final_release_id(order_id: str) -> str:
    return f"{order_id}:final"


_DONE, _REFUSED, _OUTAGE = "done", "refused", "outage"

Send = Callable[[str, bytes], Awaitable[None]]
# (call_key, attempt, payload) -> a note for the call's record (app/order_margin.py OrderMarginSync).
Sync = Callable[[str, int, bytes], Awaitable[str]]


# The drainer's safety timer while nothing is owed.
IDLE_SAFETY_S = 30.0


class WalletCallDrainer:
    def __init__(self, engine: AsyncEngine, send: Send, *, batch_size: int = 200,
                 safety_interval_s: float = 2.0, sync: Sync | None = None, settle_s: float = 0.0) -> None:
        self._engine = engine
        self._send = send
        self._sync = sync
        self._batch_size = batch_size
        self._safety_interval_s = safety_interval_s
        self._settle_s = settle_s
        self._wake = Wakeup()
        self._left = True  # calls still owed after the last pass (retries, another replica's turn)
        self._full = False  # the last pass took a whole batch

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        async def one_pass() -> float:
            await self.drain_once()
            if self._full:
                return 0  # a full batch: more may be waiting
            # Owed calls wait for their back-off or the other replica's drainer: look again soon.
            # Nothing owed: only a commit that queues a call wakes us (the slow timer is a net).
            # A call queued while this pass ran woke us again already (run_passes clears first).
            return self._safety_interval_s if self._left else IDLE_SAFETY_S

        # Nothing here is on an order's visible path (a fill's money moves with settlement.v1), so
        # a wake-up waits `settle_s` for the calls that follow it: the SYNC of an order that is
        # filled or cancelled within that window is superseded by the next one of its bucket
        # (drain_once), and an order gone before then is never booked at all -- Risk counted it
        # while it was open (docs/ARCHITECTURE.md, "Order margin booked after the commit").
        await run_passes("wallet-call drain", one_pass, self._wake, log, settle_s=self._settle_s)

    async def drain_once(self) -> int:
        """Sends one batch; returns how many calls completed."""
        self._full = False
        # Only commits that queued a call wake us (wallet_call_store.take_queued), but another
        # replica's drainer may have sent it already: one autocommit read answers that, instead
        # of a locked transaction of four statements.
        async with reading(self._engine) as conn:
            if not await wallet_call_store.any_pending(conn):
                self._left = False
                return 0
        async with self._engine.begin() as conn:
            # One drainer per schema at a time (replicas): per-order order holds across them.
            got = await conn.scalar(_TRY_LOCK, {"k": "order-wallet-calls"})
            self._left = True
            if not got:
                return 0
            calls = await wallet_call_store.pending(conn, self._batch_size)
            self._full = len(calls) >= self._batch_size
            blocked: set[str] = set()
            done = 0
            now = now_ms()
            # A SYNC recomputes its bucket from the current state: only a bucket's last one matters.
            last_sync = {c.order_id: c.id for c in calls if c.kind == ORDER_MARGIN_SYNC}
            superseded = {c.id for c in calls if c.kind == ORDER_MARGIN_SYNC and last_sync[c.order_id] != c.id}
            await wallet_call_store.mark_superseded(conn, sorted(superseded), now, note="superseded by a later sync")
            done += len(superseded)
            for call in calls:
                if call.order_id in blocked or call.id in superseded:
                    continue
                if call.next_attempt_at_unix_ms > now:
                    blocked.add(call.order_id)
                    continue
                outcome = await self._attempt(conn, call)
                if outcome == _DONE:
                    done += 1
                elif outcome == _OUTAGE:
                    break  # the wallet is not answering: do not wait out a timeout per call
                else:
                    blocked.add(call.order_id)
            self._left = len(calls) > done
            return done

    async def _attempt(self, conn: AsyncConnection, call: wallet_call_store.WalletCall) -> str:
        note = ""
        try:
            if call.kind == ORDER_MARGIN_SYNC:
                if self._sync is None:
                    raise RuntimeError("an order-margin sync is queued but no handler is configured")
                note = await self._sync(call.call_key, call.attempts + 1, call.payload)
            else:
                await self._send(call.kind, call.payload)
        except grpc.aio.AioRpcError as error:
            code = error.code()
            if call.kind == RELEASE_FUNDS and code == grpc.StatusCode.NOT_FOUND:
                # The wallet holds nothing for the order (it never locked any): nothing to return.
                await wallet_call_store.mark_done(conn, call.id, now_ms(), note="nothing locked")
                return _DONE
            refused = code not in RETRYABLE and code != grpc.StatusCode.UNIMPLEMENTED
            backoff = min(200 * 2 ** min(call.attempts, 12), REFUSED_BACKOFF_MS if refused else MAX_BACKOFF_MS)
            (log.error if refused else log.warning)(
                "wallet call failed", extra={"call_key": call.call_key, "code": code.name,
                                             "details": error.details(), "attempts": call.attempts + 1})
            await wallet_call_store.mark_failed(conn, call.id, next_attempt_at_unix_ms=now_ms() + backoff,
                                                error=f"{code.name}: {error.details()}")
            return _REFUSED if refused else _OUTAGE
        await wallet_call_store.mark_done(conn, call.id, now_ms(), note=note)
        return _DONE

