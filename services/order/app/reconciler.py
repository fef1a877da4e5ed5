"""The placement reconciler: returns what abandoned placement attempts locked.

An attempt is abandoned when its process died before the commit of the order (see
app/placement.py): its `placements` row is left, unlocked (attempts of the code before the
order margin was booked after the commit may have locked under the order's own id). Rows
nobody holds (SKIP LOCKED: a live attempt keeps its row locked) and nobody touched for
`abandon_after_s` get
ReleaseFunds(all_remaining) — NOT_FOUND meaning nothing was locked — and are deleted in the
same transaction that held them, so a concurrent retry waits and then starts afresh under a new
order_id. A crash mid-way rolls the deletions back and the releases, idempotent by release_id,
are simply repeated next time.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from services.order.adapters import placement_store
from services.order.adapters.wallet_client import WalletClient
from services.order.app import order_margin
from services.platform.ids import now_ms

log = logging.getLogger(__name__)


class PlacementReconciler:
    def __init__(self, engine: AsyncEngine, wallet: WalletClient, *, abandon_after_s: float = 30.0,
                 interval_s: float = 5.0, on_committed: Callable[[], None] = lambda: None) -> None:
        self._engine = engine
        self._on_committed = on_committed  # wakes the drainer for the SYNCs queued
        self._wallet = wallet
        self._abandon_after_ms = int(abandon_after_s * 1000)
        self._interval_s = interval_s

    async def run(self) -> None:
        while True:
            try:
                await self.reconcile_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("placement reconciliation failed; retrying")
            await asyncio.sleep(self._interval_s)

    async def reconcile_once(self) -> int:
        async with self._engine.begin() as conn:
            stale = await placement_store.stale_for_update(
                conn, updated_before_ms=now_ms() - self._abandon_after_ms, limit=50)
            for placement in stale:
                had_funds = await self._wallet.release_all(
                    release_id=f"{placement.order_id}:abandoned:{placement.attempts}",
                    order_id=placement.order_id, user_id=placement.user_id)
                await placement_store.delete(conn, placement.user_id, placement.client_order_id)
                if placement.symbol:
                    # What the attempt may have added to its symbol's order-margin bucket goes back
                    # with the bucket's next SYNC, which no longer counts the order.
                    await order_margin.owe_sync(conn, placement.user_id, placement.symbol,
                                                f"{placement.order_id}:abandoned:{placement.attempts}")
                log.warning("abandoned placement released", extra={
                    "order_id": placement.order_id, "user_id": placement.user_id,
                    "client_order_id": placement.client_order_id, "had_funds": had_funds})
        if stale:
            self._on_committed()
        return len(stale)
