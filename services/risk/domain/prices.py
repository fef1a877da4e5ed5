"""Mark and index prices from md.mark.v1 / md.index.v1, and which one Risk may trust. Pure.

Staleness has two uses with two answers:
- Gating new risk (the price band of a LIMIT order, the protection price of a MARKET order)
  needs a price Risk can trust now: a mark, else an index, that the feed did not flag stale
  and that is at most `max_age_ms` old. Anything else counts as unknown: the band is skipped
  for LIMIT orders (the engine's own band still applies), MARKET orders are refused.
- Valuing existing positions (unrealized PnL, exposure) uses the latest mark whatever its age:
  an old price is a better estimate than none, and it never approves anything on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Quote:
    price: Decimal
    stale: bool
    at_unix_ms: int

    def trusted(self, now_unix_ms: int, max_age_ms: int) -> bool:
        return not self.stale and self.price > 0 and now_unix_ms - self.at_unix_ms <= max_age_ms


@dataclass(frozen=True)
class SymbolPrices:
    symbol: str
    mark: Quote | None = field(default=None)
    index: Quote | None = field(default=None)


def newer_quote(current: Quote | None, candidate: Quote) -> bool:
    return current is None or candidate.at_unix_ms >= current.at_unix_ms


def reference_price(prices: SymbolPrices | None, now_unix_ms: int, max_age_ms: int) -> Decimal | None:
    """The price band's centre: a trusted mark, else a trusted index, else None (unknown)."""
    if prices is None:
        return None
    for quote in (prices.mark, prices.index):
        if quote is not None and quote.trusted(now_unix_ms, max_age_ms):
            return quote.price
    return None


def valuation_price(prices: SymbolPrices | None) -> Decimal | None:
    """The latest mark, however old; None if no mark was ever seen."""
    if prices is None or prices.mark is None or prices.mark.price <= 0:
        return None
    return prices.mark.price
