"""OHLCV bars from trades. Intervals are aligned to UTC (a day starts at 00:00 UTC), times are the
engine's (the trade's executed_at_unix_ms), never this service's clock. Pure."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal


class Interval(enum.Enum):
    ONE_MINUTE = 60_000
    FIVE_MINUTES = 5 * 60_000
    FIFTEEN_MINUTES = 15 * 60_000
    ONE_HOUR = 3_600_000
    FOUR_HOURS = 4 * 3_600_000
    ONE_DAY = 86_400_000

    @property
    def ms(self) -> int:
        return self.value

    @property
    def key(self) -> str:
        return self.name.lower()


ALL_INTERVALS = tuple(Interval)


def bar_open(at_unix_ms: int, interval: Interval) -> int:
    return at_unix_ms - (at_unix_ms % interval.ms)


@dataclass(frozen=True)
class Candle:
    open_time_unix_ms: int
    close_time_unix_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal
    trade_count: int
    closed: bool = False


@dataclass(frozen=True)
class TradeTick:
    seq: int
    at_unix_ms: int
    price: Decimal
    quantity: Decimal


def fold(trades: Iterable[TradeTick], interval: Interval) -> list[Candle]:
    """Bars of the trades (any order; engine sequence decides open and close), oldest first,
    only bars that have trades. The reference the SQL upsert in adapters/store.py must agree with."""
    by_bar: dict[int, list[TradeTick]] = {}
    for t in trades:
        by_bar.setdefault(bar_open(t.at_unix_ms, interval), []).append(t)
    out = []
    for start in sorted(by_bar):
        ts = sorted(by_bar[start], key=lambda t: t.seq)
        out.append(Candle(start, start + interval.ms, ts[0].price, max(t.price for t in ts),
                          min(t.price for t in ts), ts[-1].price, sum((t.quantity for t in ts), Decimal(0)),
                          sum((t.price * t.quantity for t in ts), Decimal(0)), len(ts)))
    return out


def fill_gaps(bars: list[Candle], interval: Interval, start: int, end: int, previous_close: Decimal | None,
              now_unix_ms: int) -> list[Candle]:
    """Bars opening in [start, end), one per interval: a bar with no trade repeats the previous
    close with zero volume (none before the first known price). ``closed`` is set on every bar that
    ended before ``now_unix_ms``."""
    known = {b.open_time_unix_ms: b for b in bars}
    out = []
    close = previous_close
    t = bar_open(start, interval)
    if t < start:
        t += interval.ms
    while t < end:
        bar = known.get(t)
        if bar is None and close is not None:
            bar = Candle(t, t + interval.ms, close, close, close, close, Decimal(0), Decimal(0), 0)
        if bar is not None:
            out.append(replace(bar, closed=bar.close_time_unix_ms <= now_unix_ms))
            close = bar.close
        t += interval.ms
    return out
