"""Positions from risk.exposure.v2 (the Position service's per-user snapshot). Pure."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Position:
    symbol: str
    asset: str
    # Signed: positive LONG, negative SHORT (the event's side + absolute size, folded).
    size: Decimal
    entry_price: Decimal
    # The mark the Position service valued it at; Risk prefers its own newer mark when it has one.
    mark_price: Decimal
    margin: Decimal


@dataclass(frozen=True)
class Exposure:
    """A user's open positions as of `version`; a symbol missing here is flat."""

    user_id: str
    version: int
    as_of_unix_ms: int
    positions: tuple[Position, ...]

    def position(self, symbol: str) -> Position | None:
        return next((p for p in self.positions if p.symbol == symbol), None)


def newer_exposure(current: Exposure | None, candidate: Exposure) -> bool:
    # A full snapshot per user with a version: keep the highest, skip anything older.
    return current is None or candidate.version > current.version


@dataclass(frozen=True)
class ValuedPosition:
    """A position with the price Risk values it at for this check."""

    symbol: str
    size: Decimal
    entry_price: Decimal
    mark_price: Decimal

    @property
    def notional(self) -> Decimal:
        return abs(self.size) * self.mark_price

    @property
    def unrealized_pnl(self) -> Decimal:
        # Signed size makes one formula serve both sides: a short gains when mark < entry.
        return self.size * (self.mark_price - self.entry_price)
