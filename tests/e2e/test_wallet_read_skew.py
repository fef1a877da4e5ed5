"""A fill's settlement and the SYNC that empties its order-margin bucket race in the Wallet (two
paths: settlement.v1 from Position, SetOrderMargin/ReleaseFunds from Order's wallet-call queue).
Each reads the user's balance and the bucket's funds row. Read optimistically, a commit between
the two reads paired a row with a balance from before it:

- the settlement read the balance (10.04 locked), the release committed (10.04 back to
  available), the settlement read the emptied bucket: it took its margin from neither, posted
  nothing to the user (so no version check caught it) and the insurance fund paid the fee;
- the release read the bucket (10.04), the settlement committed (the bucket emptied into the
  position), the release read the balance (0 locked) and refused: "locked 0 does not cover 10.04".

Against the exchange's PostgreSQL, through the Wallet's own use cases in this process; the race is
forced by running the other operation around the first one's read of the funds row. Both end with the
fill's margin in the position, nothing locked, and the user's lock equal to its funds rows.
"""
from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from services.platform.db import make_engine
from services.platform.money import order_margin_bucket
from services.wallet.adapters import ledger_store, order_funds_store
from services.wallet.adapters.tables import order_funds, settlement_shortfalls
from services.wallet.app.settlements import SettlementPosting, apply_settlement
from services.wallet.domain.settlements import SettlementKind, TradeInstruction
from tests.e2e.test_wallet_ledger_property import Run

pytestmark = pytest.mark.e2e

SYMBOL = "SKEW-USDT-PERP"
# A taker buys 1 at 100 with leverage 10: margin 10, fee 0.04; the bucket held exactly that.
MARGIN, FEE = D("10"), D("0.04")


class Scene:
    def __init__(self, run: Run) -> None:
        self.run = run
        self.user = run.user_ids["alice"]
        self.bucket = order_margin_bucket(self.user, SYMBOL)

    async def open(self) -> None:
        await self.run.open()
        await self.run.deposit("alice", "USDT", MARGIN + FEE)
        await self.run.funds.lock(lock_id=self.run.key("lock"), order_id=self.bucket, user_id=self.user,
                                  asset="USDT", amount=MARGIN + FEE)

    async def settle_fill(self) -> None:
        """settlement.v1 TRADE of the order's fill, as the consumer applies it (its own transaction)."""
        async with self.run.engine.begin() as conn:
            await apply_settlement(conn, SettlementPosting(
                self.run.key("trade"), self.user, "USDT", SettlementKind.TRADE, -FEE, "trade",
                order_id=self.run.key("order"), symbol=SYMBOL,
                trade=TradeInstruction(margin_released=D(0), margin_in=MARGIN, realized_pnl=D(0), fee=FEE)))

    async def release_bucket(self) -> None:
        """The SYNC after the fill: nothing open, so the bucket's whole lock goes back."""
        await self.run.funds.release(release_id=self.run.key("sync"), order_id=self.bucket, user_id=self.user,
                                     amount=None)

    async def state(self) -> tuple:
        async with self.run.engine.connect() as conn:
            balance = await ledger_store.get_balance(conn, self.user, "USDT")
            rows = (await conn.execute(sa.select(sa.func.coalesce(sa.func.sum(order_funds.c.locked), 0))
                                       .where(order_funds.c.user_id == self.user))).scalar_one()
            shortfalls = (await conn.execute(sa.select(sa.func.count()).select_from(settlement_shortfalls)
                                             .where(settlement_shortfalls.c.user_id == self.user))).scalar_one()
        return (balance.available, balance.locked, balance.position_margin), rows, shortfalls


@contextlib.contextmanager
def around_first_bucket_read(monkeypatch, bucket: str, other, *, before: bool, wait_s: float | None = None):
    """Runs `other()` just `before` (else just after) the bucket's funds row is first read.
    `wait_s` None: `other` is awaited to the end (it must not need what the reader holds); else it
    is given that long and, if it is still waiting (for a lock the reader holds), left running for
    the caller to await."""
    original, original_first = order_funds_store.get, order_funds_store.get_first
    started: list[asyncio.Task] = []

    async def run_other() -> None:
        task = asyncio.ensure_future(other())
        started.append(task)
        if wait_s is None:
            await task
        else:
            await asyncio.wait({task}, timeout=wait_s)

    async def reading(ids, read):
        if bucket not in ids or started:
            return await read()
        if before:
            await run_other()
            return await read()
        row = await read()
        await run_other()
        return row

    async def get(conn, order_id):
        return await reading((order_id,), lambda: original(conn, order_id))

    async def get_first(conn, order_id, fallback_id):  # a fill's read: its order's row, else the bucket
        return await reading((order_id, fallback_id), lambda: original_first(conn, order_id, fallback_id))

    monkeypatch.setattr(order_funds_store, "get", get)
    monkeypatch.setattr(order_funds_store, "get_first", get_first)
    yield started


async def _race(database_url: str, secret: str, monkeypatch, first: str) -> tuple:
    engine = make_engine(database_url, pool_size=4)
    try:
        scene = Scene(Run(engine, secret))
        await scene.open()
        if first == "settlement":
            # The release runs while the settlement has read the balance and not yet the bucket.
            with around_first_bucket_read(monkeypatch, scene.bucket, scene.release_bucket, before=True,
                                          wait_s=2) as started:
                await scene.settle_fill()
            await started[0]
        else:
            # The settlement commits while the release has read the bucket and not yet the balance.
            with around_first_bucket_read(monkeypatch, scene.bucket, scene.settle_fill, before=False):
                await scene.release_bucket()
        monkeypatch.undo()
        return await scene.state()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("first", ["settlement", "release"])
def test_a_fill_settlement_and_the_release_of_its_bucket_agree_whichever_reads_first(exchange, monkeypatch, first):
    balances, funds_rows_locked, shortfalls = asyncio.run(
        _race(exchange.stack.database_url, exchange.rail_hmac_secret, monkeypatch, first))
    # The fill's margin is in the position, its fee paid from the lock, nothing stays locked.
    assert balances == (0, 0, MARGIN)
    assert funds_rows_locked == balances[1]
    assert shortfalls == 0  # the insurance fund paid nothing for a user who could pay
