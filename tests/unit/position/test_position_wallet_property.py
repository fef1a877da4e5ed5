"""Position and Wallet together, pure: random fill sequences go through the Position domain,
every settlement.v1 TRADE it emits through the Wallet domain (with the order's lock taken first
and the rest released when the order closes, as the Order service does). After every step the
wallet conserves money per asset and holds, per user, exactly the position margin Position says
the positions hold; once everyone is flat, CLEARING is back to zero (realized PnL is zero-sum) and
the fees account holds exactly the fees: Σ realized PnL + Σ fees against the ledger = what the
users lost."""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.position.domain.model import Fill, PositionState, fill_deltas, fold
from services.wallet.domain import order_funds as of
from services.wallet.domain import settlements
from services.wallet.domain.balances import Balance, apply_to_users
from services.wallet.domain.ledger import Account, AccountKind, move

SYMBOL, ASSET = "BTC-USDT-PERP", "USDT"
USERS = ("a", "b", "c")
DEPOSIT = Decimal(1_000_000)


class World:
    def __init__(self) -> None:
        self.balances = {u: Balance(u, ASSET) for u in USERS}
        self.systems = {k: Decimal(0) for k in AccountKind if not k.is_user}
        self.positions = {u: PositionState(u, SYMBOL, ASSET) for u in USERS}
        for u in USERS:
            self.post(move(Account.system(AccountKind.EXTERNAL, ASSET), Account.user(AccountKind.USER_AVAILABLE, u, ASSET),
                           DEPOSIT))

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

    def fill(self, n: int, user: str, buy: bool, price: Decimal, qty: Decimal, lev: Decimal, rate: Decimal) -> Decimal:
        order_id = f"o{n}{user}{buy}"
        # Order locks what Risk asks (margin + fee reserve, rounded up) before the order goes out.
        lock_amount = (price * qty / lev + price * qty * max(rate, Decimal(0))).quantize(Decimal("1e-8"), ROUND_CEILING)
        funds = of.OrderFunds(order_id, user, ASSET)
        postings, funds = of.lock(self.balances[user], funds, lock_amount)
        self.post(postings)
        deltas, s = fill_deltas(self.positions[user], Fill(
            trade_id=f"t{n}", order_id=order_id, user_id=user, symbol=SYMBOL, asset=ASSET, buy=buy, price=price,
            quantity=qty, leverage=lev, reduce_only=False, is_liquidation=False, fee_rate=rate, at_unix_ms=n,
            source_event_id=f"e{n}"))
        for delta in deltas:
            self.positions[user] = fold(self.positions[user], delta)
        applied = settlements.settle_trade_instruction(self.balances[user], funds, settlements.TradeInstruction(
            s.margin_released, s.margin_in, s.realized_pnl, s.fee))
        assert (applied.margin_short, applied.pnl_short, applied.fee_short) == (0, 0, 0)  # rich users
        self.post(applied.postings)
        postings, _, _ = of.release(self.balances[user], applied.funds, None)  # the order closed
        self.post(postings)
        return s.realized_pnl

    def check(self) -> None:
        total = sum((b.total for b in self.balances.values()), Decimal(0)) + sum(self.systems.values(), Decimal(0))
        assert total == 0
        for u in USERS:
            b = self.balances[u]
            assert min(b.available, b.locked, b.position_margin) >= 0 and b.locked == 0
            assert b.position_margin == self.positions[u].margin


prices = st.integers(min_value=100, max_value=100_000).map(lambda t: Decimal(t) / 100)
qtys = st.integers(min_value=1, max_value=3_000).map(lambda lots: Decimal(lots) / 1000)
trades = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(USERS), st.booleans(), prices, qtys,
                            st.sampled_from([Decimal(1), Decimal(5), Decimal(20)]),
                            st.sampled_from([Decimal("-0.0001"), Decimal("0.0002")])),
                  min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(trades=trades, final=prices)
def test_fills_through_position_and_wallet_conserve_money_and_margin(trades, final):
    world = World()
    realized = Decimal(0)
    n = 0
    for maker, taker, taker_buys, price, qty, lev, maker_rate in trades:
        n += 1
        realized += world.fill(n, maker, not taker_buys, price, qty, lev, maker_rate)
        realized += world.fill(n, taker, taker_buys, price, qty, lev, Decimal("0.0005"))
        world.check()
    # everyone closes against the others at one price (sizes sum to zero)
    assert sum(p.size for p in world.positions.values()) == 0
    for u in USERS:
        size = world.positions[u].size
        if size != 0:
            n += 1
            realized += world.fill(n, u, size < 0, final, abs(size), Decimal(10), Decimal("0.0005"))
    world.check()
    assert all(p.size == 0 and p.margin == 0 for p in world.positions.values())
    assert realized == 0 and world.systems[AccountKind.CLEARING] == 0
    lost = len(USERS) * DEPOSIT - sum((b.total for b in world.balances.values()), Decimal(0))
    assert lost == world.systems[AccountKind.FEES]
