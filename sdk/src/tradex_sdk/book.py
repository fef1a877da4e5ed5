"""A local order book kept from a snapshot and deltas, verified like docs/MARKETDATA.md says.

CRC32_TOP25_V1: best 25 bids (price descending) then best 25 asks (ascending), one line per
level `B|price|quantity|order_count` / `A|...`, decimals canonical (no exponent, no trailing
zeros), joined by "\\n", CRC-32 of the UTF-8 bytes, unsigned; empty book -> 0.

Chain: after a snapshot at seq S, drop deltas with last_engine_seq <= S; a delta applies only
when its prev_last_engine_seq equals the seq held. A gap or a checksum mismatch raises
`_Resync`, on which the stream re-subscribes for a fresh snapshot and reports a `Resync`.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

CHECKSUM_DEPTH = 25

__all__ = ["BookLevel", "BookUpdate", "LocalBook", "Resync", "canonical_decimal", "checksum"]


def canonical_decimal(value: Decimal) -> str:
    """`65000.5`, `100`, `0.001`: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class BookLevel:
    """One aggregated price level."""

    price: Decimal
    quantity: Decimal
    order_count: int


def checksum(bids: Iterable[BookLevel], asks: Iterable[BookLevel], depth: int = CHECKSUM_DEPTH) -> int:
    """CRC32_TOP25_V1 of levels given best first."""
    lines = []
    for tag, levels in (("B", bids), ("A", asks)):
        for n, level in enumerate(levels):
            if n >= depth:
                break
            lines.append(f"{tag}|{canonical_decimal(level.price)}|{canonical_decimal(level.quantity)}|"
                         f"{level.order_count}")
    return zlib.crc32("\n".join(lines).encode("utf-8"))


@dataclass(frozen=True)
class BookUpdate:
    """What a book stream yields after each verified message: the whole local book (best
    first), its engine sequence and checksum, and whether it came from a snapshot."""

    symbol: str
    seq: int
    checksum: int
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    is_snapshot: bool
    updated_at_unix_ms: int

    @property
    def best_bid(self) -> BookLevel | None:
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> BookLevel | None:
        return self.asks[0] if self.asks else None


@dataclass(frozen=True)
class Resync:
    """Reported (to the `on_resync` callback and `stream.resyncs`) each time the stream dropped
    its local book and re-subscribed: `reason` is "gap" or "checksum"."""

    symbol: str
    reason: str
    held_seq: int
    detail: str


class _Resync(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _levels(raw) -> list[tuple[Decimal, Decimal, int]]:
    return [(Decimal(level.price), Decimal(level.quantity), int(level.order_count)) for level in raw]


class LocalBook:
    """The book of one symbol, rebuilt from StreamOrderBookResponse messages (protobuf)."""

    def __init__(self, symbol: str, verify_depth: int = CHECKSUM_DEPTH) -> None:
        self.symbol = symbol
        self.seq = 0
        self.updated_at_unix_ms = 0
        self._bids: dict[Decimal, BookLevel] = {}
        self._asks: dict[Decimal, BookLevel] = {}
        self._have_snapshot = False
        self.verify = verify_depth >= CHECKSUM_DEPTH or verify_depth == 0

    def bids(self) -> tuple[BookLevel, ...]:
        return tuple(sorted(self._bids.values(), key=lambda lv: lv.price, reverse=True))

    def asks(self) -> tuple[BookLevel, ...]:
        return tuple(sorted(self._asks.values(), key=lambda lv: lv.price))

    def checksum(self) -> int:
        return checksum(self.bids(), self.asks())

    def apply(self, response) -> BookUpdate | None:
        """Applies one stream message; returns the verified book, None for a stale delta, or
        raises `_Resync`."""
        kind = response.WhichOneof("update")
        if kind == "snapshot":
            book = response.snapshot
            self._bids = {p: BookLevel(p, q, n) for p, q, n in _levels(book.bids)}
            self._asks = {p: BookLevel(p, q, n) for p, q, n in _levels(book.asks)}
            self.seq, self.updated_at_unix_ms, self._have_snapshot = book.engine_seq, book.updated_at_unix_ms, True
            self._check(book.checksum)
            return self._update(True)
        if kind != "delta":
            return None
        delta = response.delta
        if not self._have_snapshot:
            raise _Resync("gap", "delta before any snapshot")
        if delta.last_engine_seq <= self.seq:
            return None  # already folded into what we hold
        if delta.prev_last_engine_seq != self.seq:
            raise _Resync("gap", f"delta applies to seq {delta.prev_last_engine_seq}, book is at {self.seq}")
        for side, raw in ((self._bids, delta.bids), (self._asks, delta.asks)):
            for price, quantity, orders in _levels(raw):
                if quantity == 0:
                    side.pop(price, None)
                else:
                    side[price] = BookLevel(price, quantity, orders)
        self.seq, self.updated_at_unix_ms = delta.last_engine_seq, delta.updated_at_unix_ms
        self._check(delta.checksum)
        return self._update(False)

    def _check(self, expected: int) -> None:
        if not self.verify:
            return
        mine = self.checksum()
        if mine != expected:
            raise _Resync("checksum", f"local book at seq {self.seq} has checksum {mine}, server says {expected}")

    def _update(self, is_snapshot: bool) -> BookUpdate:
        bids, asks = self.bids(), self.asks()
        return BookUpdate(self.symbol, self.seq, checksum(bids, asks), bids, asks, is_snapshot,
                          self.updated_at_unix_ms)
