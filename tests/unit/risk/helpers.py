"""Shared fixtures of the Risk unit tests: one BTC-USDT instrument, a tier-1 trader."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from services.risk.domain.accounts import Account, AccountStatus, AssetLimits, Balance, TierLimits
from services.risk.domain.instruments import InstrumentLimits
from services.risk.domain.orders import OrderIntent, OrderType, Side, WorkingOrder
from services.risk.domain.positions import ValuedPosition
from services.risk.domain.pretrade import PreTradeView

BTC = "BTC-USDT-PERP"
ETH = "ETH-USDT-PERP"
USER = "u-1"

INSTRUMENT = InstrumentLimits(
    symbol=BTC, quote_asset="USDT", tick_size=D("0.1"), lot_size=D("0.001"), min_notional=D("5"),
    max_leverage=D("50"), maintenance_margin_rate=D("0.005"), taker_fee_rate=D("0.0005"),
    price_band_rate=D("0.05"), max_order_quantity=D("100"))
ETH_INSTRUMENT = replace(INSTRUMENT, symbol=ETH, tick_size=D("0.01"), maintenance_margin_rate=D("0.01"))
TIER = TierLimits(tier=1, max_leverage=D("20"),
                  asset_limits=(AssetLimits("USDT", D("50000"), D("250000")),
                                AssetLimits("INR", D("4250000"), D("21250000"))))
ACCOUNT = Account(USER, 1, AccountStatus.ACTIVE)
BALANCE = Balance(USER, "USDT", available=D("10000"), locked=D("0"), position_margin=D("0"), total=D("10000"),
                  version=1, updated_at_unix_ms=0)


def intent(**changes) -> OrderIntent:
    base = OrderIntent(order_id="o-1", user_id=USER, symbol=BTC, side=Side.BUY, order_type=OrderType.LIMIT,
                       price=D("50000"), quantity=D("0.1"), leverage=D("10"), reduce_only=False)
    return replace(base, **changes)


def view(**changes) -> PreTradeView:
    """The band centre follows reference_price unless band_reference is given (as when the
    reference is trusted: domain/prices.py band_reference)."""
    base = PreTradeView(instrument=INSTRUMENT, account=ACCOUNT, tier=TIER, balance=BALANCE,
                        reference_price=D("50000"), band_reference=D("50000"))
    if "reference_price" in changes and "band_reference" not in changes:
        changes["band_reference"] = changes["reference_price"]
    return replace(base, **changes)


def position(size: str, symbol: str = BTC, entry: str = "50000", mark: str | None = None) -> ValuedPosition:
    return ValuedPosition(symbol=symbol, size=D(size), entry_price=D(entry), mark_price=D(mark or entry))


def working(side: Side, quantity: str, price: str = "50000", *, symbol: str = BTC, reduce_only: bool = False,
            order_id: str = "w-1") -> WorkingOrder:
    return WorkingOrder(order_id=order_id, user_id=USER, symbol=symbol, side=side, price=D(price),
                        remaining=D(quantity), leverage=D("10"), reduce_only=reduce_only)


def tier(max_leverage="20", max_order="50000", max_position="250000", number=1) -> TierLimits:
    return TierLimits(tier=number, max_leverage=D(max_leverage),
                      asset_limits=(AssetLimits("USDT", D(max_order), D(max_position)),))
