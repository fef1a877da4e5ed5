"""Mark price and funding rate (docs/PRICES.md has the same formulas). Pure, Decimal only.

Premium sample (every `sample_interval`), from the book and the index I_x:
    impact_bid = average price of selling `impact_notional` (quote) into the bids
    impact_ask = average price of buying  `impact_notional` (quote) from the asks
    premium    = (max(0, impact_bid - I_x) - max(0, I_x - impact_ask)) / I_x
A side too thin to fill the impact notional gives no sample.

Funding rate of the current interval (predicted, published every sample):
    P_bar = mean of this interval's premium samples (0 with none yet)
    F     = P_bar + clamp(I - P_bar, -clamp, +clamp)        I = interest rate per interval

Mark price = median of the known ones of
    a) index * (1 + F * (t_next_funding - now) / funding_interval)
    b) index + mean over the last `basis_window` of (book mid - index) samples
    c) the last trade price
(three known: the middle one; two known: their mean; one known: it). a) is always known.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from services.pricing.domain.index import median, quantize_price

RATE_QUANTUM = Decimal("1e-12")
ZERO = Decimal(0)


def quantize_rate(value: Decimal) -> Decimal:
    return value.quantize(RATE_QUANTUM, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Level:
    price: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class Book:
    bids: tuple[Level, ...]  # best (highest) first
    asks: tuple[Level, ...]  # best (lowest) first

    @property
    def mid(self) -> Decimal | None:
        if not self.bids or not self.asks:
            return None
        return (self.bids[0].price + self.asks[0].price) / 2


def impact_price(levels: Sequence[Level], notional: Decimal) -> Decimal | None:
    """Average price of trading `notional` (quote units) against `levels`, best first; None
    when the levels do not hold that much."""
    if notional <= 0:
        return None
    remaining = notional
    base = ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        for level in levels:
            if level.price <= 0 or level.quantity <= 0:
                continue
            take = min(remaining, level.price * level.quantity)
            base += take / level.price
            remaining -= take
            if remaining <= 0:
                return quantize_price(notional / base)
    return None


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def premium(impact_bid: Decimal, impact_ask: Decimal, index: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        return quantize_rate((max(ZERO, impact_bid - index) - max(ZERO, index - impact_ask)) / index)


def funding_rate(average_premium: Decimal, interest_rate: Decimal, clamp_limit: Decimal) -> Decimal:
    return quantize_rate(average_premium + clamp(interest_rate - average_premium, -clamp_limit, clamp_limit))


def next_funding_unix_ms(now_unix_ms: int, interval_ms: int) -> int:
    """The next boundary after now; boundaries are multiples of the interval since the epoch
    (00:00, 08:00, 16:00 UTC for 8 h)."""
    return (now_unix_ms // interval_ms + 1) * interval_ms


def mark_from(candidates: Sequence[Decimal | None]) -> Decimal:
    known = [c for c in candidates if c is not None]
    if not known:
        raise ValueError("no mark candidate")
    with localcontext() as ctx:
        ctx.prec = 40
        return quantize_price(median(known))


@dataclass(frozen=True)
class FundingPolicy:
    interval_ms: int
    interest_rate: Decimal   # per interval, e.g. 0.0001
    clamp: Decimal           # e.g. 0.0005
    basis_window_ms: int     # the moving average of (mid - index)


@dataclass(frozen=True)
class MarkResult:
    symbol: str
    mark: Decimal
    index: Decimal
    index_stale: bool
    funding_basis: Decimal
    moving_average_basis: Decimal | None
    last_trade: Decimal | None
    funding_rate: Decimal
    average_premium: Decimal
    premium_samples: int
    impact_bid: Decimal | None
    impact_ask: Decimal | None
    next_funding_unix_ms: int
    computed_at_unix_ms: int


class MarkState:
    """Per symbol: this interval's premium samples and the (mid - index) window."""

    def __init__(self, symbol: str, policy: FundingPolicy) -> None:
        self.symbol = symbol
        self.policy = policy
        self._interval_start = -1
        self._premiums: list[Decimal] = []
        self._basis: deque[tuple[int, Decimal]] = deque()

    def sample(self, *, now_unix_ms: int, index: Decimal, index_stale: bool, book: Book | None,
               impact_notional: Decimal, last_trade: Decimal | None) -> MarkResult:
        policy = self.policy
        start = now_unix_ms // policy.interval_ms * policy.interval_ms
        if start != self._interval_start:
            self._interval_start = start
            self._premiums = []
        impact_bid = impact_price(book.bids, impact_notional) if book else None
        impact_ask = impact_price(book.asks, impact_notional) if book else None
        if impact_bid is not None and impact_ask is not None:
            self._premiums.append(premium(impact_bid, impact_ask, index))
        mid = book.mid if book else None
        if mid is not None:
            self._basis.append((now_unix_ms, mid - index))
        while self._basis and self._basis[0][0] <= now_unix_ms - policy.basis_window_ms:
            self._basis.popleft()
        with localcontext() as ctx:
            ctx.prec = 40
            average = (quantize_rate(sum(self._premiums, ZERO) / len(self._premiums))
                       if self._premiums else ZERO)
            rate = funding_rate(average, policy.interest_rate, policy.clamp)
            next_at = next_funding_unix_ms(now_unix_ms, policy.interval_ms)
            funding_basis = quantize_price(
                index * (1 + rate * Decimal(next_at - now_unix_ms) / Decimal(policy.interval_ms)))
            ma_basis = (quantize_price(index + sum((b for _, b in self._basis), ZERO) / len(self._basis))
                        if self._basis else None)
        mark = mark_from([funding_basis, ma_basis, last_trade])
        return MarkResult(
            symbol=self.symbol, mark=mark, index=index, index_stale=index_stale, funding_basis=funding_basis,
            moving_average_basis=ma_basis, last_trade=last_trade, funding_rate=rate, average_premium=average,
            premium_samples=len(self._premiums), impact_bid=impact_bid, impact_ask=impact_ask,
            next_funding_unix_ms=next_at, computed_at_unix_ms=now_unix_ms)
