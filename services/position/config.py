"""Position-service settings beyond the common ones."""
from __future__ import annotations

from dataclasses import dataclass

from services.platform.config import env_float_seconds, env_str


@dataclass(frozen=True)
class PositionSettings:
    metadata_addr: str
    # risk.exposure.v2 goes out at most once per this interval per user (always the latest state).
    exposure_interval_s: float

    @classmethod
    def from_env(cls) -> PositionSettings:
        return cls(metadata_addr=env_str("METADATA_ADDR", "127.0.0.1:50051"),
                   exposure_interval_s=env_float_seconds("POSITION_EXPOSURE_INTERVAL_S", 1.0))
