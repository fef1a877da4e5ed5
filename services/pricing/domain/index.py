"""The index price: a weighted average of spot venues with stale and outlier exclusion. Pure.

For one leg (a spot pair such as BTC/USDT), every configured source is classified:

1. NO_QUOTE   the venue never answered;
2. STALE      its newest quote is older than `stale_after_ms` (a venue that keeps failing ends
              here once its last good quote has aged out);
3. OUTLIER    among the fresh ones: |p - m| / m > max_deviation, m = the median of all fresh
              quotes. (The median of the *other* sources would, with three sources, average the
              outlier into the reference of the two good ones and exclude them instead. With two
              fresh sources that disagree by more than twice the limit both are outliers: nothing
              says which one is right.)

The remaining sources are used with their weights renormalized to sum to 1:
    leg = sum(w_i * p_i) / sum(w_i)
With fewer than `min_sources` used sources the leg is degraded and holds its last good price.

An instrument's index is the product of its legs (BTC/USDT x USDT/INR for BTC-INR-PERP); when
any leg is degraded the index is degraded and holds the last good *index* value (never a jump to
a value computed from fewer sources).
"""
from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

PRICE_QUANTUM = Decimal("1e-8")


def quantize_price(value: Decimal) -> Decimal:
    return value.quantize(PRICE_QUANTUM, rounding=ROUND_HALF_EVEN)


class Exclusion(enum.StrEnum):
    NONE = "NONE"
    NO_QUOTE = "NO_QUOTE"
    STALE = "STALE"
    OUTLIER = "OUTLIER"


@dataclass(frozen=True)
class Source:
    exchange: str  # ccxt exchange id
    symbol: str    # ccxt unified spot symbol, e.g. "BTC/USDT"
    weight: Decimal


@dataclass(frozen=True)
class Leg:
    pair: str  # "BTC/USDT"
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class IndexDefinition:
    symbol: str            # the perpetual, e.g. "BTC-INR-PERP"
    legs: tuple[Leg, ...]  # multiplied in order


@dataclass(frozen=True)
class SpotQuote:
    price: Decimal
    at_unix_ms: int  # the venue's own quote time, else when we received it


@dataclass(frozen=True)
class IndexPolicy:
    stale_after_ms: int
    max_deviation: Decimal  # a fraction: 0.02 = 2 %
    min_sources: int


@dataclass(frozen=True)
class Component:
    leg: str
    exchange: str
    symbol: str
    price: Decimal | None
    at_unix_ms: int
    weight: Decimal
    effective_weight: Decimal
    exclusion: Exclusion


@dataclass(frozen=True)
class LegResult:
    pair: str
    price: Decimal | None
    degraded: bool
    components: tuple[Component, ...]


@dataclass(frozen=True)
class IndexResult:
    symbol: str
    price: Decimal | None  # None: never had a good value
    degraded: bool
    legs: tuple[LegResult, ...]
    computed_at_unix_ms: int

    @property
    def components(self) -> tuple[Component, ...]:
        return tuple(c for leg in self.legs for c in leg.components)


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("median of nothing")
    mid = n // 2
    if n % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _deviates(price: Decimal, centre: Decimal, max_deviation: Decimal) -> bool:
    if centre <= 0:
        return True
    return abs(price - centre) / centre > max_deviation


def compute_leg(leg: Leg, quotes: Mapping[tuple[str, str], SpotQuote], now_unix_ms: int,
                policy: IndexPolicy, last_good: Decimal | None) -> LegResult:
    status: dict[int, Exclusion] = {}
    fresh: dict[int, SpotQuote] = {}
    for i, source in enumerate(leg.sources):
        quote = quotes.get((source.exchange, source.symbol))
        if quote is None or quote.price <= 0:
            status[i] = Exclusion.NO_QUOTE
        elif now_unix_ms - quote.at_unix_ms > policy.stale_after_ms:
            status[i] = Exclusion.STALE
        else:
            fresh[i] = quote
    if fresh:
        centre = median([q.price for q in fresh.values()])
        for i, quote in fresh.items():
            status[i] = Exclusion.OUTLIER if _deviates(quote.price, centre, policy.max_deviation) else Exclusion.NONE
    used = [i for i, why in status.items() if why is Exclusion.NONE and leg.sources[i].weight > 0]
    total_weight = sum((leg.sources[i].weight for i in used), Decimal(0))
    degraded = len(used) < policy.min_sources or total_weight <= 0
    with localcontext() as ctx:
        ctx.prec = 40
        effective = {i: (leg.sources[i].weight / total_weight if not degraded else Decimal(0)) for i in used}
        price = (quantize_price(sum((effective[i] * fresh[i].price for i in used), Decimal(0)))
                 if not degraded else last_good)
    components = []
    for i, source in enumerate(leg.sources):
        quote = quotes.get((source.exchange, source.symbol))
        components.append(Component(
            leg=leg.pair, exchange=source.exchange, symbol=source.symbol,
            price=quote.price if quote is not None else None,
            at_unix_ms=quote.at_unix_ms if quote is not None else 0,
            weight=source.weight,
            effective_weight=quantize_weight(effective.get(i, Decimal(0))),
            exclusion=status[i]))
    return LegResult(pair=leg.pair, price=price, degraded=degraded, components=tuple(components))


def quantize_weight(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1e-12"), rounding=ROUND_HALF_EVEN)


class IndexCalculator:
    """Keeps the last good value of every leg and every index between ticks."""

    def __init__(self, policy: IndexPolicy) -> None:
        self.policy = policy
        self._last_leg: dict[str, Decimal] = {}
        self._last_index: dict[str, Decimal] = {}

    def restore(self, symbol: str, price: Decimal) -> None:
        """The last good value stored before a restart."""
        self._last_index.setdefault(symbol, price)

    def compute(self, definition: IndexDefinition, quotes: Mapping[tuple[str, str], SpotQuote],
                now_unix_ms: int) -> IndexResult:
        legs = []
        for leg in definition.legs:
            result = compute_leg(leg, quotes, now_unix_ms, self.policy, self._last_leg.get(leg.pair))
            if not result.degraded and result.price is not None:
                self._last_leg[leg.pair] = result.price
            legs.append(result)
        degraded = any(leg.degraded for leg in legs)
        if degraded:
            price = self._last_index.get(definition.symbol)
        else:
            with localcontext() as ctx:
                ctx.prec = 40
                product = Decimal(1)
                for leg in legs:
                    product *= leg.price
            price = quantize_price(product)
            self._last_index[definition.symbol] = price
        return IndexResult(symbol=definition.symbol, price=price, degraded=degraded, legs=tuple(legs),
                           computed_at_unix_ms=now_unix_ms)
