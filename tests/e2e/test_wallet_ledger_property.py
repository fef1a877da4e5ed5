"""The ledger property against the real PostgreSQL of the test exchange, through the wallet's
own use cases (the code behind the RPCs and the settlement.v1 consumer), in this process:

  for random sequences of deposits, locks, releases, SettleTrade and settlement.v1 postings
  (realized PnL, funding, margin release), with replays and refusals, after every step
  - per asset, the sum over ALL ledger accounts is zero and the non-EXTERNAL accounts sum to the
    net external deposits (confirmed deposits), in one consistent snapshot;
  - the step's journal entries move nothing into or out of the non-EXTERNAL accounts unless
    the step is a deposit (internal moves are zero-sum), and only a deposit touches EXTERNAL;
  - each of the sequence's balances equals the sum of its postings, no user balance is
    negative, and the user's locked balance is exactly what its orders hold.

The same operation generators drive the pure-domain version in
tests/unit/wallet/test_ledger_property.py. Below, the database's own rules are checked by
writing around the code: an unbalanced entry or a negative balance cannot commit.
"""
from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from decimal import Decimal

import psycopg
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.db import make_engine
from services.platform.errors import DomainError
from services.platform.ids import now_ms
from services.rail_sim.signing import sign
from services.wallet.adapters import ledger_store, order_funds_store, user_store
from services.wallet.adapters.rail_client import RailInstructions
from services.wallet.app.deposits import DepositCaps, DepositUseCases, WebhookCall
from services.wallet.app.funds import FundsUseCases, TradeFill
from services.wallet.app.settlements import InsuranceUseCases, SettlementPosting, apply_settlement
from services.wallet.domain.ledger import ASSETS, AccountKind
from services.wallet.domain.settlements import SettlementKind, TradeInstruction
from tests.unit.wallet.test_ledger_property import SEED_SLOTS, USERS, concrete, operations, seed_deposits

pytestmark = pytest.mark.e2e


class InstantRail:
    """The rail's answer without the HTTP hop (the real simulator is exercised by
    test_wallet_deposits.py); confirmations go through the real, signed ConfirmDeposit path."""

    async def open_intent(self, deposit) -> RailInstructions:
        return RailInstructions(deposit_address="T" + deposit.deposit_id, network="TRC20")


class Run:
    """One hypothesis example: fresh users and keys, the exchange's database."""

    def __init__(self, engine: AsyncEngine, secret: str) -> None:
        self.engine = engine
        self.secret = secret.encode()
        self.prefix = uuid.uuid4().hex[:10]
        self.user_ids = {name: f"prop-{self.prefix}-{name}" for name in USERS}
        self.deposits = DepositUseCases(engine, InstantRail(), self.secret,
                                        DepositCaps({0: {a: Decimal(10) ** 15 for a in ASSETS}}))
        self.funds = FundsUseCases(engine)
        self.insurance = InsuranceUseCases(engine)
        self.balances: dict = {}
        self.order_funds: dict = {}
        self.systems: dict = {}

    def key(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    async def open(self) -> None:
        async with self.engine.begin() as conn:
            for user_id in self.user_ids.values():
                await user_store.created(conn, user_id, 0, user_store.ACTIVE, now_ms())
                await ledger_store.open_balances(conn, user_id, now_ms())

    async def refresh(self) -> None:
        async with self.engine.connect() as conn:
            for name, user_id in self.user_ids.items():
                for b in await ledger_store.list_balances(conn, user_id):
                    self.balances[(name, b.asset)] = b
            self.systems = {(s.kind, s.asset): s.balance for s in await ledger_store.list_system_balances(conn)}
            for order in list(self.order_funds) or []:
                self.order_funds[order] = await order_funds_store.get(conn, self.key(order))

    def funds_of(self, order: str):
        return self.order_funds.get(order)

    # the operations, through the use cases -------------------------------------------------------

    async def deposit(self, user, asset, amount):
        created = await self.deposits.create(self.user_ids[user], asset, format(amount, "f"), uuid.uuid4().hex)
        ts = now_ms()
        await self.deposits.confirm(WebhookCall(
            rail_reference="0x" + created.deposit_id, deposit_id=created.deposit_id, amount=format(amount, "f"),
            asset=asset, timestamp_unix_ms=ts,
            signature=sign(self.secret, created.deposit_id, "0x" + created.deposit_id, asset, format(amount, "f"), ts)))

    async def lock(self, user, order, asset, amount):
        self.order_funds.setdefault(order, None)
        await self.funds.lock(lock_id="", order_id=self.key(order), user_id=self.user_ids[user], asset=asset,
                              amount=amount)

    async def release(self, release_id, order, amount):
        if self.order_funds.get(order) is None:
            return
        funds = self.order_funds[order]
        await self.funds.release(release_id=self.key(release_id), order_id=funds.order_id, user_id=funds.user_id,
                                 amount=amount)

    async def settle_trade(self, trade, order, margin, fee):
        if self.order_funds.get(order) is None:
            return
        funds = self.order_funds[order]
        await self.funds.settle_trade(TradeFill(
            trade_id=self.key(trade), order_id=funds.order_id, user_id=funds.user_id, symbol="BTC-USDT-PERP",
            asset=funds.asset, liquidity_role="LIQUIDITY_ROLE_TAKER", price=Decimal(100), quantity=Decimal(1),
            margin=margin, fee=fee))

    async def settlement(self, sid, user, asset, kind, amount):
        # As the settlement.v1 consumer does: inside one transaction of its own.
        async with self.engine.begin() as conn:
            await apply_settlement(conn, SettlementPosting(self.key(sid), self.user_ids[user], asset, kind, amount,
                                                           "trade"))

    async def trade_instruction(self, sid, user, asset, order, released, margin_in, pnl, fee):
        # settlement.v1 kind TRADE, as the consumer applies it; an order of another user or asset
        # is applied without touching that order's lock.
        funds = self.order_funds.get(order)
        order_id = funds.order_id if funds is not None else self.key(order)
        async with self.engine.begin() as conn:
            await apply_settlement(conn, SettlementPosting(
                self.key(sid), self.user_ids[user], asset, SettlementKind.TRADE, pnl - fee, "trade",
                order_id=order_id, trade=TradeInstruction(released, margin_in, pnl, fee)))

    async def insurance_op(self, tid, user, asset, amount, draw):
        op = self.insurance.draw if draw else self.insurance.contribute
        await op(transfer_id=self.key(tid), settlement_id="s", user_id=self.user_ids[user], asset=asset,
                 amount=amount)

    # what must hold -------------------------------------------------------------------------------

    async def entry_ids(self) -> set[str]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.text(
                "select distinct journal_entry_id from wallet.postings where user_id = any(:u)"),
                {"u": list(self.user_ids.values())})
            return {r[0] for r in rows}

    async def check_step(self, name: str, args: tuple, before: set[str], done: bool) -> None:
        new = (await self.entry_ids()) - before
        async with self.engine.connect() as conn:
            if new:
                rows = (await conn.execute(sa.text(
                    "select asset, account_kind, sum(case direction when 'CREDIT' then amount else -amount end) "
                    "from wallet.postings where journal_entry_id = any(:e) group by asset, account_kind"),
                    {"e": list(new)})).all()
            else:
                rows = []
            moved = defaultdict(Decimal)
            for asset, kind, net in rows:
                if kind == AccountKind.EXTERNAL.value:
                    assert name == "deposit" and done, f"{name} touched EXTERNAL"
                else:
                    moved[asset] += net
            for asset in ASSETS:
                expected = args[2] if name == "deposit" and done and args[1] == asset else Decimal(0)
                assert moved[asset] == expected, f"{name} moved {moved[asset]} {asset} across the ledger's edge"

            for user_id in self.user_ids.values():
                reconciled = (await conn.execute(sa.text("""
                    select b.asset, b.available, b.locked, b.position_margin,
                           coalesce(sum(case when p.account_kind = 'USER_AVAILABLE' then s.signed end), 0),
                           coalesce(sum(case when p.account_kind = 'USER_LOCKED' then s.signed end), 0),
                           coalesce(sum(case when p.account_kind = 'USER_POSITION_MARGIN' then s.signed end), 0),
                           (select coalesce(sum(locked), 0) from wallet.order_funds o
                             where o.user_id = b.user_id and o.asset = b.asset)
                      from wallet.balances b
                      left join wallet.postings p on p.user_id = b.user_id and p.asset = b.asset
                      left join lateral (select case p.direction when 'CREDIT' then p.amount else -p.amount end
                                         as signed) s on true
                     where b.user_id = :u group by b.user_id, b.asset, b.available, b.locked, b.position_margin"""),
                    {"u": user_id})).all()
                for asset, available, locked, margin, s_available, s_locked, s_margin, by_orders in reconciled:
                    assert (available, locked, margin) == (s_available, s_locked, s_margin), (user_id, asset)
                    assert min(available, locked, margin) >= 0
                    assert locked == by_orders, (user_id, asset, locked, by_orders)
        await self.check_global()

    async def check_global(self) -> None:
        """One snapshot (REPEATABLE READ), whatever else runs on the exchange meanwhile."""
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("set transaction isolation level repeatable read"))
            users = dict((await conn.execute(sa.text(
                "select asset, sum(available + locked + position_margin) from wallet.balances group by asset"))).all())
            systems = (await conn.execute(sa.text(
                "select asset, account_kind, balance from wallet.system_balances"))).all()
            confirmed = dict((await conn.execute(sa.text(
                "select asset, sum(amount) from wallet.deposits where status = 'CONFIRMED' group by asset"))).all())
            negative = await conn.scalar(sa.text(
                "select count(*) from wallet.balances where available < 0 or locked < 0 or position_margin < 0"))
            await conn.rollback()
        assert negative == 0
        for asset in ASSETS:
            external = sum((b for a, k, b in systems if a == asset and k == "EXTERNAL"), Decimal(0))
            inside = users.get(asset, Decimal(0)) + sum((b for a, k, b in systems if a == asset and k != "EXTERNAL"),
                                                        Decimal(0))
            assert inside + external == 0, f"{asset}: the ledger does not sum to zero"
            assert inside == confirmed.get(asset, Decimal(0)) == -external, f"{asset}: not equal to net deposits"


async def run_sequence(database_url: str, secret: str, seeds, ops) -> None:
    engine = make_engine(database_url, pool_size=2)
    try:
        run = Run(engine, secret)
        await run.open()
        for (user, asset), amount in zip(SEED_SLOTS, seeds, strict=True):
            await run.deposit(user, asset, amount)
        for op in ops:
            await run.refresh()
            name, *args = concrete(op, lambda u, a: run.balances[(u, a)], run.funds_of,
                                   lambda k, a: run.systems.get((k, a), Decimal(0)))
            before = await run.entry_ids()
            try:
                await getattr(run, "insurance_op" if name == "insurance" else name)(*args)
                done = True
            except DomainError:
                done = False  # refused: the checks below prove it changed nothing
            await run.check_step(name, tuple(args), before, done)
    finally:
        await engine.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed_deposits, st.lists(operations, min_size=1, max_size=15))
def test_ledger_invariants_hold_in_postgresql_for_any_sequence(exchange, seeds, ops):
    asyncio.run(run_sequence(exchange.stack.database_url, exchange.rail_hmac_secret, seeds, ops))


# --- the database's own rules ------------------------------------------------------------------------

def pg(exchange) -> psycopg.Connection:
    return psycopg.connect(exchange.stack.database_url.replace("postgresql+psycopg://", "postgresql://"))


def test_the_database_refuses_an_unbalanced_journal_entry_at_commit(exchange):
    entry = "bad-" + uuid.uuid4().hex
    with pg(exchange) as conn, pytest.raises(psycopg.errors.CheckViolation, match="unbalanced"):
        conn.execute("insert into wallet.journal_entries values (%s, 'DEPOSIT', %s, 'r', 0)", (entry, entry))
        for seq, (kind, direction, amount) in enumerate((("EXTERNAL", "DEBIT", 10), ("FEES", "CREDIT", 9))):
            conn.execute("insert into wallet.postings (journal_entry_id, seq, account_kind, user_id, asset, "
                         "direction, amount, balance_after, created_at_unix_ms) values (%s, %s, %s, '', 'USDT', %s, "
                         "%s, 0, 0)", (entry, seq, kind, direction, amount))
        conn.commit()  # the deferred constraint trigger runs here
    with pg(exchange) as conn, pytest.raises(psycopg.errors.CheckViolation, match="at least 2"):
        conn.execute("insert into wallet.journal_entries values (%s, 'DEPOSIT', %s, 'r', 0)", (entry, entry))
        conn.commit()
    assert [] == pg(exchange).execute("select 1 from wallet.journal_entries where journal_entry_id = %s",
                                      (entry,)).fetchall()


def test_a_posting_added_to_a_committed_entry_must_leave_it_balanced(exchange):
    """Only entries created in the same transaction are re-summed at COMMIT (migration 0003); a
    posting added to an entry committed before is checked when its INSERT ends."""
    entry = "late-" + uuid.uuid4().hex
    insert = ("insert into wallet.postings (journal_entry_id, seq, account_kind, user_id, asset, direction, amount, "
              "balance_after, created_at_unix_ms) values (%s, %s, 'CLEARING', '', 'USDT', %s, 1, 0, 0)")
    with pg(exchange) as conn:  # nets to zero on one account: no balance anywhere changes
        conn.execute("insert into wallet.journal_entries values (%s, 'DEPOSIT', %s, 'r', 0)", (entry, entry))
        conn.execute(insert, (entry, 0, "DEBIT"))
        conn.execute(insert, (entry, 1, "CREDIT"))  # row by row: the entry is this transaction's own
        conn.commit()
    with pg(exchange) as conn:
        with pytest.raises(psycopg.errors.CheckViolation, match=f"{entry} is unbalanced in USDT"):
            conn.execute(insert, (entry, 2, "CREDIT"))  # refused by the INSERT itself, before any COMMIT
        conn.rollback()
        conn.execute(insert.replace("%s, 1, 0, 0)", "%s, 1, 0, 0), (%s, %s, 'CLEARING', '', 'USDT', %s, 1, 0, 0)"),
                     (entry, 2, "CREDIT", entry, 3, "DEBIT"))  # a balanced pair keeps it balanced
        conn.rollback()
    assert 2 == pg(exchange).execute("select count(*) from wallet.postings where journal_entry_id = %s",
                                     (entry,)).fetchone()[0]


def test_the_database_refuses_negative_user_balances_and_insurance_fund(exchange):
    user_id = "neg-" + uuid.uuid4().hex
    with pg(exchange) as conn:
        # A zero balance row (money made out of nothing would break every later conservation check).
        conn.execute("insert into wallet.balances values (%s, 'USDT', 0, 0, 0, 0, 0)", (user_id,))
        conn.commit()
        for column in ("available", "locked", "position_margin"):
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(f"update wallet.balances set {column} = -0.000000000000000001 where user_id = %s",
                             (user_id,))
            conn.rollback()
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("update wallet.system_balances set balance = -0.000000000000000001 "
                         "where account_kind = 'INSURANCE_FUND' and asset = 'USDT'")
        conn.rollback()


def test_the_ledger_is_append_only(exchange):
    with pg(exchange) as conn:
        for table in ("postings", "journal_entries"):
            with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
                conn.execute(f"update wallet.{table} set created_at_unix_ms = 1")
            conn.rollback()
            with pytest.raises(psycopg.errors.RestrictViolation):
                conn.execute(f"delete from wallet.{table}")
            conn.rollback()
