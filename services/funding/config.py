"""Funding settings from the environment (besides CommonSettings). Durations in seconds; every
interval shrinks by configuration so demos and tests run cycles every few seconds."""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

from services.platform.config import ConfigError, env_float_seconds, env_int, env_str
from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument


def _decimal(name: str, default: str) -> Decimal:
    try:
        return parse_decimal(name, os.environ.get(name) or default, non_negative=True)
    except InvalidArgument as exc:
        raise ConfigError(exc.message) from None


def _ms(name: str, default_s: float) -> int:
    return int(env_float_seconds(name, default_s) * 1000)


@dataclass(frozen=True)
class FundingSettings:
    interval_ms: int = 8 * 3_600_000
    # Trades in flight at the boundary land before the snapshot is taken.
    grace_ms: int = 30_000
    # Prices older than this (by their computed time) never open a cycle.
    max_price_age_ms: int = 30_000
    # A boundary is opened at most this long after it; later it is skipped with an alarm
    # (prices then would not be the boundary's).
    max_open_delay_ms: int = 300_000
    # Scheduler tick (leader election, opening, snapshot, seal checks).
    tick_ms: int = 1_000
    workers: int = 2
    # Pause after each non-empty batch: smooths a big cycle's burst into Kafka and Position.
    worker_pause_ms: int = 0
    worker_batch: int = 100
    max_attempts: int = 6
    backoff_base_ms: int = 500
    backoff_max_ms: int = 60_000
    # The asset quantum payments are rounded to, and the zero-sum tolerance.
    amount_quantum: Decimal = Decimal("0.00000001")
    tolerance: Decimal = Decimal("0.0001")
    # A published cycle whose settlements the Wallet has not all applied after this long goes
    # to NEEDS_REVIEW.
    seal_timeout_ms: int = 600_000
    metadata_addr: str = "127.0.0.1:50051"
    position_addr: str = "127.0.0.1:50057"
    wallet_addr: str = "127.0.0.1:50053"
    pricing_addr: str = "127.0.0.1:50061"
    rpc_timeout_s: float = 5.0

    @classmethod
    def from_env(cls) -> FundingSettings:
        interval_ms = _ms("FUNDING_INTERVAL_S", 8 * 3600.0)
        if interval_ms <= 0:
            raise ConfigError("FUNDING_INTERVAL_S must be positive")
        workers = env_int("FUNDING_WORKERS", 2)
        if workers < 1:
            raise ConfigError("FUNDING_WORKERS must be at least 1")
        return cls(
            interval_ms=interval_ms,
            grace_ms=_ms("FUNDING_SNAPSHOT_GRACE_S", 30.0),
            max_price_age_ms=_ms("FUNDING_MAX_PRICE_AGE_S", 30.0),
            max_open_delay_ms=_ms("FUNDING_MAX_OPEN_DELAY_S", 300.0),
            tick_ms=max(100, _ms("FUNDING_TICK_S", 1.0)),
            workers=workers,
            worker_pause_ms=_ms("FUNDING_WORKER_PAUSE_S", 0.0),
            worker_batch=env_int("FUNDING_WORKER_BATCH", 100),
            max_attempts=env_int("FUNDING_MAX_ATTEMPTS", 6),
            backoff_base_ms=_ms("FUNDING_BACKOFF_BASE_S", 0.5),
            backoff_max_ms=_ms("FUNDING_BACKOFF_MAX_S", 60.0),
            amount_quantum=_decimal("FUNDING_AMOUNT_QUANTUM", "0.00000001"),
            tolerance=_decimal("FUNDING_TOLERANCE", "0.0001"),
            seal_timeout_ms=_ms("FUNDING_SEAL_TIMEOUT_S", 600.0),
            metadata_addr=env_str("METADATA_ADDR", "127.0.0.1:50051"),
            position_addr=env_str("POSITION_ADDR", "127.0.0.1:50057"),
            wallet_addr=env_str("WALLET_ADDR", "127.0.0.1:50053"),
            pricing_addr=env_str("PRICING_ADDR", "127.0.0.1:50061"),
            rpc_timeout_s=env_float_seconds("FUNDING_RPC_TIMEOUT_S", 5.0),
        )
