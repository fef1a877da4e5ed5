"""Market Data settings beyond the common ones."""
from __future__ import annotations

from dataclasses import dataclass

from services.platform.config import env_str


@dataclass(frozen=True)
class MarketDataSettings:
    engine_addr: str

    @classmethod
    def from_env(cls) -> MarketDataSettings:
        return cls(engine_addr=env_str("ENGINE_ADDR", "127.0.0.1:50056"))
