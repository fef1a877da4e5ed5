"""What Risk needs to know about an instrument, kept locally from metadata events."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class InstrumentLimits:
    symbol: str
    quote_asset: str
    tick_size: Decimal
    lot_size: Decimal
    min_notional: Decimal
    max_leverage: Decimal
    maintenance_margin_rate: Decimal
    taker_fee_rate: Decimal
    price_band_rate: Decimal
    max_order_quantity: Decimal


class InstrumentCache:
    """The ACTIVE instruments this process knows, refreshed after each committed event."""

    def __init__(self) -> None:
        self._by_symbol: dict[str, InstrumentLimits] = {}

    def put(self, limits: InstrumentLimits) -> None:
        self._by_symbol[limits.symbol] = limits

    def get(self, symbol: str) -> InstrumentLimits | None:
        return self._by_symbol.get(symbol)

    def symbols(self) -> list[str]:
        return sorted(self._by_symbol)
