"""Mark price and funding rate against hand-computed values; property tests for the clamp."""
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from services.pricing.domain.mark import (
    Book,
    FundingPolicy,
    Level,
    MarkState,
    clamp,
    funding_rate,
    impact_price,
    mark_from,
    next_funding_unix_ms,
    premium,
)

HOUR = 3_600_000
POLICY = FundingPolicy(interval_ms=8 * HOUR, interest_rate=D("0.0001"), clamp=D("0.0005"), basis_window_ms=60_000)


def test_impact_price_walks_the_book():
    asks = (Level(D("100"), D("1")), Level(D("101"), D("10")))
    # 150 quote: 100 at 100 (1 base), 50 at 101 (50/101 base) -> 150 / (1 + 50/101)
    assert impact_price(asks, D("150")) == D("100.33112583")
    assert impact_price(asks, D("100000")) is None


def test_premium_formula():
    assert premium(D("101"), D("102"), D("100")) == D("0.01")     # bids above index
    assert premium(D("98"), D("99"), D("100")) == D("-0.01")      # asks below index
    assert premium(D("99"), D("101"), D("100")) == D("0")         # index inside


def test_funding_rate_hand_computed():
    # P = 0.0003: I - P = -0.0002 inside the clamp -> F = I
    assert funding_rate(D("0.0003"), D("0.0001"), D("0.0005")) == D("0.0001")
    # P = 0.002: I - P = -0.0019 -> clamped to -0.0005 -> F = 0.0015
    assert funding_rate(D("0.002"), D("0.0001"), D("0.0005")) == D("0.0015")
    # P = -0.001: I - P = 0.0011 -> 0.0005 -> F = -0.0005
    assert funding_rate(D("-0.001"), D("0.0001"), D("0.0005")) == D("-0.0005")


rates = st.decimals(min_value=D("-0.05"), max_value=D("0.05"), places=8, allow_nan=False, allow_infinity=False)


@given(rates, rates, st.decimals(min_value=D("0"), max_value=D("0.01"), places=6))
def test_funding_rate_stays_within_clamp_of_premium(p, i, c):
    f = funding_rate(p, i, c)
    assert p - c <= f <= p + c
    # and it equals I whenever I is within the clamp of P
    if abs(i - p) <= c:
        assert f == i.quantize(D("1e-12"))


@given(rates, rates, rates)
def test_clamp_bounds(v, a, b):
    low, high = min(a, b), max(a, b)
    assert low <= clamp(v, low, high) <= high


def test_next_funding_boundaries():
    assert next_funding_unix_ms(0, 8 * HOUR) == 8 * HOUR
    assert next_funding_unix_ms(8 * HOUR, 8 * HOUR) == 16 * HOUR
    assert next_funding_unix_ms(8 * HOUR - 1, 8 * HOUR) == 8 * HOUR


def test_mark_is_median_of_three_or_mean_of_two():
    assert mark_from([D("100"), D("102"), D("101")]) == D("101")
    assert mark_from([D("100"), None, D("102")]) == D("101")
    assert mark_from([D("100"), None, None]) == D("100")


def test_mark_and_funding_hand_computed():
    state = MarkState("BTC-USDT-PERP", POLICY)
    book = Book(bids=(Level(D("100.5"), D("100")),), asks=(Level(D("100.7"), D("100")),))
    now = 4 * HOUR  # half way to the 08:00 boundary
    r = state.sample(now_unix_ms=now, index=D("100"), index_stale=False, book=book, impact_notional=D("1000"),
                     last_trade=D("100.4"))
    # premium: (max(0, 100.5-100) - max(0, 100-100.7)) / 100 = 0.005; F = 0.005 + clamp(-0.0049) = 0.0045
    assert r.average_premium == D("0.005") and r.funding_rate == D("0.0045")
    assert r.impact_bid == D("100.5") and r.impact_ask == D("100.7")
    # funding basis: 100 * (1 + 0.0045 * 4h/8h) = 100.225
    assert r.funding_basis == D("100.225")
    # moving-average basis: 100 + (100.6 - 100) = 100.6
    assert r.moving_average_basis == D("100.6")
    # median(100.225, 100.6, 100.4) = 100.4
    assert r.mark == D("100.4")
    assert r.next_funding_unix_ms == 8 * HOUR
    # a second sample averages the premiums of this interval: (0.005 + 0) / 2
    flat = Book(bids=(Level(D("99.9"), D("100")),), asks=(Level(D("100.1"), D("100")),))
    r2 = state.sample(now_unix_ms=now + 1000, index=D("100"), index_stale=False, book=flat,
                      impact_notional=D("1000"), last_trade=None)
    assert r2.average_premium == D("0.0025") and r2.premium_samples == 2
    assert r2.funding_rate == D("0.002")  # 0.0025 + clamp(0.0001 - 0.0025 = -0.0024) = 0.0025 - 0.0005
    # the basis window holds both mids: 100 + ((0.6) + (0)) / 2 = 100.3
    assert r2.moving_average_basis == D("100.3")


def test_new_interval_restarts_the_premium_average_and_no_book_means_index_based_mark():
    state = MarkState("X", POLICY)
    state.sample(now_unix_ms=8 * HOUR - 10, index=D("100"), index_stale=False,
                 book=Book((Level(D("101"), D("100")),), (Level(D("102"), D("100")),)),
                 impact_notional=D("10"), last_trade=None)
    r = state.sample(now_unix_ms=8 * HOUR, index=D("100"), index_stale=False, book=None, impact_notional=D("10"),
                     last_trade=None)
    assert r.premium_samples == 0 and r.funding_rate == D("0.0001")
    # no book: the old mid basis (window 60 s) is still within the window -> mean of funding basis and it
    assert r.moving_average_basis == D("101.5")
    assert r.mark == mark_from([r.funding_basis, D("101.5")])
