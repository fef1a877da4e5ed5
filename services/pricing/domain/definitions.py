"""From an instrument's configured index sources (Metadata, maker-checker) to its index legs. Pure.

Sources are grouped by their spot pair. The legs are the chain of pairs that converts the
instrument's base asset into its quote asset: BTC-USDT-PERP is the single leg BTC/USDT;
BTC-INR-PERP needs BTC/USDT then USDT/INR (so its index is BTC/USDT x USDT/INR). Sources whose
pair is not on the chain are ignored; an instrument whose sources do not reach its quote asset
(e.g. BTC-INR-PERP with BTC/USDT sources only) cannot be priced, and `build_definition` says why
instead of pricing INR from a USDT quote.
"""
from __future__ import annotations

from collections.abc import Iterable

from services.pricing.domain.index import IndexDefinition, Leg, Source


class Unpriceable(ValueError):
    pass


def _split(pair: str) -> tuple[str, str]:
    base, sep, quote = pair.partition("/")
    if not sep or not base or not quote:
        raise Unpriceable(f"source symbol {pair!r} is not BASE/QUOTE")
    return base.upper(), quote.upper()


def build_definition(symbol: str, base_asset: str, quote_asset: str, sources: Iterable[Source]) -> IndexDefinition:
    by_pair: dict[str, list[Source]] = {}
    for source in sources:
        _split(source.symbol)
        by_pair.setdefault(source.symbol.upper(), []).append(source)
    by_base: dict[str, list[str]] = {}
    for pair in sorted(by_pair):
        by_base.setdefault(_split(pair)[0], []).append(pair)
    legs: list[Leg] = []
    current, seen = base_asset.upper(), set()
    target = quote_asset.upper()
    while current != target:
        if current in seen:
            raise Unpriceable(f"{symbol}: index sources loop at {current}")
        seen.add(current)
        # Prefer the pair that reaches the quote asset directly.
        candidates = by_base.get(current, [])
        direct = [p for p in candidates if _split(p)[1] == target]
        if not candidates:
            raise Unpriceable(f"{symbol}: no index source converts {current} towards {target} "
                              f"(configured pairs: {', '.join(sorted(by_pair)) or 'none'})")
        pair = (direct or candidates)[0]
        legs.append(Leg(pair=pair, sources=tuple(by_pair[pair])))
        current = _split(pair)[1]
    if not legs:
        raise Unpriceable(f"{symbol}: base and quote asset are the same")
    return IndexDefinition(symbol=symbol, legs=tuple(legs))
