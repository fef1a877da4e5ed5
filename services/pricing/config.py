"""Pricing settings from the environment (besides CommonSettings). Durations in seconds, rates
and notionals as decimal strings. Every interval shrinks by configuration for demos and tests."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal

from services.platform.config import ConfigError, env_float_seconds, env_int
from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument
from services.pricing.domain.index import IndexPolicy
from services.pricing.domain.mark import FundingPolicy

# Sized for a young exchange's book (the demo market maker quotes more than this per side); raise it
# with real depth, since a thin side gives no premium sample.
DEFAULT_IMPACT_NOTIONAL = json.dumps({"USDT": "200", "INR": "17000"})


def _decimal(name: str, default: str, *, positive: bool = False) -> Decimal:
    raw = os.environ.get(name) or default
    try:
        value = parse_decimal(name, raw, positive=positive)
    except InvalidArgument as exc:
        raise ConfigError(exc.message) from None
    if value < 0:
        raise ConfigError(f"environment variable {name} must not be negative, got {raw!r}")
    return value


@dataclass(frozen=True)
class PricingSettings:
    index_interval_s: float
    sample_interval_s: float
    index_policy: IndexPolicy
    funding_policy: FundingPolicy
    # Impact notional per quote asset (the instrument's quote), e.g. {"USDT": 1000}.
    impact_notional: dict[str, Decimal]
    # "" = the real venues; else the local simulator's base URL (http://127.0.0.1:<port>).
    venue_api_url: str
    venue_load_markets: bool
    venue_timeout_ms: int
    engine_addr: str
    # Stored ticks are kept this long.
    retention_ms: int = 7 * 86_400_000
    # An unchanged index or mark is re-published only this often: a quiet market costs nothing
    # downstream, and consumers' freshness limits (Risk's RISK_PRICE_MAX_AGE_S, Funding's
    # FUNDING_MAX_PRICE_AGE_S, both 30 s by default) still see a price at least this fresh.
    heartbeat_ms: int = 10_000

    @classmethod
    def from_env(cls) -> PricingSettings:
        min_sources = env_int("PRICING_MIN_SOURCES", 2)
        if min_sources < 1:
            raise ConfigError("environment variable PRICING_MIN_SOURCES must be at least 1")
        interval_s = env_float_seconds("PRICING_FUNDING_INTERVAL_S", 8 * 3600)
        if interval_s <= 0:
            raise ConfigError("environment variable PRICING_FUNDING_INTERVAL_S must be positive")
        raw_impact = os.environ.get("PRICING_IMPACT_NOTIONAL") or DEFAULT_IMPACT_NOTIONAL
        try:
            impact = {asset.upper(): parse_decimal(f"PRICING_IMPACT_NOTIONAL[{asset}]", str(v), positive=True)
                      for asset, v in json.loads(raw_impact).items()}
        except (ValueError, AttributeError) as exc:
            raise ConfigError(f"PRICING_IMPACT_NOTIONAL is not a JSON object of decimals: {exc}") from None
        except InvalidArgument as exc:
            raise ConfigError(exc.message) from None
        return cls(
            index_interval_s=env_float_seconds("PRICING_INDEX_INTERVAL_S", 1.0) or 1.0,
            sample_interval_s=env_float_seconds("PRICING_SAMPLE_INTERVAL_S", 5.0) or 5.0,
            index_policy=IndexPolicy(
                stale_after_ms=int(env_float_seconds("PRICING_STALE_AFTER_S", 10.0) * 1000),
                max_deviation=_decimal("PRICING_MAX_DEVIATION", "0.02"),
                min_sources=min_sources),
            funding_policy=FundingPolicy(
                interval_ms=int(interval_s * 1000),
                interest_rate=_decimal("PRICING_INTEREST_RATE", "0.0001"),
                clamp=_decimal("PRICING_FUNDING_CLAMP", "0.0005"),
                basis_window_ms=int(env_float_seconds("PRICING_BASIS_WINDOW_S", 300.0) * 1000)),
            impact_notional=impact,
            venue_api_url=os.environ.get("PRICING_VENUE_API_URL", ""),
            venue_load_markets=os.environ.get("PRICING_VENUE_LOAD_MARKETS", "") in ("1", "true"),
            venue_timeout_ms=int(env_float_seconds("PRICING_VENUE_TIMEOUT_S", 3.0) * 1000),
            engine_addr=os.environ.get("ENGINE_ADDR", ""),
            retention_ms=int(env_float_seconds("PRICING_RETENTION_S", 7 * 86_400.0) * 1000),
            heartbeat_ms=int(env_float_seconds("PRICING_HEARTBEAT_S", 10.0) * 1000),
        )
