"""The public (level-aggregated) order book and its checksum, shared by the Market Data service
and the WebSocket gateway so both compute exactly what clients are told to compute.

A level is (price, total quantity, order count); prices and quantities are Decimals and are
written in the canonical wire form of ``format_decimal`` ("65000.5", "100", "0.001").

Checksum CRC32_TOP25_V1 (documented for clients on MarketDataService in
protos/tradex/marketdata/v1/marketdata.proto and in docs/MARKETDATA.md):
    lines = [f"B|{price}|{quantity}|{order_count}" for the best 25 bids, price descending]
          + [f"A|{price}|{quantity}|{order_count}" for the best 25 asks, price ascending]
    checksum = zlib.crc32("\\n".join(lines).encode("utf-8"))   # unsigned 32-bit
Pure: no I/O, no protobuf.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sortedcontainers import SortedDict

from services.platform.decimals import format_decimal

CHECKSUM_DEPTH = 25
CHECKSUM_ALGORITHM = "CRC32_TOP25_V1"
BID = "B"
ASK = "A"


@dataclass(frozen=True)
class Level:
    price: Decimal
    quantity: Decimal  # 0 in a change: the level is removed
    order_count: int


def checksum_text(bids: Iterable[Level], asks: Iterable[Level], depth: int = CHECKSUM_DEPTH) -> str:
    """``bids`` and ``asks`` best first."""
    lines = []
    for tag, levels in ((BID, bids), (ASK, asks)):
        for n, level in enumerate(levels):
            if n >= depth:
                break
            lines.append(f"{tag}|{format_decimal(level.price)}|{format_decimal(level.quantity)}|{level.order_count}")
    return "\n".join(lines)


def checksum(bids: Iterable[Level], asks: Iterable[Level], depth: int = CHECKSUM_DEPTH) -> int:
    return zlib.crc32(checksum_text(bids, asks, depth).encode("utf-8"))


class PublicBook:
    """Aggregated levels of one symbol. ``seq`` is the engine sequence the book reflects."""

    __slots__ = ("symbol", "seq", "updated_at_unix_ms", "_bids", "_asks", "fingerprint", "_orders")

    def __init__(self, symbol: str, seq: int = 0, updated_at_unix_ms: int = 0) -> None:
        self.symbol = symbol
        self.seq = seq
        self.updated_at_unix_ms = updated_at_unix_ms
        # price -> (quantity, order_count); bids keyed by -price so both iterate best first.
        self._bids: SortedDict = SortedDict()
        self._asks: SortedDict = SortedDict()
        # An order-independent fingerprint of every level (sum of level hashes mod 2^64), kept up
        # to date in O(1) per change: equal books have equal fingerprints. In-process only
        # (Python's hash), to compare a book with an engine snapshot of the same instant.
        self.fingerprint = 0
        self._orders = 0  # total resting orders, kept up to date like the fingerprint

    @classmethod
    def from_levels(cls, symbol: str, seq: int, bids: Iterable[Level], asks: Iterable[Level],
                    updated_at_unix_ms: int = 0) -> PublicBook:
        book = cls(symbol, seq, updated_at_unix_ms)
        for level in bids:
            book.set(BID, level)
        for level in asks:
            book.set(ASK, level)
        return book

    def copy(self) -> PublicBook:
        other = PublicBook(self.symbol, self.seq, self.updated_at_unix_ms)
        other._bids = self._bids.copy()
        other._asks = self._asks.copy()
        other.fingerprint = self.fingerprint
        other._orders = self._orders
        return other

    def set(self, side: str, level: Level) -> None:
        """Absolute: the level's new aggregate (quantity 0 removes it). Idempotent."""
        if side == BID:
            levels, key = self._bids, -level.price
        elif side == ASK:
            levels, key = self._asks, level.price
        else:
            raise ValueError(f"side must be {BID!r} or {ASK!r}, got {side!r}")
        old = levels.get(key)
        if old is not None:
            self.fingerprint = (self.fingerprint - _level_hash(side, key, old)) & _MASK
            self._orders -= old[1]
        if level.quantity <= 0 or level.order_count <= 0:
            levels.pop(key, None)
        else:
            levels[key] = (level.quantity, level.order_count)
            self.fingerprint = (self.fingerprint + _level_hash(side, key, levels[key])) & _MASK
            self._orders += level.order_count

    def bids(self, depth: int | None = None) -> list[Level]:
        return [Level(-key, q, n) for key, (q, n) in _head(self._bids, depth)]

    def asks(self, depth: int | None = None) -> list[Level]:
        return [Level(key, q, n) for key, (q, n) in _head(self._asks, depth)]

    def best_bid(self) -> Level | None:
        levels = self.bids(1)
        return levels[0] if levels else None

    def best_ask(self) -> Level | None:
        levels = self.asks(1)
        return levels[0] if levels else None

    def order_count(self) -> int:
        return self._orders

    def checksum(self) -> int:
        return checksum(self.bids(CHECKSUM_DEPTH), self.asks(CHECKSUM_DEPTH))

    def diff(self, newer: PublicBook) -> tuple[list[Level], list[Level]]:
        """The level changes that turn this book into ``newer`` (removals with quantity 0)."""
        return _diff(self._bids, newer._bids, bid=True), _diff(self._asks, newer._asks, bid=False)

    def same_levels(self, other: PublicBook) -> bool:
        return self._bids == other._bids and self._asks == other._asks


_MASK = (1 << 64) - 1


def _level_hash(side: str, key: Decimal, value: tuple) -> int:
    return hash((side, key, value[0], value[1])) & _MASK


def _head(levels: SortedDict, depth: int | None):
    items = levels.items()
    if depth is None or depth >= len(levels):
        return list(items)
    return [items[i] for i in range(max(0, depth))]


def _diff(old: SortedDict, new: SortedDict, *, bid: bool) -> list[Level]:
    out = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        price = -key if bid else key
        quantity, count = after if after is not None else (Decimal(0), 0)
        out.append(Level(price, quantity, count))
    return out
