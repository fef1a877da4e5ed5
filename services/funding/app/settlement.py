"""The funding settlement flow (services/funding/README.md):

  Scheduler (leader only, PostgreSQL session advisory lock held on its own connection; a killed
  leader's session ends and another replica takes over):
    Phase 1  at each boundary, per ACTIVE instrument: fetch mark, index and the rate synchronously
             from pricing, refuse them when stale (ALARM, the cycle stays unopened and is retried
             next tick), INSERT ... ON CONFLICT DO NOTHING into funding_cycles (SCHEDULED).
    Phase 2  after the snapshot grace: ListPositionsBySymbol(as_of = boundary) -> one PENDING
             funding_settlements row per non-flat position (same transaction: SNAPSHOTTED).
    Sealer   once every row is terminal: the zero-sum check on what the Wallet actually did
             (GetSettlementOutcomes) -> SEALED, or NEEDS_REVIEW.
  Workers (every replica): SELECT ... FOR UPDATE SKIP LOCKED, the two events to the outbox and
  PUBLISHED in one transaction; failures retry with exponential backoff, DEAD_LETTER at the end.

Every step is idempotent and restartable: a process killed anywhere leaves either the old or
the new state, and whoever runs next continues from it.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from services.funding.adapters import store
from services.funding.adapters.clients import Instrument, Upstreams
from services.funding.adapters.publisher import publish_settlement
from services.funding.config import FundingSettings
from services.funding.domain import model
from services.funding.domain.model import CycleStatus, Side
from services.platform.ids import now_ms
from services.platform.wakeup import Wakeup, run_passes

log = logging.getLogger(__name__)
# The longest the scheduler and an idle worker sleep: an idle exchange costs a query per 30 s.
IDLE_TICK_MS = 30_000


class FundingSettlement:
    def __init__(self, engine: AsyncEngine, upstreams: Upstreams, settings: FundingSettings, *,
                 on_committed: Callable[[], None] = lambda: None, symbols: frozenset[str] = frozenset(),
                 clock: Callable[[], int] = now_ms) -> None:
        self.engine = engine
        self.upstreams = upstreams
        self.settings = settings
        self.on_committed = on_committed
        self.symbols = symbols  # empty: every ACTIVE instrument
        self.clock = clock
        self.work = Wakeup()
        self.is_leader = False
        self._instruments: tuple[float, list[Instrument]] = (0.0, [])
        self._opened: set[str] = set()
        self._alarmed: set[str] = set()

    # -- leader election

    async def run_scheduler(self) -> None:
        tick_s = self.settings.tick_ms / 1000
        while True:
            try:
                async with self.engine.connect() as lease:
                    try:
                        while not await store.try_lead(lease):
                            await lease.commit()
                            await asyncio.sleep(tick_s)
                        await lease.commit()
                        self.is_leader = True
                        log.info("funding scheduler: this replica is the leader")
                        while True:
                            await lease.exec_driver_sql("SELECT 1")  # the lease's session is still ours
                            await lease.commit()
                            await asyncio.sleep(await self.tick() / 1000)
                    finally:
                        # The lock is the session's: close the session rather than hand a connection
                        # still holding it back to the pool (where it would block every leader).
                        await asyncio.shield(lease.invalidate())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("funding scheduler failed; leadership given up, retrying")
            finally:
                self.is_leader = False
            await asyncio.sleep(tick_s)

    async def tick(self) -> int:
        """One leader step: open due cycles, snapshot those past their grace, seal finished ones.
        Returns how long (ms) nothing is due: until the next boundary or grace end while all is
        done, FUNDING_TICK_S while a cycle settles or a step must be retried, at most
        IDLE_TICK_MS (new instruments are seen within that)."""
        now = self.clock()
        wait_ms = min(IDLE_TICK_MS, model.boundary_at_or_before(now, self.settings.interval_ms)
                      + self.settings.interval_ms - now)
        for instrument in await self._active_instruments():
            try:
                await self.open_due(instrument, now)
            except Exception:
                log.exception("funding: opening a cycle failed", extra={"symbol": instrument.symbol})
            boundary = model.boundary_at_or_before(now, self.settings.interval_ms)
            if model.cycle_id(instrument.symbol, boundary) not in self._opened:
                wait_ms = min(wait_ms, self.settings.tick_ms)  # not opened yet (prices, an error): retry
        async with self.engine.connect() as conn:
            cycles = await store.cycles_in(conn, [CycleStatus.SCHEDULED, CycleStatus.SNAPSHOTTED,
                                                  CycleStatus.SETTLING])
        for cycle in cycles:
            try:
                if cycle.status == CycleStatus.SCHEDULED.value:
                    due = cycle.cycle_ts_unix_ms + self.settings.grace_ms
                    if self.clock() >= due:
                        await self.snapshot(cycle.cycle_id)
                        wait_ms = min(wait_ms, self.settings.tick_ms)
                    else:
                        wait_ms = min(wait_ms, due - self.clock())
                else:
                    await self.seal(cycle.cycle_id)
                    self.work.set()  # payments waiting for a retry's back-off, or another replica's
                    wait_ms = min(wait_ms, self.settings.tick_ms)
            except Exception:
                log.exception("funding: cycle step failed; retried next tick", extra={"cycle_id": cycle.cycle_id})
                wait_ms = min(wait_ms, self.settings.tick_ms)
        return max(wait_ms, 10)

    async def _active_instruments(self) -> list[Instrument]:
        fetched_at, cached = self._instruments
        if time.monotonic() - fetched_at > 30 or not cached:
            try:
                cached = await self.upstreams.instruments()
                self._instruments = (time.monotonic(), cached)
            except Exception as exc:
                log.warning("funding: instruments unavailable: %s", exc)
        return [i for i in cached if not self.symbols or i.symbol in self.symbols]

    # -- Phase 1

    async def open_due(self, instrument: Instrument, now: int) -> bool:
        boundary = model.boundary_at_or_before(now, self.settings.interval_ms)
        cycle_id = model.cycle_id(instrument.symbol, boundary)
        if cycle_id in self._opened:
            return False
        async with self.engine.connect() as conn:
            if await store.cycle_exists(conn, instrument.symbol, boundary):
                self._opened.add(cycle_id)
                return False
        if now - boundary > self.settings.max_open_delay_ms:
            self._alarm(cycle_id, "boundary passed more than FUNDING_MAX_OPEN_DELAY_S ago; cycle skipped")
            self._opened.add(cycle_id)
            return False
        # Fetched now, synchronously: never from a cache that a cold start or a new leader lacks.
        prices = await self.upstreams.prices(instrument.symbol)
        problem = model.freshness_problem(prices, now_ms=self.clock(), max_age_ms=self.settings.max_price_age_ms)
        if problem:
            self._alarm(cycle_id, f"cycle not opened: {problem}")
            return False
        async with self.engine.begin() as conn:
            opened = await store.open_cycle(conn, cycle_id=cycle_id, symbol=instrument.symbol, cycle_ts=boundary,
                                            asset=instrument.asset, prices=prices, now=self.clock())
        self._opened.add(cycle_id)
        if opened:
            log.info("funding cycle opened", extra={"cycle_id": cycle_id, "rate": str(prices.rate),
                                                    "mark": str(prices.mark), "index": str(prices.index)})
        return opened

    def _alarm(self, cycle_id: str, message: str) -> None:
        key = f"{cycle_id}:{re.sub(r'[0-9]+', '#', message)}"  # once per boundary and kind of problem
        if key not in self._alarmed:
            self._alarmed.add(key)
            log.error("ALARM funding: %s", message, extra={"cycle_id": cycle_id})

    # -- Phase 2

    async def snapshot(self, cycle_id: str) -> int:
        async with self.engine.connect() as conn:
            cycle = await store.get_cycle(conn, cycle_id)
        if cycle is None or cycle.status != CycleStatus.SCHEDULED.value:
            return 0
        positions = await self.upstreams.positions_as_of(cycle.symbol, cycle.cycle_ts_unix_ms)
        now = self.clock()
        rows = [dict(
            funding_id=model.funding_id(cycle.cycle_ts_unix_ms, p.user_id, cycle.symbol), cycle_id=cycle_id,
            cycle_ts_unix_ms=cycle.cycle_ts_unix_ms, user_id=p.user_id, symbol=cycle.symbol, asset=cycle.asset,
            side=p.side.value, size=p.size, rate=cycle.rate, mark_price=cycle.mark_price,
            amount=model.payment(p.side, p.size, cycle.mark_price, cycle.rate, self.settings.amount_quantum),
            status=model.SettlementStatus.PENDING.value, created_at_unix_ms=now) for p in positions]
        async with self.engine.begin() as conn:
            locked = await store.lock_cycle(conn, cycle_id)
            if locked is None or locked.status != CycleStatus.SCHEDULED.value:
                return 0
            await store.insert_settlements(conn, rows)
            await store.set_status(conn, cycle_id, CycleStatus.SNAPSHOTTED, now, snapshotted_at_unix_ms=now)
        log.info("funding cycle snapshotted", extra={"cycle_id": cycle_id, "positions": len(rows)})
        self.work.set()
        return len(rows)

    # -- workers

    async def run_worker(self) -> None:
        async def one_pass() -> float:
            if await self.work_once():
                return self.settings.worker_pause_ms / 1000  # 0: go on at once
            # Woken by a snapshot, and by the scheduler on every tick while a cycle settles.
            return IDLE_TICK_MS / 1000

        await run_passes("funding worker", one_pass, self.work, log)

    async def work_once(self) -> int:
        """Claims due PENDING rows (SKIP LOCKED, so workers of every replica share the queue) and
        publishes each in its own savepoint; a failing row is retried later, never blocks others."""
        now = self.clock()
        published = 0
        failed: list[tuple[object, str]] = []
        async with self.engine.begin() as conn:
            rows = await store.claim_pending(conn, now, self.settings.worker_batch)
            for row in rows:
                try:
                    async with conn.begin_nested():
                        self._check(row)
                        await publish_settlement(conn, row, now)
                        await store.mark_published(conn, row.funding_id, now)
                    published += 1
                except Exception as exc:  # this row only; the rest of the batch goes on
                    failed.append((row, f"{type(exc).__name__}: {exc}"))
            for row, error in failed:
                attempts = row.attempts + 1
                dead = attempts >= self.settings.max_attempts
                delay = min(self.settings.backoff_base_ms * 2 ** row.attempts, self.settings.backoff_max_ms)
                await store.mark_failed(conn, row.funding_id, error=error, dead=dead, next_at=now + delay)
                (log.error if dead else log.warning)(
                    "funding settlement %s", "DEAD_LETTER" if dead else "failed; retried with backoff",
                    extra={"funding_id": row.funding_id, "attempts": attempts, "error": error})
        if published:
            self.on_committed()
        return published + len(failed)

    @staticmethod
    def _check(row) -> None:
        """A row that can never be published (it would be refused downstream) fails here."""
        if row.funding_id != model.funding_id(row.cycle_ts_unix_ms, row.user_id, row.symbol):
            raise ValueError("funding_id does not match the cycle, user and symbol")
        if row.side not in (Side.LONG.value, Side.SHORT.value) or row.size <= 0:
            raise ValueError("not a non-flat position")

    # -- sealer

    async def seal(self, cycle_id: str) -> CycleStatus | None:
        async with self.engine.connect() as conn:
            cycle = await store.get_cycle(conn, cycle_id)
            if cycle is None or cycle.status not in (CycleStatus.SNAPSHOTTED.value, CycleStatus.SETTLING.value):
                return None
            counts = await store.counts(conn, cycle_id)
            rows = await store.settlements_of(conn, cycle_id)
        now = self.clock()
        if counts.get(model.SettlementStatus.PENDING.value):
            if cycle.status == CycleStatus.SNAPSHOTTED.value:
                async with self.engine.begin() as conn:
                    await store.set_status(conn, cycle_id, CycleStatus.SETTLING, now)
            return None
        dead = counts.get(model.SettlementStatus.DEAD_LETTER.value, 0)
        published = {r.funding_id: r.amount for r in rows if r.status == model.SettlementStatus.PUBLISHED.value}
        outcomes = list((await self.upstreams.outcomes(published)).values()) if published else []
        check = model.seal_check(outcomes, self.settings.tolerance, dead)
        if len(outcomes) != len(published) or (not dead and not all(o.applied for o in outcomes)):
            # Position and the Wallet apply them asynchronously: wait, up to the seal timeout.
            if now - (cycle.snapshotted_at_unix_ms or now) < self.settings.seal_timeout_ms:
                if cycle.status == CycleStatus.SNAPSHOTTED.value:
                    async with self.engine.begin() as conn:
                        await store.set_status(conn, cycle_id, CycleStatus.SETTLING, now)
                return None
        status = CycleStatus.NEEDS_REVIEW if check.problem else CycleStatus.SEALED
        if status is CycleStatus.SEALED and check.residual > 0:
            # Before SEALED is recorded, so a failure here is retried next tick (idempotent by cycle).
            await self.upstreams.sweep_residual(cycle_id, cycle.asset, check.residual)
        async with self.engine.begin() as conn:
            locked = await store.lock_cycle(conn, cycle_id)
            if locked is None or locked.status not in (CycleStatus.SNAPSHOTTED.value, CycleStatus.SETTLING.value):
                return None
            await store.record_seal(conn, cycle_id, status, check, self.clock())
        if status is CycleStatus.SEALED:
            log.info("funding cycle sealed", extra={"cycle_id": cycle_id, "paid": str(check.total_paid),
                                                    "received": str(check.total_received),
                                                    "residual": str(check.residual),
                                                    "shortfall_covered": str(check.covered)})
        else:
            log.error("ALARM funding cycle needs review: %s", check.problem, extra={"cycle_id": cycle_id})
        return status
