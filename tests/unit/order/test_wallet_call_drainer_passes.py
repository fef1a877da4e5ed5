"""When the Order service's wallet-call drainer runs a pass, and how much a pass costs when
nothing is owed (services/order/app/wallet_calls.py). The queue itself is faked here (the
store's functions); what it does on the real database is covered by the e2e order tests."""
from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import pytest

from services.order.adapters import wallet_call_store
from services.order.adapters.wallet_client import ORDER_MARGIN_SYNC, RELEASE_FUNDS
from services.order.app import wallet_calls
from services.order.app.wallet_calls import WalletCallDrainer


class _Conn:
    async def execution_options(self, **options) -> None:
        pass

    async def scalar(self, statement, params=None) -> bool:
        return True  # the drainer's advisory lock: always ours


@dataclass
class _Engine:
    """Counts what the drainer opens: transactions (locked passes) and one-statement reads."""
    transactions: int = 0
    reads: int = 0

    @contextlib.asynccontextmanager
    async def begin(self):
        self.transactions += 1
        yield _Conn()

    @contextlib.asynccontextmanager
    async def connect(self):
        self.reads += 1
        yield _Conn()


@dataclass
class _Queue:
    owed: list[wallet_call_store.WalletCall] = field(default_factory=list)
    done: list[str] = field(default_factory=list)

    def add(self, n: int) -> None:
        start = len(self.owed) + len(self.done)
        self.owed += [wallet_call_store.WalletCall(start + i, f"release:r{start + i}", f"o{start + i}",
                                                   RELEASE_FUNDS, b"", 0, 0) for i in range(n)]

    async def any_pending(self, conn) -> bool:
        return bool(self.owed)

    async def pending(self, conn, limit: int) -> list[wallet_call_store.WalletCall]:
        return self.owed[:limit]

    def add_sync(self, bucket: str) -> None:
        n = len(self.owed) + len(self.done)
        self.owed.append(wallet_call_store.WalletCall(n, f"sync:{bucket}:{n}", bucket, ORDER_MARGIN_SYNC, b"", 0, 0))

    async def mark_done(self, conn, call_id: int, now_ms: int, note: str = "") -> None:
        call = next(c for c in self.owed if c.id == call_id)
        self.owed.remove(call)
        self.done.append(call.call_key)

    superseded_statements: list[list[int]] = field(default_factory=list)

    async def mark_superseded(self, conn, call_ids: list[int], now_ms: int, note: str) -> None:
        if call_ids:
            self.superseded_statements.append(call_ids)
        for call_id in call_ids:
            await self.mark_done(conn, call_id, now_ms, note)


@pytest.fixture
def queue(monkeypatch) -> _Queue:
    q = _Queue()
    for name in ("any_pending", "pending", "mark_done", "mark_superseded"):
        monkeypatch.setattr(wallet_call_store, name, getattr(q, name))
    return q


class _Syncs:
    """The SYNC handler: records which calls were sent to the Wallet."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def __call__(self, call_key: str, attempt: int, payload: bytes) -> str:
        self.sent.append(call_key)
        return "requirement 0"


def test_only_a_buckets_last_sync_is_sent_and_the_earlier_ones_are_done_in_one_statement(queue):
    syncs = _Syncs()
    drainer = WalletCallDrainer(_Engine(), _sent, sync=syncs)
    for bucket in ("om:u1:A", "om:u1:B", "om:u1:A", "om:u1:A"):
        queue.add_sync(bucket)
    queue.add(1)  # a release of an order: never superseded
    assert asyncio.run(drainer.drain_once()) == 5
    assert syncs.sent == ["sync:om:u1:B:1", "sync:om:u1:A:3"]
    assert queue.superseded_statements == [[0, 2]]
    assert queue.owed == [] and "release:r4" in queue.done


def test_calls_queued_within_the_settle_window_go_in_one_pass(queue, monkeypatch):
    """A taker filled within the window: its placement's SYNC is superseded by its fill's, so the
    bucket is set once (here: never booked, then released) instead of twice."""
    monkeypatch.setattr(wallet_calls, "IDLE_SAFETY_S", 3600.0)
    engine, syncs = _Engine(), _Syncs()
    drainer = WalletCallDrainer(engine, _sent, sync=syncs, safety_interval_s=3600.0, settle_s=0.3)

    async def scenario() -> None:
        running = asyncio.create_task(drainer.run())
        try:
            await asyncio.sleep(0.05)  # the first pass at start: nothing owed, no transaction
            queue.add_sync("om:u1:A")  # the placement's commit
            drainer.wake()
            await asyncio.sleep(0.05)
            queue.add_sync("om:u1:A")  # the fill's commit, within the window
            drainer.wake()
            async with asyncio.timeout(5):
                while queue.owed:
                    await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running

    asyncio.run(scenario())
    assert syncs.sent == ["sync:om:u1:A:1"]
    assert engine.transactions == 1


async def _sent(kind: str, payload: bytes) -> None:
    pass


def test_a_pass_with_nothing_owed_is_one_read_and_no_locked_transaction(queue):
    engine = _Engine()
    drainer = WalletCallDrainer(engine, _sent)
    assert asyncio.run(drainer.drain_once()) == 0
    assert (engine.reads, engine.transactions) == (1, 0)
    queue.add(2)
    assert asyncio.run(drainer.drain_once()) == 2
    assert (engine.reads, engine.transactions) == (2, 1)
    assert queue.owed == []


def test_a_full_batch_makes_the_next_pass_start_at_once_and_a_partial_one_waits_for_a_wake(queue, monkeypatch):
    # The safety timers far beyond the test: only "a full batch, go on" or a wake can drain.
    monkeypatch.setattr(wallet_calls, "IDLE_SAFETY_S", 3600.0)
    engine = _Engine()
    drainer = WalletCallDrainer(engine, _sent, batch_size=2, safety_interval_s=3600.0)

    async def scenario() -> None:
        queue.add(5)  # batches of 2, 2, 1: the full ones are followed at once
        running = asyncio.create_task(drainer.run())
        try:
            async with asyncio.timeout(5):
                while queue.owed:
                    await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            passes = engine.transactions
            assert passes == 3  # no extra pass after the partial batch: it took everything owed
            queue.add(1)  # queued by a commit, which wakes the drainer
            drainer.wake()
            async with asyncio.timeout(5):
                while queue.owed:
                    await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            assert engine.transactions == passes + 1
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running

    asyncio.run(scenario())
    assert len(queue.done) == 6


def test_only_a_task_that_queued_a_call_is_told_to_wake_the_drainer(monkeypatch):
    """Order's commit callbacks wake the drainer only after a transaction that owed a call
    (services/order/__main__.py, wake_drainer_if_owed): the flag is per task, set by enqueue,
    and cleared when read, so the next commit that owes nothing wakes nobody."""
    statements: list[str] = []

    async def run(conn, sql, params=()) -> int:
        statements.append(sql)
        return -1

    monkeypatch.setattr(wallet_call_store, "sql_run", run)

    queued: asyncio.Event | None = None

    async def commit(owes: bool) -> bool:
        if owes:
            await wallet_call_store.enqueue(object(), call_key="sync:b:1", order_id="b", kind=RELEASE_FUNDS,
                                            payload=b"", now_ms=1)
            queued.set()
        await asyncio.sleep(0)  # the COMMIT: other tasks run meanwhile
        return wallet_call_store.take_queued()

    async def consumer_task() -> list[bool]:
        return [await commit(True), await commit(False), await commit(True), await commit(True)]

    async def placement_task() -> bool:
        await queued.wait()  # runs while the consumer's task has queued and not yet asked
        return wallet_call_store.take_queued()

    async def main() -> tuple[list[bool], bool]:
        nonlocal queued
        queued = asyncio.Event()
        return tuple(await asyncio.gather(consumer_task(), placement_task()))

    woken, placement_woken = asyncio.run(main())
    assert woken == [True, False, True, True]
    assert placement_woken is False  # another task never sees what the consumer's task queued
    assert len(statements) == 3 and all("RETURNING" not in sql for sql in statements)
