"""The live margin watch (see domain/margin_watch.py): a loop over the accounts with positions,
valued with Risk's in-memory marks, balances and exposures (kept by the existing consumers).

It scans when woken by a consumer's commit that changed what margins depend on (balances,
exposures, marks), at most once per `interval_s`, and keeps scanning every `interval_s` only while
a breach waits for its confirmation; otherwise a slow safety timer, so an idle exchange costs
nothing here. A scan computes each account's figures with views.account_view and, for the
accounts whose state flipped, writes the flip and the risk.liquidation.v1 events (one per
position, largest loss first) in one transaction. The breached set is persisted (margin_watch), so a
restart neither repeats a trigger nor forgets one. Event times are the mark's time, not this
loop's clock.

A breach must last `confirm_s` (RISK_MARGIN_WATCH_CONFIRM_S, default 1.5 s: longer than the
Position service's exposure debounce) before it triggers. Balances and exposure come by two
topics: right after a losing position is closed the wallet already shows the realized loss while
the (debounced) exposure still shows the position's unrealized loss, which counts the loss twice
for up to one debounce interval. A real breach outlasts that; the double count does not.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.config import env_float_seconds
from services.platform.ids import new_id, now_ms
from services.platform.wakeup import Wakeup, run_passes
from services.risk.adapters import margin_watch_store as store
from services.risk.domain.margin_watch import Transition, liquidations, transition
from services.risk.domain.state import RiskState
from services.risk.domain.views import account_assets, account_view

log = logging.getLogger(__name__)


class MarginWatch:
    def __init__(self, engine: AsyncEngine, state: RiskState, *, interval_s: float = 0.25,
                 confirm_s: float | None = None, on_events_committed: Callable[[], None] = lambda: None,
                 safety_interval_s: float = 30.0) -> None:
        self._engine = engine
        self._state = state
        self._interval_s = interval_s
        self._confirm_ms = int(1000 * (env_float_seconds("RISK_MARGIN_WATCH_CONFIRM_S", 1.5)
                                       if confirm_s is None else confirm_s))
        self._first_seen: dict[tuple[str, str], int] = {}
        self._wake = on_events_committed
        self._breached: set[tuple[str, str]] | None = None
        self._safety_interval_s = safety_interval_s
        self._changed = Wakeup()

    def wake(self) -> None:
        """Something an account's margin depends on changed."""
        self._changed.set()

    async def run(self) -> None:
        async def one_pass() -> float:
            await self.scan_once()
            # A breach waiting for confirmation is looked at again on time; else wait for a change.
            return self._interval_s if self._first_seen else self._safety_interval_s

        # A burst of changes makes one scan.
        await run_passes("margin watch scan", one_pass, self._changed, log, settle_s=self._interval_s)

    def rearm(self, user_id: str, asset: str) -> None:
        """Settlement completed the account's last liquidation (its row is already false)."""
        if self._breached is not None:
            self._breached.discard((user_id, asset))
        self._first_seen.pop((user_id, asset), None)
        self._changed.set()

    def _mark_time(self, symbols) -> int:
        times = [p.mark.at_unix_ms for s in symbols if (p := self._state.prices.get(s)) and p.mark]
        return max(times) if times else now_ms()

    async def scan_once(self) -> int:
        """Returns how many accounts changed state."""
        if not self._state.ready:
            return 0
        if self._breached is None:
            async with self._engine.connect() as conn:
                self._breached = await store.breached_accounts(conn)
        accounts = {(user_id, asset) for user_id in list(self._state.exposures)
                    for asset in account_assets(self._state, user_id)} | self._breached
        changes = []
        now = now_ms()
        for user_id, asset in sorted(accounts):
            figures = account_view(self._state, user_id, asset)
            change = transition((user_id, asset) in self._breached, figures)
            if change is Transition.TRIGGER:
                first = self._first_seen.setdefault((user_id, asset), now)
                if now - first < self._confirm_ms:
                    continue  # not yet confirmed (see the module doc)
            else:
                self._first_seen.pop((user_id, asset), None)
            if change is not Transition.NONE:
                changes.append((user_id, asset, change, figures))
        if not changes:
            return 0
        async with self._engine.begin() as conn:
            for user_id, asset, change, figures in changes:
                at = self._mark_time(p.position.symbol for p in figures.positions)
                await store.set_breached(conn, user_id, asset, change is Transition.TRIGGER, at)
                if change is Transition.TRIGGER:
                    for liquidation in liquidations(figures):
                        await store.liquidation_triggered(conn, new_id(), user_id, asset, liquidation, at)
                    log.warning("margin breach: liquidation triggered", extra={
                        "user_id": user_id, "asset": asset, "equity": str(figures.equity),
                        "maintenance_margin": str(figures.maintenance_margin)})
        for user_id, asset, change, _ in changes:
            self._first_seen.pop((user_id, asset), None)
            (self._breached.add if change is Transition.TRIGGER else self._breached.discard)((user_id, asset))
        self._wake()
        return len(changes)
