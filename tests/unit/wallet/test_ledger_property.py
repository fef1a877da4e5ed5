"""Property: over any sequence of deposits, locks, releases, trade settlements and settlement.v1
postings (with replays), per asset the sum over all ledger accounts is zero, internal moves do
not change the sum of the non-EXTERNAL accounts, that sum equals net external deposits, every
order's lock is backed by the user's locked balance, and no user balance goes negative.

This runs the pure domain through an in-memory ledger (thousands of sequences a second); the
same property runs against the real PostgreSQL through the use cases in
tests/e2e/test_wallet_ledger_property.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.platform.errors import AlreadyExists, DomainError
from services.wallet.domain import order_funds as of
from services.wallet.domain import settlements
from services.wallet.domain.balances import Balance, InsufficientFunds, apply_to_users
from services.wallet.domain.idempotency import check_replay, fingerprint
from services.wallet.domain.ledger import ASSETS, Account, AccountKind, EntryKind, JournalEntry, move

USERS = ("alice", "bob")
ORDERS = ("o1", "o2", "o3")


@dataclass
class MemoryLedger:
    """The app's orchestration, with dicts instead of tables: an operation either commits all
    its changes or none (like a transaction)."""

    balances: dict = field(default_factory=lambda: {(u, a): Balance(u, a) for u in USERS for a in ASSETS})
    systems: dict = field(default_factory=lambda: defaultdict(Decimal))
    funds: dict = field(default_factory=dict)
    operations: dict = field(default_factory=dict)
    deposited: dict = field(default_factory=lambda: defaultdict(Decimal))
    entries: int = 0

    def post(self, kind: EntryKind, postings) -> None:
        if not postings:
            return
        entry = JournalEntry(f"j{self.entries}", kind, f"k{self.entries}", "r", tuple(postings), 0)  # balanced
        keys = {(p.account.user_id, p.account.asset) for p in postings if p.account.kind.is_user}
        applied = apply_to_users({k: self.balances[k] for k in keys}, entry.postings, 0)
        systems = dict(self.systems)
        for p in postings:
            if not p.account.kind.is_user:
                systems[(p.account.kind, p.account.asset)] = systems.get((p.account.kind, p.account.asset),
                                                                         Decimal(0)) + p.signed
        if systems.get((AccountKind.INSURANCE_FUND, postings[0].account.asset), 0) < 0:
            raise InsufficientFunds("insurance fund")
        self.balances.update(applied.balances)
        self.systems = defaultdict(Decimal, systems)
        self.entries += 1

    def once(self, key: str, request: str, work) -> None:
        if key in self.operations:
            check_replay(key, self.operations[key], request)
            return
        work()
        self.operations[key] = request

    # the operations ----------------------------------------------------------------------------

    def deposit(self, user, asset, amount):
        self.post(EntryKind.DEPOSIT, move(Account.system(AccountKind.EXTERNAL, asset),
                                          Account.user(AccountKind.USER_AVAILABLE, user, asset), amount))
        self.deposited[asset] += amount

    def lock(self, user, order, asset, amount):
        def work():
            funds = self.funds.get(order) or of.OrderFunds(order, user, asset)
            of.check_owner(funds, user, asset)
            postings, updated = of.lock(self.balances[(user, asset)], funds, amount)
            self.post(EntryKind.FUNDS_LOCKED, postings)
            self.funds[order] = updated
        self.once(f"lock:{order}", fingerprint(user=user, asset=asset, amount=amount), work)

    def release(self, release_id, order, amount):
        funds = self.funds.get(order)
        if funds is None:
            return

        def work():
            postings, updated, _ = of.release(self.balances[(funds.user_id, funds.asset)], funds, amount)
            self.post(EntryKind.FUNDS_RELEASED, postings)
            self.funds[order] = updated
        self.once(f"release:{release_id}", fingerprint(order=order, amount=amount if amount else "all"), work)

    def settle_trade(self, trade, order, margin, fee):
        funds = self.funds.get(order)
        if funds is None:
            return

        def work():
            postings, updated = of.settle_trade(self.balances[(funds.user_id, funds.asset)], funds, margin, fee)
            self.post(EntryKind.TRADE_SETTLED, postings)
            self.funds[order] = updated
        self.once(f"trade:{trade}:{order}", fingerprint(margin=margin, fee=fee), work)

    def settlement(self, sid, user, asset, kind, amount):
        def work():
            postings, _ = settlements.settle(self.balances[(user, asset)], kind, amount)
            self.post(settlements.ENTRY_KIND[kind], postings)
        self.once(f"settlement:{sid}", fingerprint(user=user, asset=asset, kind=kind.value, amount=amount), work)

    def trade_instruction(self, sid, user, asset, order, margin_released, margin_in, pnl, fee):
        """settlement.v1 kind TRADE: applied as far as equity goes, never refused; the shortfall
        is drawn from the insurance fund as far as it goes."""
        funds = self.funds.get(order)
        own = funds is not None and (funds.user_id, funds.asset) == (user, asset)
        if not own:
            funds = of.OrderFunds(order + ":none", user, asset)

        def work():
            instruction = settlements.TradeInstruction(margin_released, margin_in, pnl, fee)
            applied = settlements.settle_trade_instruction(self.balances[(user, asset)], funds, instruction)
            assert applied.pnl_short >= 0 and applied.fee_short >= 0 and applied.margin_short >= 0
            self.post(EntryKind.TRADE_SETTLED, applied.postings)
            if own:
                self.funds[order] = applied.funds
            fund = self.systems[(AccountKind.INSURANCE_FUND, asset)]
            cover, uncovered = settlements.shortfall_cover(fund, asset, applied.pnl_short, applied.fee_short)
            assert 0 <= uncovered <= applied.pnl_short + applied.fee_short
            self.post(EntryKind.INSURANCE_DRAW, cover)
        self.once(f"settlement:{sid}", fingerprint(kind="TRADE", order=order, a=margin_released, b=margin_in,
                                                   c=pnl, d=fee), work)

    def insurance(self, tid, user, asset, amount, draw):
        def work():
            if draw:
                fund = self.systems[(AccountKind.INSURANCE_FUND, asset)]
                self.post(EntryKind.INSURANCE_DRAW, settlements.insurance_draw(fund, asset, amount))
            else:
                self.post(EntryKind.INSURANCE_CONTRIBUTION,
                          settlements.insurance_contribution(self.balances[(user, asset)], amount))
        self.once(f"insurance:{tid}", fingerprint(user=user, asset=asset, amount=amount, draw=draw), work)

    # what must always hold ------------------------------------------------------------------

    def non_external_sum(self, asset) -> Decimal:
        users = sum((b.total for (u, a), b in self.balances.items() if a == asset), Decimal(0))
        return users + sum((v for (k, a), v in self.systems.items() if a == asset and k is not AccountKind.EXTERNAL),
                           Decimal(0))

    def check_invariants(self) -> None:
        for asset in ASSETS:
            external = self.systems[(AccountKind.EXTERNAL, asset)]
            assert self.non_external_sum(asset) + external == 0
            assert self.non_external_sum(asset) == self.deposited[asset] == -external
            assert self.systems[(AccountKind.INSURANCE_FUND, asset)] >= 0
        for (user, asset), b in self.balances.items():
            assert b.available >= 0 and b.locked >= 0 and b.position_margin >= 0
            locked_by_orders = sum((f.locked for f in self.funds.values() if (f.user_id, f.asset) == (user, asset)),
                                   Decimal(0))
            assert b.locked == locked_by_orders


amounts = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("5000"), places=6)
# Most amounts are a fraction of what the state holds, so that most operations succeed and a few
# (fraction > 1) are refused; a fixed amount would almost always be refused.
fractions = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.2"), places=2)
signed_fractions = st.decimals(min_value=Decimal("-1.5"), max_value=Decimal("1.5"), places=2)
users = st.sampled_from(USERS)
assets = st.sampled_from(ASSETS)
orders = st.sampled_from(ORDERS)
small_ids = st.integers(0, 9).map(str)
kinds = st.sampled_from([k for k in settlements.SettlementKind if k is not settlements.SettlementKind.TRADE])

operations = st.one_of(
    st.tuples(st.just("deposit"), users, assets, amounts),
    st.tuples(st.just("lock"), users, orders, assets, fractions),
    st.tuples(st.just("release"), small_ids, orders, st.one_of(st.none(), fractions)),
    st.tuples(st.just("settle_trade"), small_ids, orders, fractions, signed_fractions),
    st.tuples(st.just("settlement"), small_ids, users, assets, kinds, signed_fractions),
    st.tuples(st.just("insurance"), small_ids, users, assets, fractions, st.booleans()),
    st.tuples(st.just("trade_instruction"), small_ids, users, assets, orders, fractions, fractions,
              signed_fractions, signed_fractions),
)


def part(base: Decimal, fraction: Decimal) -> Decimal:
    """fraction * base, on the USDT/INR grid, never zero (a posting amount must be positive)."""
    return max((base * fraction).quantize(Decimal("0.000001")), Decimal("0.000001")) * (1 if fraction > 0 else -1)


def concrete(op: tuple, balances, funds, systems) -> tuple:
    """Turns an operation's fractions into amounts, from the state just before it runs."""
    name, *args = op
    if name == "lock":
        user, order, asset, fraction = args
        return (name, user, order, asset, part(balances(user, asset).available or Decimal(1), fraction))
    if name == "release":
        release_id, order, fraction = args
        locked = funds(order).locked if funds(order) else Decimal(1)
        return (name, release_id, order, None if fraction is None else part(locked or Decimal(1), fraction))
    if name == "settle_trade":
        trade, order, margin_fraction, fee_fraction = args
        locked = (funds(order).locked if funds(order) else Decimal(0)) or Decimal(1)
        margin = part(locked, margin_fraction) if margin_fraction < 1 else Decimal(0)
        return (name, trade, order, margin, part(locked / 50, fee_fraction))
    if name == "settlement":
        sid, user, asset, kind, fraction = args
        balance = balances(user, asset)
        return (name, sid, user, asset, kind, part(balance.total or Decimal(10), fraction))
    if name == "trade_instruction":
        sid, user, asset, order, released, margin_in, pnl, fee = args
        b = balances(user, asset)
        return (name, sid, user, asset, order, abs(part(b.position_margin or Decimal(1), released)),
                abs(part(b.locked or Decimal(1), margin_in)), part(b.total or Decimal(10), pnl),
                part((b.total or Decimal(10)) / 50, fee))
    if name == "insurance":
        tid, user, asset, fraction, draw = args
        base = systems(AccountKind.INSURANCE_FUND, asset) if draw else balances(user, asset).total
        return (name, tid, user, asset, abs(part(base or Decimal(1), fraction)), draw)
    return op


# Every example starts with a deposit for each user and asset, so that the operations after it
# have money to move (they are still refused now and then, which must change nothing too).
seed_deposits = st.lists(st.decimals(min_value=Decimal("1"), max_value=Decimal("10000"), places=2),
                         min_size=len(USERS) * len(ASSETS), max_size=len(USERS) * len(ASSETS))
SEED_SLOTS = [(u, a) for u in USERS for a in ASSETS]


@settings(max_examples=300, deadline=None)
@given(seed_deposits, st.lists(operations, min_size=1, max_size=40))
def test_ledger_invariants_hold_for_any_sequence(seeds, ops):
    ledger = MemoryLedger()
    for (user, asset), amount in zip(SEED_SLOTS, seeds, strict=True):
        ledger.deposit(user, asset, amount)
    for op in ops:
        name, *args = concrete(op, lambda u, a: ledger.balances[(u, a)], ledger.funds.get,
                               lambda k, a: ledger.systems[(k, a)])
        before = {a: ledger.non_external_sum(a) for a in ASSETS}
        try:
            getattr(ledger, name)(*args)
        except DomainError as refusal:
            # refused: must have changed nothing (checked by the sums below); a trade instruction
            # is never refused for money (the Wallet's consumer must never stall on it), only a
            # reused settlement id with another body is
            assert name != "trade_instruction" or isinstance(refusal, AlreadyExists), refusal
        for asset in ASSETS:
            moved = ledger.non_external_sum(asset) - before[asset]
            if name == "deposit" and args[1] == asset:
                assert moved == args[2]
            else:
                assert moved == 0, f"{name} changed the {asset} total by {moved}"
        ledger.check_invariants()
