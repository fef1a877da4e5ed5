"""Risk settings from the environment (besides services.platform.config.CommonSettings)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from services.platform.config import ConfigError, env_float_seconds
from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument
from services.risk.domain.accounts import AssetLimits, TierLimits
from services.risk.domain.pretrade import RiskPolicy

# The User service's launch tier table (its migration 0001), used for a tier until a
# user.kyc_updated.v1 carrying that tier's limits arrives. Only tier 0 really depends on it:
# signup puts users there without an event that carries limits, while every approved change
# carries the limits of the tier it moves to. Configuration, not code: override with
# RISK_KYC_TIER_LIMITS when the User service's table changes.
DEFAULT_TIER_LIMITS = json.dumps({
    "0": {"max_leverage": "5", "assets": {
        "USDT": {"max_order_notional": "1000", "max_position_notional": "5000"},
        "INR": {"max_order_notional": "85000", "max_position_notional": "425000"}}},
    "1": {"max_leverage": "20", "assets": {
        "USDT": {"max_order_notional": "50000", "max_position_notional": "250000"},
        "INR": {"max_order_notional": "4250000", "max_position_notional": "21250000"}}},
    "2": {"max_leverage": "100", "assets": {
        "USDT": {"max_order_notional": "1000000", "max_position_notional": "5000000"},
        "INR": {"max_order_notional": "85000000", "max_position_notional": "425000000"}}},
})


@dataclass(frozen=True)
class RiskSettings:
    # A mark/index older than this is not trusted for price bands or MARKET protection.
    price_max_age_ms: int
    # How long an approval counts against the user's state before the Wallet's and the engine's
    # events must have taken over (see domain.orders.Reservation).
    reservation_ttl_ms: int
    policy: RiskPolicy
    default_tiers: tuple[TierLimits, ...]
    # How often, at most, the state the feed changed is written with its positions (app/checkpoint.py):
    # a restart reads again what came after the last one.
    checkpoint_interval_s: float = 1.0

    @classmethod
    def from_env(cls) -> RiskSettings:
        multiple = os.environ.get("RISK_ACCOUNT_EXPOSURE_MULTIPLE") or "3"
        try:
            parsed = parse_decimal("RISK_ACCOUNT_EXPOSURE_MULTIPLE", multiple, positive=True)
        except InvalidArgument as exc:
            raise ConfigError(exc.message) from None
        return cls(
            price_max_age_ms=int(env_float_seconds("RISK_PRICE_MAX_AGE_S", 30) * 1000),
            reservation_ttl_ms=int(env_float_seconds("RISK_RESERVATION_TTL_S", 30) * 1000),
            policy=RiskPolicy(account_exposure_multiple=parsed),
            default_tiers=parse_tiers(os.environ.get("RISK_KYC_TIER_LIMITS") or DEFAULT_TIER_LIMITS),
            checkpoint_interval_s=env_float_seconds("RISK_CHECKPOINT_INTERVAL_S", 1.0),
        )


def parse_tiers(text: str) -> tuple[TierLimits, ...]:
    """'{"0": {"max_leverage": "5", "assets": {"USDT": {"max_order_notional": "1000",
    "max_position_notional": "5000"}}}, ...}' (decimal strings)."""
    try:
        raw = json.loads(text)
        tiers = []
        for tier, body in sorted(raw.items(), key=lambda item: int(item[0])):
            where = f"RISK_KYC_TIER_LIMITS[{tier}]"
            assets = tuple(
                AssetLimits(asset=asset.upper(),
                            max_order_notional=parse_decimal(f"{where}[{asset}].max_order_notional",
                                                             str(limits["max_order_notional"]), positive=True),
                            max_position_notional=parse_decimal(f"{where}[{asset}].max_position_notional",
                                                                str(limits["max_position_notional"]), positive=True))
                for asset, limits in sorted(body["assets"].items()))
            tiers.append(TierLimits(tier=int(tier), asset_limits=assets,
                                    max_leverage=parse_decimal(f"{where}.max_leverage", str(body["max_leverage"]),
                                                               positive=True)))
        return tuple(tiers)
    except (ValueError, KeyError, TypeError, AttributeError, InvalidArgument) as exc:
        raise ConfigError(f"RISK_KYC_TIER_LIMITS is not valid: {getattr(exc, 'message', exc)}") from None
