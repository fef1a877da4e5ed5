"""Risk's checkpoints: what the event feed changed in memory, written to the risk schema with the
feed's positions in one transaction, about once a second while events arrive.

Risk answers from memory (app/pretrade.py); its schema is only where a restart starts from. The
feed (services/platform/replay.py) applies events to memory and records here which keys they
changed. A checkpoint takes those keys and the feed's positions at one instant (nothing awaits
between the two, so the values are exactly the state after the events before those positions),
then writes the current value of each key -- or deletes it, for an order no longer open. A start
loads the schema and the feed reads on from the positions stored with it (app/warmup.py).

A failed write gives its keys back, so the next checkpoint writes them (with whatever newer
values they have by then) together with newer positions.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.replay import ReplayedFeed
from services.platform.wakeup import Wakeup, run_passes
from services.risk.adapters import checkpoint_store
from services.risk.adapters.checkpoint_store import Snapshot
from services.risk.domain.state import RiskState

log = logging.getLogger(__name__)

KINDS = ("account", "tier", "balance", "exposure", "price", "order")
SAFETY_INTERVAL_S = 30.0


@dataclass
class Changes:
    """Per kind, the keys changed since the last checkpoint and the event that changed each last."""
    keys: dict[str, dict] = field(default_factory=lambda: {kind: {} for kind in KINDS})

    def mark(self, kind: str, key, event_id: str) -> None:
        by_key = self.keys[kind]
        by_key.pop(key, None)  # re-inserted last: a dict keeps the order keys last changed in
        by_key[key] = event_id

    def take(self) -> dict[str, dict]:
        taken, self.keys = self.keys, {kind: {} for kind in KINDS}
        return taken

    def give_back(self, taken: dict[str, dict]) -> None:
        """After a failed write: what changed again meanwhile keeps its newer event id."""
        self.keys = {kind: {**taken[kind], **self.keys[kind]} for kind in KINDS}

    def __bool__(self) -> bool:
        return any(self.keys.values())


def snapshot(state: RiskState, taken: dict[str, dict]) -> Snapshot:
    """The current value of every key taken (all frozen dataclasses, so references will do)."""
    orders = taken["order"]
    return Snapshot(
        accounts=[state.accounts[u] for u in taken["account"] if u in state.accounts],
        tiers=[(state.tiers[t], e) for t, e in taken["tier"].items() if t in state.tiers],
        balances=[state.balances[k] for k in taken["balance"] if k in state.balances],
        exposures=[state.exposures[u] for u in taken["exposure"] if u in state.exposures],
        prices=[state.prices[s] for s in taken["price"] if s in state.prices],
        open_orders=[(state.open_orders[o], e) for o, e in orders.items() if o in state.open_orders],
        closed_orders=[o for o in orders if o not in state.open_orders])


class Checkpoints:
    def __init__(self, engine: AsyncEngine, state: RiskState, changes: Changes, feed: ReplayedFeed,
                 *, interval_s: float = 1.0) -> None:
        self._engine = engine
        self._state = state
        self._changes = changes
        self._feed = feed
        self._interval_s = interval_s
        self._written: dict = {}
        self._wakeup = Wakeup()
        self.written = 0

    def wake(self) -> None:
        """The feed read records (applied or not: its positions moved)."""
        self._wakeup.set()

    async def run(self) -> None:
        async def one_pass() -> float:
            await self.write()
            return SAFETY_INTERVAL_S
        # Woken by the first records after a checkpoint, it waits `interval_s` more, so a burst of
        # events makes one checkpoint a second however many there were.
        await run_passes("risk checkpoint", one_pass, self._wakeup, log, settle_s=self._interval_s)

    async def write_last(self) -> None:
        """On a clean stop: a failure is logged, not raised -- the next start reads on from the
        checkpoint before, which loses nothing."""
        try:
            await self.write()
        except Exception:  # noqa: BLE001
            log.exception("last checkpoint not written")

    async def write(self) -> bool:
        """Writes a checkpoint if anything moved since the last one; True if it wrote. Not while
        the state is catching up (it may then be behind what is stored, or mixed with it)."""
        if not self._state.ready:
            return False
        positions = dict(self._feed.positions)
        if not self._changes and positions == self._written:
            return False
        taken = self._changes.take()
        rows = snapshot(self._state, taken)
        try:
            async with self._engine.begin() as conn:
                await checkpoint_store.write(conn, self._feed.name, rows, positions)
        except BaseException:
            self._changes.give_back(taken)
            raise
        self._written = positions
        self.written += 1
        return True
