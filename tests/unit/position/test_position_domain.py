"""The Position domain: fills fold into one-way net positions; realized PnL is checked against
a reference computed here independently (FIFO-free average cost in exact fractions), and the
ledger replayed at any cut point equals the live state recorded there."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from services.position.domain.model import Fill, PositionState, fill_deltas, fold, funding_delta, replay
from services.position.domain.valuation import liquidation_price, unrealized_pnl, value

SYMBOL, ASSET = "BTC-USDT-PERP", "USDT"


def make_fill(user: str, buy: bool, price: str, qty: str, n: int, *, leverage="10", rate="0.0005",
              reduce_only=False) -> Fill:
    return Fill(trade_id=f"{SYMBOL}:{n}", order_id=f"o-{user}-{n}", user_id=user, symbol=SYMBOL, asset=ASSET,
                buy=buy, price=Decimal(price), quantity=Decimal(qty), leverage=Decimal(leverage),
                reduce_only=reduce_only, is_liquidation=False, fee_rate=Decimal(rate), at_unix_ms=1000 + n,
                source_event_id=f"{SYMBOL}:{n}")


def apply(state: PositionState, fill: Fill):
    deltas, settlement = fill_deltas(state, fill)
    for delta in deltas:
        state = fold(state, delta)
    return state, deltas, settlement


def test_open_add_reduce_close_long():
    s = PositionState("u", SYMBOL, ASSET)
    s, _, st1 = apply(s, make_fill("u", True, "100", "2", 1))
    assert (s.size, s.entry_price, s.margin, st1.margin_in, st1.fee) == (2, 100, 20, 20, Decimal("0.1"))
    s, _, _ = apply(s, make_fill("u", True, "130", "1", 2))
    assert (s.size, s.entry_price, s.margin) == (3, 110, 33)
    s, _, st3 = apply(s, make_fill("u", False, "120", "1", 3))
    assert (st3.realized_pnl, st3.margin_released, st3.margin_in) == (10, 11, 0)
    assert (s.size, s.entry_price, s.margin, s.realized_pnl) == (2, 110, 22, 10)
    s, deltas, st4 = apply(s, make_fill("u", False, "90", "2", 4))
    assert (st4.realized_pnl, st4.margin_released, s.size, s.margin, s.cost) == (-40, 22, 0, 0, 0)
    assert s.realized_pnl == -30 and len(deltas) == 1


def test_flip_through_zero_closes_then_opens_and_reduce_only_needs_no_margin():
    s = PositionState("u", SYMBOL, ASSET)
    s, _, _ = apply(s, make_fill("u", False, "100", "1", 1))  # short 1 @ 100, margin 10
    s, deltas, st1 = apply(s, make_fill("u", True, "80", "3", 2, leverage="5"))
    assert [d.entry_id.rsplit(":", 1)[1] for d in deltas] == ["reduce", "open"]
    assert (st1.realized_pnl, st1.margin_released, st1.margin_in) == (20, 10, 32)
    assert (s.size, s.entry_price, s.margin, s.leverage, s.realized_pnl) == (2, 80, 32, 5, 0)
    s, _, st2 = apply(s, make_fill("u", False, "85", "2", 3, reduce_only=True))
    assert (st2.margin_in, st2.margin_released, st2.realized_pnl, s.size) == (0, 32, 10, 0)


def test_valuation_and_liquidation_price():
    s = PositionState("u", SYMBOL, ASSET)
    s, _, _ = apply(s, make_fill("u", True, "100", "2", 1))  # margin 20
    v = value(s, None, Decimal("0.005"))
    assert v.mark_price is None and v.unrealized_pnl is None and v.maintenance_margin is None
    v = value(s, Decimal("105"), Decimal("0.005"))
    assert (v.unrealized_pnl, v.notional, v.maintenance_margin) == (10, 210, Decimal("1.05"))
    liq = liquidation_price(s, Decimal("0.005"))
    # at liq, margin + upnl == maintenance margin
    assert abs(20 + unrealized_pnl(s, liq) - 2 * liq * Decimal("0.005")) < Decimal("1e-12")
    short = PositionState("v", SYMBOL, ASSET)
    short, _, _ = apply(short, make_fill("v", False, "100", "2", 2))
    liq = liquidation_price(short, Decimal("0.005"))
    assert liq > 100 and abs(20 + unrealized_pnl(short, liq) - 2 * liq * Decimal("0.005")) < Decimal("1e-12")


def test_funding_folds_without_touching_size():
    s = PositionState("u", SYMBOL, ASSET)
    s, _, _ = apply(s, make_fill("u", True, "100", "1", 1))
    s = fold(s, funding_delta(s, funding_id="funding:1:u:X", amount=Decimal("-0.5"), at_unix_ms=5000,
                              source_event_id="f"))
    assert (s.size, s.funding, s.version) == (1, Decimal("-0.5"), 2)


USERS = ["a", "b", "c"]
prices = st.integers(min_value=1, max_value=100_000).map(lambda t: Decimal(t) / 100)  # tick 0.01
quantities = st.integers(min_value=1, max_value=5_000).map(lambda lots: Decimal(lots) / 1000)  # lot 0.001
trades = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(USERS), prices, quantities,
                            st.sampled_from(["0.0002", "-0.0001", "0"]), st.sampled_from(["0.0005", "0.001"]),
                            st.sampled_from(["1", "3", "10", "25"])),
                  min_size=1, max_size=40)


def reference_realized(fills: list[tuple[bool, Fraction, Fraction]]) -> Fraction:
    """Average-cost realized PnL in exact fractions (no rounding at all)."""
    size = cost = realized = Fraction(0)
    for buy, price, qty in fills:
        q = qty if buy else -qty
        if size != 0 and (size > 0) != (q > 0):
            closed = min(abs(q), abs(size))
            closed_signed = closed if q > 0 else -closed
            removed = cost * closed / abs(size)
            realized += -closed_signed * price - removed
            cost -= removed
            size += closed_signed
            q -= closed_signed
        size += q
        cost += q * price
    return realized


@settings(max_examples=150, deadline=None)
@given(trades=trades, final_price=prices, cut_at=st.integers(min_value=0, max_value=40))
def test_random_fill_sequences(trades, final_price, cut_at):
    states: dict[str, PositionState] = {u: PositionState(u, SYMBOL, ASSET) for u in USERS}
    ledger = []
    history: list[dict[str, PositionState]] = []
    signed_sum = {u: Decimal(0) for u in USERS}
    user_fills: dict[str, list] = {u: [] for u in USERS}
    fees = Decimal(0)
    realized_from_settlements = Decimal(0)
    n = 0

    def trade(maker: str, taker: str, price: Decimal, qty: Decimal, maker_rate: str, taker_rate: str,
              lev: str, taker_buys: bool) -> None:
        nonlocal n, fees, realized_from_settlements
        n += 1
        for user, buy, rate in ((maker, not taker_buys, maker_rate), (taker, taker_buys, taker_rate)):
            fill = make_fill(user, buy, str(price), str(qty), n, rate=rate, leverage=lev)
            fill = Fill(**{**fill.__dict__, "order_id": f"o-{user}-{n}-{'b' if buy else 's'}"})
            state, deltas, settlement = apply(states[user], fill)
            states[user] = state
            ledger.extend(deltas)
            signed_sum[user] += qty if buy else -qty
            user_fills[user].append((buy, Fraction(price), Fraction(qty)))
            fees += settlement.fee
            realized_from_settlements += settlement.realized_pnl
            assert settlement.margin_in >= 0 and settlement.margin_released >= 0
            assert settlement.amount == settlement.realized_pnl - settlement.fee
        history.append(dict(states))

    for i, (maker, taker, price, qty, mrate, trate, lev) in enumerate(trades):
        trade(maker, taker, price, qty, mrate, trate, lev, taker_buys=i % 2 == 0)
        for u in USERS:
            s = states[u]
            assert s.size == signed_sum[u]
            assert s.margin >= 0 and (s.size != 0 or (s.cost == 0 and s.margin == 0))
        # zero-sum: every fill has a buyer and a seller, so at any common mark the realized PnL
        # (from the settlements) plus the unrealized PnL of all users is exactly zero
        total_upnl = sum(unrealized_pnl(states[u], final_price) for u in USERS)
        assert realized_from_settlements + total_upnl == 0
        assert sum(states[u].size for u in USERS) == 0

    # realized PnL equals the exact reference, to within the cut of each entry
    per_user_realized = {u: sum((d.realized_pnl for d in ledger if d.user_id == u), Decimal(0)) for u in USERS}
    for u in USERS:
        ref = reference_realized(user_fills[u])
        assert abs(Fraction(per_user_realized[u]) - ref) <= Fraction(1, 10**15) * (len(user_fills[u]) + 1)

    # the ledger agrees with the settlements
    assert sum((d.realized_pnl for d in ledger), Decimal(0)) == realized_from_settlements
    assert fees == sum((d.fee for d in ledger), Decimal(0))

    # as-of replay at a random cut point equals the live state recorded there
    if history:
        cut_index = min(cut_at, len(history) - 1)
        cut_time = 1000 + cut_index + 1
        replayed = replay(ledger, as_of_unix_ms=cut_time)
        for u in USERS:
            live = history[cut_index][u]
            got = replayed.get((u, SYMBOL), PositionState(u, SYMBOL, ASSET))
            assert got == live
