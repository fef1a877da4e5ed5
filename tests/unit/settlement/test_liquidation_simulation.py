"""Liquidation simulation, pure, over seeded random price paths with gaps: several users with cross
positions in two symbols against a market maker, fees on every fill, funding every few steps.
Every fill goes through the Position domain and every settlement.v1 it emits through the Wallet
domain (shortfalls covered from the insurance fund as far as it goes, as the Wallet does); a user
whose equity falls to maintenance is liquidated the Settlement way: positions largest loss first,
each at its bankruptcy price (services/settlement/domain), an IOC against the maker's quotes (none
on a gap: a thin book), the residual to the fund, the unfilled rest deleveraged against the
top-ranked opposite positions at the bankruptcy price.

After every step: no user balance and no insurance fund is negative, long OI = short OI per symbol,
money is conserved per asset across users, fees, fund and clearing; every liquidation ends with the
account flat (COMPLETED). At the end, once everyone is closed out, CLEARING holds exactly minus the
shortfalls the fund could not cover."""
from __future__ import annotations

import random
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

import pytest

from services.position.domain.model import Fill as PositionFill
from services.position.domain.model import PositionState, fill_deltas, fold, funding_delta
from services.settlement.domain.adl import AdlCandidate, plan_adl
from services.settlement.domain.liquidation import (
    AccountPosition,
    Fill,
    Side,
    Wallet,
    bankruptcy_price,
    equity,
    order_price,
    outcome,
)
from services.wallet.domain import order_funds as of
from services.wallet.domain import settlements
from services.wallet.domain.balances import Balance, apply_to_users
from services.wallet.domain.ledger import Account, AccountKind, move

ASSET = "USDT"
SYMBOLS = {"BTC-PERP": Decimal(100), "ETH-PERP": Decimal(50)}
TICK, LOT = Decimal("0.01"), Decimal("0.1")
TAKER, MAKER, MMR = Decimal("0.0004"), Decimal("0.0001"), Decimal("0.01")
MM = "mm"


class World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.users = [f"u{i}" for i in range(5)]
        self.balances: dict[str, Balance] = {}
        self.systems = {k: Decimal(0) for k in AccountKind if not k.is_user}
        self.positions: dict[tuple[str, str], PositionState] = {}
        self.marks = dict(SYMBOLS)
        self.n = 0
        self.uncovered = Decimal(0)
        self.liquidations = self.completed = self.adl_targets = 0
        for user in [MM, *self.users]:
            self.balances[user] = Balance(user, ASSET)
            self.deposit(user, Decimal(10_000_000) if user == MM else Decimal(rng.choice([40, 80, 150])))
        # Insurance fund seeded as venues do, from a deposit of the exchange itself.
        self.post(move(Account.system(AccountKind.EXTERNAL, ASSET), Account.system(AccountKind.INSURANCE_FUND, ASSET),
                       Decimal(rng.choice([0, 5, 50]))))

    # ledger -------------------------------------------------------------------------------
    def deposit(self, user: str, amount: Decimal) -> None:
        self.post(move(Account.system(AccountKind.EXTERNAL, ASSET), Account.user(AccountKind.USER_AVAILABLE, user, ASSET),
                       amount))

    def post(self, postings) -> None:
        if not postings:
            return
        keys = {(p.account.user_id, ASSET) for p in postings if p.account.kind.is_user}
        applied = apply_to_users({k: self.balances[k[0]] for k in keys}, tuple(postings), 0)
        for (user, _), balance in applied.balances.items():
            self.balances[user] = balance
        for p in postings:
            if not p.account.kind.is_user:
                self.systems[p.account.kind] += p.signed

    def cover(self, pnl_short: Decimal, fee_short: Decimal) -> None:
        postings, uncovered = settlements.shortfall_cover(self.systems[AccountKind.INSURANCE_FUND], ASSET,
                                                          pnl_short, fee_short)
        self.post(postings)
        self.uncovered += uncovered

    def position(self, user: str, symbol: str) -> PositionState:
        return self.positions.setdefault((user, symbol), PositionState(user, symbol, ASSET))

    # one leg of a trade: Position computes, the Wallet applies ------------------------------
    def leg(self, user: str, symbol: str, buy: bool, price: Decimal, qty: Decimal, *, lev: Decimal, rate: Decimal,
            reduce_only: bool = False, liquidation: bool = False, lock: bool = True) -> None:
        self.n += 1
        order_id = f"o{self.n}"
        funds = of.OrderFunds(order_id, user, ASSET)
        if lock:
            amount = (price * qty / lev + price * qty * max(rate, Decimal(0))).quantize(TICK, ROUND_CEILING)
            postings, funds = of.lock(self.balances[user], funds, amount)
            self.post(postings)
        deltas, s = fill_deltas(self.position(user, symbol), PositionFill(
            trade_id=f"t{self.n}", order_id=order_id, user_id=user, symbol=symbol, asset=ASSET, buy=buy, price=price,
            quantity=qty, leverage=Decimal(0) if (reduce_only or liquidation) else lev, reduce_only=reduce_only,
            is_liquidation=liquidation, fee_rate=rate, at_unix_ms=self.n, source_event_id=f"e{self.n}"))
        for delta in deltas:
            self.positions[(user, symbol)] = fold(self.position(user, symbol), delta)
        applied = settlements.settle_trade_instruction(self.balances[user], funds, settlements.TradeInstruction(
            s.margin_released, s.margin_in, s.realized_pnl, s.fee))
        self.post(applied.postings)
        if applied.pnl_short or applied.fee_short:
            self.cover(applied.pnl_short, applied.fee_short)
        postings, _, _ = of.release(self.balances[user], applied.funds, None)
        self.post(postings)

    def trade(self, maker: str, taker: str, symbol: str, taker_buys: bool, price: Decimal, qty: Decimal,
              lev: Decimal) -> None:
        self.leg(maker, symbol, not taker_buys, price, qty, lev=lev, rate=MAKER)
        self.leg(taker, symbol, taker_buys, price, qty, lev=lev, rate=TAKER)

    # valuation ----------------------------------------------------------------------------
    def account(self, user: str) -> tuple[Wallet, list[AccountPosition]]:
        b = self.balances[user]
        held = [AccountPosition(s, Side.LONG if p.size > 0 else Side.SHORT, abs(p.size), p.entry_price,
                                self.marks[s]) for (u, s), p in sorted(self.positions.items())
                if u == user and p.size != 0]
        return Wallet(b.available, b.locked, b.position_margin), held

    def breached(self, user: str) -> bool:
        wallet, held = self.account(user)
        mm = sum((p.size * p.mark_price * MMR for p in held), Decimal(0))
        return bool(held) and equity(wallet, held) <= mm

    # steps --------------------------------------------------------------------------------
    def move_prices(self) -> bool:
        gap = self.rng.random() < 0.2
        for s in self.marks:
            change = Decimal(self.rng.choice([-25, -18, 15, 22]) if gap else self.rng.randint(-3, 3)) / 100
            self.marks[s] = max(TICK, (self.marks[s] * (1 + change)).quantize(TICK, ROUND_HALF_EVEN))
        return gap

    def funding(self) -> None:
        rate = Decimal(self.rng.choice([-10, -3, 3, 10])) / 10_000
        for (user, symbol), p in sorted(self.positions.items()):
            if p.size == 0:
                continue
            self.n += 1
            amount = -(p.size * self.marks[symbol] * rate)  # positive rate: longs pay shorts
            self.positions[(user, symbol)] = fold(p, funding_delta(p, funding_id=f"f{self.n}", amount=amount,
                                                                   at_unix_ms=self.n, source_event_id=f"f{self.n}"))
            postings, posted = settlements.settle(self.balances[user], settlements.SettlementKind.FUNDING, amount)
            self.post(postings)
            if posted != amount:
                self.cover(posted - amount, Decimal(0))

    def liquidate(self, user: str, thin: bool) -> None:
        """Risk's trigger order (largest loss first), then Settlement's steps per position."""
        self.liquidations += 1
        _, held = self.account(user)
        for target in sorted(held, key=lambda p: (p.unrealized_pnl, p.symbol)):
            wallet, now_held = self.account(user)
            current = next((p for p in now_held if p.symbol == target.symbol), None)
            if current is None:
                continue
            e = equity(wallet, now_held)
            bp = bankruptcy_price(current.side, current.size, current.mark_price, e)
            limit = order_price(current.side, bp, TICK)
            sell = current.side is Side.LONG
            # The maker quotes 0.5% around the mark, a few lots deep; nothing on a gap.
            depth = Decimal(0) if thin else LOT * self.rng.randint(0, 20)
            quote = (current.mark_price * (Decimal("0.995") if sell else Decimal("1.005"))).quantize(TICK)
            fills = []
            if depth and ((quote >= limit) if sell else (quote <= limit)):
                qty = min(depth, current.size)
                self.leg(MM, current.symbol, sell, quote, qty, lev=Decimal(10), rate=MAKER)
                self.leg(user, current.symbol, not sell, quote, qty, lev=Decimal(0), rate=TAKER, liquidation=True,
                         lock=False)
                fills.append(Fill(f"t{self.n}", quote, qty))
            result = outcome(current.side, current.size, bp, fills, TAKER,
                             user_holds=self.balances[user].available + self.balances[user].position_margin)
            if result.residual > 0:
                self.post(settlements.insurance_contribution(self.balances[user], result.residual))
            if result.unfilled > 0:
                opposite = Side.SHORT if sell else Side.LONG
                candidates = [AdlCandidate(u, opposite, abs(p.size), p.entry_price, self.marks[s], p.margin)
                              for (u, s), p in sorted(self.positions.items())
                              if s == current.symbol and u != user and p.size != 0
                              and (p.size > 0) == (opposite is Side.LONG)]
                targets = plan_adl(candidates, result.unfilled)
                assert sum(t.quantity for t in targets) == result.unfilled  # long OI = short OI
                for t in targets:
                    self.adl_targets += 1
                    self.leg(t.user_id, current.symbol, sell, bp, t.quantity, lev=Decimal(0), rate=Decimal(0),
                             reduce_only=True, lock=False)
                    self.leg(user, current.symbol, not sell, bp, t.quantity, lev=Decimal(0), rate=Decimal(0),
                             liquidation=True, lock=False)
        assert all(p.size == 0 for (u, _), p in self.positions.items() if u == user)
        self.completed += 1

    def check(self) -> None:
        for b in self.balances.values():
            assert min(b.available, b.locked, b.position_margin) >= 0, b
        assert self.systems[AccountKind.INSURANCE_FUND] >= 0
        for symbol in SYMBOLS:
            sizes = [p.size for (_, s), p in self.positions.items() if s == symbol]
            assert sum(s for s in sizes if s > 0) == -sum(s for s in sizes if s < 0)
        total = sum((b.total for b in self.balances.values()), Decimal(0)) + sum(self.systems.values(), Decimal(0))
        assert total == 0  # users + fees + fund + clearing = net external deposits


@pytest.mark.parametrize("seed", range(40))
def test_random_price_paths_with_gaps_keep_every_invariant(seed):
    rng = random.Random(seed)
    world = World(rng)
    for user in world.users:
        for symbol, price in SYMBOLS.items():
            qty = LOT * rng.randint(1, 15)
            world.trade(MM, user, symbol, rng.random() < 0.5, price, qty, Decimal(rng.choice([10, 20])))
    world.check()
    for step in range(30):
        thin = world.move_prices()
        if step % 5 == 4:
            world.funding()
        for user in world.users:
            if world.breached(user):
                world.liquidate(user, thin)
        world.check()
    assert world.completed == world.liquidations
    # Close everyone out against the maker at the mark; CLEARING then holds minus what no one paid.
    for (user, symbol), p in sorted(world.positions.items()):
        if user != MM and p.size != 0:
            world.trade(MM, user, symbol, p.size < 0, world.marks[symbol], abs(p.size), Decimal(10))
    assert all(p.size == 0 for p in world.positions.values())
    world.check()
    assert world.systems[AccountKind.CLEARING] == -world.uncovered


def test_the_simulation_does_liquidate_deleverage_and_use_the_fund():
    """The seeds above are not vacuous: across them liquidations, ADL and fund draws happen."""
    liquidations = adl = 0
    fund_moved = False
    for seed in range(40):
        rng = random.Random(seed)
        world = World(rng)
        start = world.systems[AccountKind.INSURANCE_FUND]
        for user in world.users:
            for symbol, price in SYMBOLS.items():
                world.trade(MM, user, symbol, rng.random() < 0.5, price, LOT * rng.randint(1, 15),
                            Decimal(rng.choice([10, 20])))
        for step in range(30):
            thin = world.move_prices()
            if step % 5 == 4:
                world.funding()
            for user in world.users:
                if world.breached(user):
                    world.liquidate(user, thin)
        liquidations += world.liquidations
        adl += world.adl_targets
        fund_moved |= world.systems[AccountKind.INSURANCE_FUND] != start
    assert liquidations > 20 and adl > 5 and fund_moved
