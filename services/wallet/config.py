"""Wallet settings from the environment (besides services.platform.config.CommonSettings)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal

from services.platform.config import ConfigError, env_float_seconds, env_str
from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument
from services.wallet.domain.ledger import ASSETS

# Daily deposit caps per KYC tier, used until the User service's own limits for a user arrive
# with user.kyc_updated.v1. Configuration, not code: override with WALLET_DEPOSIT_CAPS.
DEFAULT_DEPOSIT_CAPS = {
    0: {"USDT": Decimal("1000"), "INR": Decimal("100000")},
    1: {"USDT": Decimal("50000"), "INR": Decimal("5000000")},
    2: {"USDT": Decimal("1000000"), "INR": Decimal("100000000")},
}


@dataclass(frozen=True)
class WalletSettings:
    rail_url: str
    rail_hmac_secret: bytes
    webhook_tolerance_ms: int
    deposit_ttl_ms: int
    deposit_caps: dict[int, dict[str, Decimal]]

    @classmethod
    def from_env(cls) -> WalletSettings:
        secret = env_str("TRADEX_RAIL_HMAC_SECRET")
        if len(secret) < 16:
            raise ConfigError("TRADEX_RAIL_HMAC_SECRET must be at least 16 characters")
        return cls(
            rail_url=env_str("TRADEX_RAIL_URL", ""),
            rail_hmac_secret=secret.encode(),
            webhook_tolerance_ms=int(env_float_seconds("WALLET_WEBHOOK_TOLERANCE_S", 300) * 1000),
            deposit_ttl_ms=int(env_float_seconds("WALLET_DEPOSIT_TTL_S", 24 * 3600) * 1000),
            deposit_caps=parse_caps(os.environ.get("WALLET_DEPOSIT_CAPS", "")),
        )


def parse_caps(text: str) -> dict[int, dict[str, Decimal]]:
    """'{"0": {"USDT": "1000", "INR": "100000"}, "1": {...}}' (decimal strings)."""
    if not text:
        return DEFAULT_DEPOSIT_CAPS
    try:
        raw = json.loads(text)
        return {int(tier): {asset: parse_decimal(f"WALLET_DEPOSIT_CAPS[{tier}][{asset}]", str(cap), non_negative=True)
                            for asset, cap in caps.items() if asset in ASSETS}
                for tier, caps in raw.items()}
    except (ValueError, AttributeError, InvalidArgument) as exc:
        raise ConfigError(f"WALLET_DEPOSIT_CAPS is not valid: {getattr(exc, 'message', exc)}") from None
