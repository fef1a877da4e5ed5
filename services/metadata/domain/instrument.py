"""Instruments and the maker-checker lifecycle. Pure: no protobuf, no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from services.platform.errors import FailedPrecondition, InvalidArgument, PermissionDenied

SYMBOL_PATTERN = re.compile(r"^[A-Z0-9]{2,10}-(USDT|INR)-PERP$")
ASSET_PATTERN = re.compile(r"^[A-Z0-9]{2,10}$")
SETTLEMENT_ASSETS = ("USDT", "INR")


class InstrumentStatus(Enum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"


class Review(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


# The whole lifecycle: (from, review) -> to. Anything else is refused.
TRANSITIONS: dict[tuple[InstrumentStatus, Review], InstrumentStatus] = {
    (InstrumentStatus.PENDING, Review.APPROVE): InstrumentStatus.ACTIVE,
    (InstrumentStatus.PENDING, Review.REJECT): InstrumentStatus.REJECTED,
}


@dataclass(frozen=True)
class IndexSource:
    exchange: str
    symbol: str
    weight: Decimal


@dataclass(frozen=True)
class InstrumentSpec:
    """What a maker proposes: everything but status and audit fields."""

    symbol: str
    base_asset: str
    quote_asset: str
    tick_size: Decimal
    lot_size: Decimal
    min_notional: Decimal
    max_leverage: Decimal
    maintenance_margin_rate: Decimal
    maker_fee_rate: Decimal
    taker_fee_rate: Decimal
    price_band_rate: Decimal
    max_order_quantity: Decimal
    index_sources: tuple[IndexSource, ...] = ()


@dataclass(frozen=True)
class Instrument:
    spec: InstrumentSpec
    status: InstrumentStatus
    created_by: str
    created_at_unix_ms: int
    reviewed_by: str = ""
    reviewed_at_unix_ms: int = 0
    rejection_reason: str = ""
    version: int = 1

    @property
    def symbol(self) -> str:
        return self.spec.symbol


def validate_spec(spec: InstrumentSpec) -> None:
    """Raises InvalidArgument naming the first field that breaks a rule."""
    if not SYMBOL_PATTERN.match(spec.symbol):
        raise InvalidArgument(
            f"symbol must look like BASE-QUOTE-PERP with QUOTE in {SETTLEMENT_ASSETS}, got {spec.symbol!r}")
    if not ASSET_PATTERN.match(spec.base_asset):
        raise InvalidArgument(f"base_asset must be 2-10 upper-case letters or digits, got {spec.base_asset!r}")
    if spec.quote_asset not in SETTLEMENT_ASSETS:
        raise InvalidArgument(f"quote_asset must be one of {SETTLEMENT_ASSETS}, got {spec.quote_asset!r}")
    expected = f"{spec.base_asset}-{spec.quote_asset}-PERP"
    if spec.symbol != expected:
        raise InvalidArgument(f"symbol must be {expected!r} for these assets, got {spec.symbol!r}")
    if spec.tick_size <= 0:
        raise InvalidArgument("tick_size must be greater than 0")
    if spec.lot_size <= 0:
        raise InvalidArgument("lot_size must be greater than 0")
    if spec.min_notional < 0:
        raise InvalidArgument("min_notional must not be negative")
    if spec.max_order_quantity <= 0:
        raise InvalidArgument("max_order_quantity must be greater than 0")
    if spec.max_order_quantity % spec.lot_size != 0:
        raise InvalidArgument("max_order_quantity must be a multiple of lot_size")
    if spec.max_leverage < 1 or spec.max_leverage > 200:
        raise InvalidArgument("max_leverage must be between 1 and 200")
    initial_margin_rate = 1 / spec.max_leverage
    if not (0 < spec.maintenance_margin_rate < initial_margin_rate):
        raise InvalidArgument(
            "maintenance_margin_rate must be greater than 0 and below 1/max_leverage "
            f"({initial_margin_rate.normalize()})")
    if not (Decimal("-0.01") <= spec.maker_fee_rate <= Decimal("0.01")):
        raise InvalidArgument("maker_fee_rate must be between -0.01 and 0.01")
    if not (0 <= spec.taker_fee_rate <= Decimal("0.01")):
        raise InvalidArgument("taker_fee_rate must be between 0 and 0.01")
    if spec.maker_fee_rate + spec.taker_fee_rate < 0:
        raise InvalidArgument("maker_fee_rate + taker_fee_rate must not be negative (the exchange would pay for trades)")
    if not (0 < spec.price_band_rate < 1):
        raise InvalidArgument("price_band_rate must be between 0 and 1 (exclusive)")
    seen = set()
    for position, source in enumerate(spec.index_sources):
        name = f"index_sources[{position}]"
        if not source.exchange or not source.symbol:
            raise InvalidArgument(f"{name} needs exchange and symbol")
        if source.weight <= 0:
            raise InvalidArgument(f"{name}.weight must be greater than 0")
        if (source.exchange, source.symbol) in seen:
            raise InvalidArgument(f"{name} repeats {source.exchange} {source.symbol}")
        seen.add((source.exchange, source.symbol))


def propose(spec: InstrumentSpec, maker: str, now_ms: int) -> Instrument:
    validate_spec(spec)
    return Instrument(spec=spec, status=InstrumentStatus.PENDING, created_by=maker,
                      created_at_unix_ms=now_ms)


def review(instrument: Instrument, decision: Review, checker: str, now_ms: int,
           reason: str = "") -> Instrument:
    """Four eyes: the checker must differ from the maker."""
    if checker == instrument.created_by:
        raise PermissionDenied("the admin who proposed an instrument cannot review it")
    target = TRANSITIONS.get((instrument.status, decision))
    if target is None:
        raise FailedPrecondition(
            f"instrument {instrument.symbol} is {instrument.status.value}; only PENDING instruments can be reviewed")
    if decision is Review.REJECT and not reason.strip():
        raise InvalidArgument("reason is required to reject an instrument")
    return replace(instrument, status=target, reviewed_by=checker, reviewed_at_unix_ms=now_ms,
                   rejection_reason=reason.strip() if decision is Review.REJECT else "",
                   version=instrument.version + 1)
