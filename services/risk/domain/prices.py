"""Mark and index prices from md.mark.v1 / md.index.v1, and which one Risk may trust. Pure.

Staleness has three uses with three answers:
- The protection price of a MARKET order (the worst price it may fill at) needs a price Risk can
  trust now: a mark, else an index, that the feed did not flag stale and that is at most
  `max_age_ms` old (`reference_price`). Without one a MARKET order is refused.
- The price band of a LIMIT order (`band_reference`) is centred on that trusted price when there
  is one, else on the latest mark, else the latest index, however old or flagged: an old centre
  is still the best estimate of the market, while skipping the band would approve a buy at 1 USDT
  exactly when the feed is failing, and refusing every LIMIT order would halt the market over a
  feed hiccup. With no mark and no index ever seen there is no band at all: the order is refused
  (NO_REFERENCE_PRICE; a real market always has an index, so this is a market that is not ready).
  Risk sees no trades' prices, and a last trade is no reference anyway: it is whatever the book
  last printed, possibly a fat finger.
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


def band_reference(prices: SymbolPrices | None, now_unix_ms: int, max_age_ms: int) -> Decimal | None:
    """A LIMIT order's band centre: the trusted reference, else the latest mark, else the latest
    index whatever its age or flag; None only when neither was ever seen."""
    trusted = reference_price(prices, now_unix_ms, max_age_ms)
    if trusted is not None or prices is None:
        return trusted
    for quote in (prices.mark, prices.index):
        if quote is not None and quote.price > 0:
            return quote.price
    return None
