"""KYC tier limits. The numbers are data (the `kyc_tiers` tables, seeded by a migration and
changed by later migrations or by operators); this module only holds their shape and the rules
any set of tiers must obey. Pure: no protobuf, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.platform.errors import InvalidArgument


@dataclass(frozen=True)
class AssetLimits:
    """Per margin asset, because USDT and INR notionals cannot share one number."""

    asset: str
    max_order_notional: Decimal
    max_position_notional: Decimal
    daily_deposit_cap: Decimal


@dataclass(frozen=True)
class TierLimits:
    tier: int
    max_leverage: Decimal
    asset_limits: tuple[AssetLimits, ...]

    def for_asset(self, asset: str) -> AssetLimits | None:
        return next((a for a in self.asset_limits if a.asset == asset), None)


def validate_tiers(tiers: list[TierLimits]) -> None:
    """What makes a tier table coherent; raises InvalidArgument naming the first broken rule.

    Tiers are 0, 1, 2... without gaps (signup puts everyone at 0), every tier covers the same
    assets, and a higher tier never has a lower limit than the one below it: verifying more can
    only unlock more.
    """
    if not tiers:
        raise InvalidArgument("at least tier 0 must be configured")
    numbers = [t.tier for t in tiers]
    if numbers != list(range(len(tiers))):
        raise InvalidArgument(f"tiers must be numbered 0, 1, 2... without gaps, got {numbers}")
    assets = sorted(a.asset for a in tiers[0].asset_limits)
    for tier in tiers:
        name = f"tier {tier.tier}"
        if tier.max_leverage < 1:
            raise InvalidArgument(f"{name}: max_leverage must be at least 1, got {tier.max_leverage}")
        if sorted(a.asset for a in tier.asset_limits) != assets:
            raise InvalidArgument(f"{name}: asset_limits must cover the same assets as tier 0 ({assets})")
        for limits in tier.asset_limits:
            where = f"{name} {limits.asset}"
            if limits.max_order_notional <= 0:
                raise InvalidArgument(f"{where}: max_order_notional must be greater than 0")
            if limits.max_position_notional < limits.max_order_notional:
                raise InvalidArgument(f"{where}: max_position_notional must be at least max_order_notional")
            if limits.daily_deposit_cap < 0:
                raise InvalidArgument(f"{where}: daily_deposit_cap must not be negative")
    for lower, higher in zip(tiers, tiers[1:], strict=False):
        if higher.max_leverage < lower.max_leverage:
            raise InvalidArgument(f"tier {higher.tier}: max_leverage is below tier {lower.tier}'s")
        for mine in higher.asset_limits:
            below = lower.for_asset(mine.asset)
            for field in ("max_order_notional", "max_position_notional", "daily_deposit_cap"):
                if getattr(mine, field) < getattr(below, field):
                    raise InvalidArgument(
                        f"tier {higher.tier} {mine.asset}: {field} is below tier {lower.tier}'s")


def limits_of(tiers: list[TierLimits], tier: int) -> TierLimits | None:
    return next((t for t in tiers if t.tier == tier), None)
