"""The shared money formulas: a lock always covers what a fill of the same order moves out of it,
and a fill's two sides are exact opposites."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.platform import money

PRICES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3)
LEVERAGES = st.integers(1, 125).map(Decimal)
RATES = st.decimals(min_value=Decimal("-0.001"), max_value=Decimal("0.01"), places=5)


@given(PRICES, QUANTITIES, LEVERAGES, RATES, RATES)
def test_a_lock_covers_the_margin_and_fee_of_any_fill_at_or_better_than_its_price(price, quantity, leverage,
                                                                                    taker, maker):
    lock = money.required_lock(price, quantity, leverage, reduce_only=False, taker_fee_rate=taker)
    assert lock >= money.fill_margin(price, quantity, leverage) + max(money.fill_fee(price, quantity, taker),
                                                                        money.ZERO)
    assert money.required_lock(price, quantity, leverage, reduce_only=True, taker_fee_rate=taker) == 0


@given(PRICES, QUANTITIES)
def test_cut_is_symmetric_so_both_sides_of_a_fill_are_opposites(price, quantity):
    value = money.exact_notional(price, quantity) / 7
    assert money.cut(-value) == -money.cut(value)
    assert abs(money.cut(value)) <= abs(value)
