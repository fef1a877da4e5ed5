"""Candles from trades: UTC alignment, engine-sequence open/close, empty bars repeat the close."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.marketdata.domain.candles import Interval, TradeTick, bar_open, fill_gaps, fold

DAY = 86_400_000


def test_alignment_is_utc():
    assert bar_open(DAY + 5 * 3_600_000 + 7, Interval.ONE_DAY) == DAY
    assert bar_open(DAY + 5 * 3_600_000 + 7, Interval.FOUR_HOURS) == DAY + 4 * 3_600_000
    assert bar_open(61_000, Interval.ONE_MINUTE) == 60_000


@given(st.lists(st.tuples(st.integers(0, 10 * 60_000), st.integers(1, 1000), st.integers(1, 50)), min_size=1,
                max_size=60))
def test_fold_matches_the_definition(raw):
    ticks = [TradeTick(seq, at, Decimal(p), Decimal(q)) for seq, (at, p, q) in enumerate(raw, start=1)]
    bars = fold(reversed(ticks), Interval.FIVE_MINUTES)  # order of arrival must not matter
    assert sum(b.trade_count for b in bars) == len(ticks)
    for b in bars:
        inside = [x for x in ticks if b.open_time_unix_ms <= x.at_unix_ms < b.close_time_unix_ms]
        assert b.open == inside[0].price and b.close == inside[-1].price
        assert b.high == max(x.price for x in inside) and b.low == min(x.price for x in inside)
        assert b.volume == sum(x.quantity for x in inside)


def test_fill_gaps_repeats_close_with_zero_volume():
    bars = fold([TradeTick(1, 60_000, Decimal(10), Decimal(1)), TradeTick(2, 240_000, Decimal(12), Decimal(1))],
                Interval.ONE_MINUTE)
    filled = fill_gaps(bars, Interval.ONE_MINUTE, 0, 300_000, None, now_unix_ms=270_000)
    assert [b.open_time_unix_ms for b in filled] == [60_000, 120_000, 180_000, 240_000]
    assert filled[1].open == filled[1].close == Decimal(10) and filled[1].volume == 0
    assert filled[0].closed and not filled[-1].closed
