"""services/platform/money.py order_margin: open orders on both sides of a symbol need the larger
side's margin, net of what the position offsets (Binance's rule), never both sides'."""
from __future__ import annotations

import itertools
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from services.platform.money import LOCK_QUANTUM, OpenOrder, exact_notional, fee_reserve, initial_margin, order_margin

FEE = D("0.0005")


def o(key: str, side: int, price: str, quantity: str, leverage: str = "10") -> OpenOrder:
    return OpenOrder(key, side, D(price), D(quantity), D(leverage))


def test_both_sides_need_the_larger_side_only():
    assert order_margin(D(0), [o("b", 1, "100", "1"), o("s", -1, "100", "1")], D(0)).total == D(10)
    assert order_margin(D(0), [o("b", 1, "100", "1"), o("s", -1, "100", "2")], D(0)).total == D(20)
    both = order_margin(D(0), [o("b", 1, "100", "1"), o("s", -1, "100", "1")], FEE)
    assert (both.initial_margin, both.fee_reserve) == (D(10), D("0.05"))


def test_the_position_offsets_the_side_that_closes_it():
    assert order_margin(D(1), [o("s", -1, "100", "1")], D(0)).total == 0  # closes exactly
    assert order_margin(D(1), [o("s", -1, "100", "3")], D(0)).total == D(20)  # closes 1, opens 2
    assert order_margin(D(1), [o("b", 1, "100", "1"), o("s", -1, "100", "1")], D(0)).total == D(10)
    assert order_margin(D(-2), [o("b", 1, "100", "1")], D(0)).total == 0
    assert order_margin(D(-2), [o("b", 1, "100", "3"), o("s", -1, "100", "1")], D(0)).total == D(10)


def test_a_flip_through_zero_margins_only_the_new_side():
    assert order_margin(D(1), [o("s", -1, "100", "2")], D(0)).total == D(10)
    assert order_margin(D("-0.5"), [o("b", 1, "200", "2", "20")], D(0)).total == D("15")


def test_the_closing_quantity_is_taken_from_the_cheapest_orders():
    # Either buy may fill first and close the short; the other then opens: the dearer one is margined.
    orders = [o("cheap", 1, "100", "1"), o("dear", 1, "200", "1")]
    assert order_margin(D(-1), orders, D(0)).total == D(20)
    assert order_margin(D(-1), list(reversed(orders)), D(0)).total == D(20)


def test_nothing_open_needs_nothing():
    assert order_margin(D(5), [], FEE).total == 0
    assert order_margin(D(0), [o("z", 1, "100", "0")], FEE).total == 0


prices = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
quantities = st.decimals(min_value=D("0.1"), max_value=D("50"), places=1)
leverages = st.sampled_from([D(1), D(2), D(5), D(10), D(20), D(125)])
orders_st = st.lists(st.tuples(st.sampled_from([1, -1]), prices, quantities, leverages), max_size=5).map(
    lambda rows: [OpenOrder(f"o{i}", side, p, q, lev) for i, (side, p, q, lev) in enumerate(rows)])
positions = st.decimals(min_value=D("-60"), max_value=D("60"), places=1)
fees = st.sampled_from([D(0), D("0.0004"), D("0.001"), D("-0.0001")])


def opening_cost(position: D, sequence: list[OpenOrder], side: int, fee_rate: D) -> D:
    """The margin and fee reserve of what opens when a side's orders fill whole, in this sequence."""
    closable = max(D(0), -position * side)
    total = D(0)
    for order in sequence:
        closing = min(order.quantity, closable)
        closable -= closing
        value = exact_notional(order.price, order.quantity - closing)
        if value > 0:
            total += initial_margin(value, order.leverage) + fee_reserve(value, fee_rate)
    return total


@settings(max_examples=300, deadline=None)
@given(positions, orders_st, fees)
def test_it_is_the_worst_fill_order_of_the_larger_side(position, orders, fee_rate):
    """Whichever of a side's orders fill first (and close the position), what then opens never needs
    more than order_margin; and one fill order needs exactly that (per-order rounding aside)."""
    required = order_margin(position, orders, fee_rate).total
    worst = D(0)
    for side in (1, -1):
        same = [x for x in orders if x.side == side]
        for sequence in itertools.permutations(same):
            worst = max(worst, opening_cost(position, list(sequence), side, fee_rate))
    slack = LOCK_QUANTUM * 2 * (len(orders) + 1)
    assert worst - slack <= required <= worst + slack


@settings(max_examples=300, deadline=None)
@given(positions, orders_st, st.tuples(st.sampled_from([1, -1]), prices, quantities, leverages), fees)
def test_an_order_never_lowers_it_so_its_increment_is_never_negative(position, orders, new, fee_rate):
    before = order_margin(position, orders, fee_rate).total
    after = order_margin(position, [*orders, OpenOrder("new", *new)], fee_rate).total
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(positions, orders_st, fees)
def test_it_never_exceeds_both_sides_locked_in_full_and_is_symmetric(position, orders, fee_rate):
    required = order_margin(position, orders, fee_rate).total
    full = order_margin(D(0), [x for x in orders if x.side == 1], fee_rate).total + \
        order_margin(D(0), [x for x in orders if x.side == -1], fee_rate).total
    assert 0 <= required <= full
    mirrored = [OpenOrder(x.key, -x.side, x.price, x.quantity, x.leverage) for x in orders]
    assert order_margin(-position, mirrored, fee_rate).total == required
