"""Bankruptcy price, IOC limit rounding, the outcome of the fills, and ADL ranking
(services/settlement/domain)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.settlement.domain.adl import AdlCandidate, adl_score, plan_adl
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


def test_worked_example_of_the_readme():
    # Wallet 10.01 USDT (available 0.01 + position margin 10). LONG 1 BTC-PERP @ 100, mark 90;
    # SHORT 2 ETH-PERP @ 50, mark 49 (upnl +2). E = 10.01 - 10 + 2 = 2.01.
    wallet = Wallet(available=D("0.01"), locked=D("0"), position_margin=D("10"))
    btc = AccountPosition("BTC-PERP", Side.LONG, D("1"), D("100"), D("90"))
    eth = AccountPosition("ETH-PERP", Side.SHORT, D("2"), D("50"), D("49"))
    e = equity(wallet, [btc, eth])
    assert e == D("2.01")
    bp = bankruptcy_price(Side.LONG, D("1"), D("90"), e)
    assert bp == D("87.99")
    # At 87.99 (ETH still at its mark) the account's equity is exactly zero.
    at_bp = AccountPosition("BTC-PERP", Side.LONG, D("1"), D("100"), bp)
    assert equity(wallet, [at_bp, eth]) == 0
    assert order_price(Side.LONG, bp, D("0.01")) == D("87.99")
    # Closing the ETH short instead: 49 + 2.01 / 2 = 50.005, a BUY limit rounded down to 50.00.
    bp_eth = bankruptcy_price(Side.SHORT, D("2"), D("49"), e)
    assert bp_eth == D("50.005")
    assert order_price(Side.SHORT, bp_eth, D("0.01")) == D("50.00")


def test_negative_equity_puts_the_bankruptcy_price_past_the_mark():
    assert bankruptcy_price(Side.LONG, D("2"), D("90"), D("-4")) == D("92")
    assert bankruptcy_price(Side.SHORT, D("2"), D("90"), D("-4")) == D("88")


def test_order_price_is_never_worse_than_bankruptcy_and_at_least_one_tick():
    assert order_price(Side.LONG, D("87.991"), D("0.01")) == D("88.00")
    assert order_price(Side.SHORT, D("87.999"), D("0.01")) == D("87.99")
    assert order_price(Side.SHORT, D("-3"), D("0.5")) == D("0.5")


def test_outcome_of_a_better_fill_sends_the_residual_to_the_fund():
    # LONG 1, bankruptcy 89.99, filled at 90.50, taker rate 0.0004: fee 0.0362.
    o = outcome(Side.LONG, D("1"), D("89.99"), [Fill("t1", D("90.50"), D("1"))], D("0.0004"), user_holds=D("0.4738"))
    assert (o.filled, o.average_price, o.fees, o.improvement, o.residual, o.unfilled) == (
        D("1"), D("90.5"), D("0.0362"), D("0.51"), D("0.4738"), D("0"))
    assert o.fund_delta == D("0.4738")


def test_outcome_of_a_partial_fill_leaves_the_remainder_for_adl_and_reports_the_shortfall():
    o = outcome(Side.SHORT, D("3"), D("110"), [Fill("t1", D("110"), D("1"))], D("0.0004"), user_holds=D("0"),
                shortfall=D("0.044"), shortfall_covered=D("0.04"))
    assert (o.filled, o.unfilled, o.improvement, o.residual) == (D("1"), D("2"), D("0"), D("0"))
    assert o.shortfall_uncovered == D("0.004") and o.fund_delta == D("-0.04")


def test_fills_beyond_the_size_are_refused():
    with pytest.raises(ValueError):
        outcome(Side.LONG, D("1"), D("90"), [Fill("t", D("90"), D("2"))], D("0"), user_holds=D("0"))


sizes = st.integers(min_value=1, max_value=10_000).map(lambda n: D(n) / 10)
prices = st.integers(min_value=100, max_value=10_000_000).map(lambda n: D(n) / 100)
equities = st.integers(min_value=-1_000_000, max_value=1_000_000).map(lambda n: D(n) / 100)


@settings(max_examples=300, deadline=None)
@given(side=st.sampled_from(list(Side)), size=sizes, entry=prices, mark=prices, wallet=equities,
       other_upnl=equities)
def test_bankruptcy_price_zeroes_the_account_equity(side, size, entry, mark, wallet, other_upnl):
    position = AccountPosition("X", side, size, entry, mark)
    account = wallet + other_upnl + position.unrealized_pnl
    bp = bankruptcy_price(side, size, mark, account)
    moved = AccountPosition("X", side, size, entry, bp)
    # Two truncations to 18 places leave equity: the price's (at most 1e-18, times the size) and
    # the PnL's own (at most 1e-18 whatever the size; e.g. size 0.3 left exactly 1e-18).
    assert abs(wallet + other_upnl + moved.unrealized_pnl) <= size * D("1e-18") + D("1e-18")


@settings(max_examples=300, deadline=None)
@given(side=st.sampled_from(list(Side)), size=sizes, bp=prices, rate=st.sampled_from([D(0), D("0.0004")]),
       data=st.data())
def test_outcome_conserves_and_never_takes_more_than_the_user_holds(side, size, bp, rate, data):
    tick = D("0.01")
    limit = order_price(side, bp, tick)
    assert (limit >= bp) if side is Side.LONG else (limit <= bp or limit == tick)
    n = data.draw(st.integers(min_value=0, max_value=4))
    fills, left = [], size
    for i in range(n):
        if left <= 0:
            break
        q = data.draw(st.integers(min_value=1, max_value=int(left * 10)).map(lambda k: D(k) / 10))
        away = data.draw(st.integers(min_value=0, max_value=500)) * tick
        price = limit + away if side is Side.LONG else max(limit - away, tick)
        fills.append(Fill(f"t{i}", price, q))
        left -= q
    holds = data.draw(equities)
    o = outcome(side, size, bp, fills, rate, user_holds=holds)
    assert o.filled + o.unfilled == size and o.unfilled >= 0
    assert 0 <= o.residual <= max(holds, D(0))
    assert o.residual <= max(o.improvement - o.fees, D(0))
    if side is Side.LONG:
        assert o.improvement >= 0  # the SELL limit is never below bankruptcy


def test_adl_takes_the_top_ranked_opposite_positions_only():
    # Shorts against a liquidated LONG at mark 90: A entered 120 (+25% pnl), margin 9 -> 10x: 2.5;
    # B entered 100 (+10%), margin 9 -> 10x: 1.0; C entered 80 (losing): negative.
    a = AdlCandidate("A", Side.SHORT, D("1"), D("120"), D("90"), D("9"))
    b = AdlCandidate("B", Side.SHORT, D("2"), D("100"), D("90"), D("18"))
    c = AdlCandidate("C", Side.SHORT, D("5"), D("80"), D("90"), D("40"))
    assert a.score == D("2.5") and b.score == D("1") and c.score < 0
    targets = plan_adl([c, b, a], D("1"))
    assert [(t.user_id, t.quantity, t.rank) for t in targets] == [("A", D("1"), 1)]
    targets = plan_adl([c, b, a], D("2.5"))
    assert [(t.user_id, t.quantity, t.rank) for t in targets] == [("A", D("1"), 1), ("B", D("1.5"), 2)]
    assert adl_score(Side.LONG, D("1"), D("100"), D("110"), D("0")) == D("0.1")
