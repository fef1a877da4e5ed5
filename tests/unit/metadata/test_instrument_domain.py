from dataclasses import replace
from decimal import Decimal

import pytest

from services.metadata.domain.instrument import (
    IndexSource,
    InstrumentSpec,
    InstrumentStatus,
    Review,
    propose,
    review,
    validate_spec,
)
from services.platform.errors import FailedPrecondition, InvalidArgument, PermissionDenied

SPEC = InstrumentSpec(
    symbol="BTC-USDT-PERP", base_asset="BTC", quote_asset="USDT", tick_size=Decimal("0.1"),
    lot_size=Decimal("0.001"), min_notional=Decimal("5"), max_leverage=Decimal("50"),
    maintenance_margin_rate=Decimal("0.005"), maker_fee_rate=Decimal("0.0002"),
    taker_fee_rate=Decimal("0.0005"), price_band_rate=Decimal("0.05"), max_order_quantity=Decimal("100"),
    index_sources=(IndexSource("binance", "BTC/USDT", Decimal("1")),))


def test_valid_spec_passes():
    validate_spec(SPEC)


@pytest.mark.parametrize("change,field", [
    ({"tick_size": Decimal("0")}, "tick_size"),
    ({"lot_size": Decimal("-1")}, "lot_size"),
    ({"min_notional": Decimal("-1")}, "min_notional"),
    ({"max_leverage": Decimal("0.5")}, "max_leverage"),
    ({"maintenance_margin_rate": Decimal("0.03")}, "maintenance_margin_rate"),
    ({"price_band_rate": Decimal("1")}, "price_band_rate"),
    ({"max_order_quantity": Decimal("100.0005")}, "max_order_quantity"),
    ({"symbol": "BTCUSDT"}, "symbol"),
    ({"symbol": "ETH-USDT-PERP"}, "symbol"),
    ({"quote_asset": "EUR", "symbol": "BTC-EUR-PERP"}, "symbol"),
    ({"taker_fee_rate": Decimal("0.02")}, "taker_fee_rate"),
    ({"maker_fee_rate": Decimal("-0.001"), "taker_fee_rate": Decimal("0.0005")}, "maker_fee_rate"),
    ({"index_sources": (IndexSource("binance", "BTC/USDT", Decimal("0")),)}, "index_sources"),
])
def test_each_rule_names_its_field(change, field):
    with pytest.raises(InvalidArgument, match=field):
        validate_spec(replace(SPEC, **change))


def test_maker_checker_lifecycle():
    pending = propose(SPEC, "maker-1", 1000)
    assert pending.status is InstrumentStatus.PENDING and pending.version == 1
    with pytest.raises(PermissionDenied):
        review(pending, Review.APPROVE, "maker-1", 2000)
    active = review(pending, Review.APPROVE, "checker-1", 2000)
    assert active.status is InstrumentStatus.ACTIVE and active.reviewed_by == "checker-1" and active.version == 2
    with pytest.raises(FailedPrecondition, match="ACTIVE"):
        review(active, Review.REJECT, "checker-2", 3000, "late")


def test_reject_needs_reason():
    pending = propose(SPEC, "maker-1", 1000)
    with pytest.raises(InvalidArgument, match="reason"):
        review(pending, Review.REJECT, "checker-1", 2000, " ")
    rejected = review(pending, Review.REJECT, "checker-1", 2000, "tick too small")
    assert rejected.status is InstrumentStatus.REJECTED and rejected.rejection_reason == "tick too small"
