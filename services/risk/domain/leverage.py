"""Leverage as a per-(user, symbol) setting. Pure.

An order that carries no leverage uses the user's setting for its symbol (1 without one, which was
the Order service's default before the setting existed). A new setting is bounded by the
instrument's and the KYC tier's max_leverage, and refused while the account's equity would not
cover the symbol's position at the new leverage plus the margin its other positions hold:

    equity >= |size| * mark / new_leverage + sum(margin of the asset's other positions)

The margin a position already holds and the leverage of open orders do not change.
"""
from __future__ import annotations

from decimal import Decimal

from services.platform.errors import FailedPrecondition, InvalidArgument
from services.risk.domain import margin
from services.risk.domain.account_risk import AccountFigures
from services.risk.domain.accounts import TierLimits
from services.risk.domain.instruments import InstrumentLimits
from services.risk.domain.positions import Position

DEFAULT_LEVERAGE = Decimal(1)
ZERO = Decimal(0)


def resolve(requested: Decimal, setting: Decimal | None) -> Decimal:
    """The order's own leverage when it has one (> 0), else the setting, else the default."""
    if requested > 0:
        return requested
    return setting if setting is not None else DEFAULT_LEVERAGE


def check_setting(symbol: str, leverage: Decimal, instrument: InstrumentLimits | None, tier: TierLimits | None,
                  figures: AccountFigures, positions: list[Position]) -> None:
    if instrument is None:
        raise InvalidArgument(f"symbol {symbol} is not an active instrument")
    if leverage < 1:
        raise InvalidArgument(f"leverage must be at least 1, got {leverage}")
    if leverage > instrument.max_leverage:
        raise FailedPrecondition(f"leverage {leverage} above the instrument's maximum {instrument.max_leverage}",
                                 reason="LEVERAGE_ABOVE_INSTRUMENT_MAX")
    if tier is None or leverage > tier.max_leverage:
        limit = "unknown" if tier is None else str(tier.max_leverage)
        raise FailedPrecondition(f"leverage {leverage} above the KYC tier's maximum ({limit})",
                                 reason="LEVERAGE_ABOVE_TIER_MAX")
    valued = {p.position.symbol: p.position for p in figures.positions}
    needed = ZERO
    for position in positions:
        if position.symbol == symbol and symbol in valued:
            needed += margin.initial_margin(valued[symbol].notional, leverage)
        else:
            needed += position.margin
    if figures.equity < needed:
        raise FailedPrecondition(
            f"equity {figures.equity} would not cover {needed} of margin at leverage {leverage}",
            reason="LEVERAGE_WOULD_UNDER_MARGIN")
