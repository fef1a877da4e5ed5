"""Settlement-service settings beyond the common ones."""
from __future__ import annotations

from dataclasses import dataclass

from services.platform.config import env_float_seconds, env_str


@dataclass(frozen=True)
class SettlementSettings:
    order_addr: str
    wallet_addr: str
    position_addr: str
    metadata_addr: str
    # How long a liquidation waits for the cancelled orders' locks to come back before it
    # computes the bankruptcy price anyway (locks count in equity either way).
    lock_wait_s: float
    # The worker's idle timer between passes when nothing woke it.
    idle_s: float
    rpc_timeout_s: float

    @classmethod
    def from_env(cls) -> SettlementSettings:
        return cls(order_addr=env_str("ORDER_ADDR", "127.0.0.1:50055"),
                   wallet_addr=env_str("WALLET_ADDR", "127.0.0.1:50053"),
                   position_addr=env_str("POSITION_ADDR", "127.0.0.1:50057"),
                   metadata_addr=env_str("METADATA_ADDR", "127.0.0.1:50051"),
                   lock_wait_s=env_float_seconds("SETTLEMENT_LOCK_WAIT_S", 10.0),
                   idle_s=env_float_seconds("SETTLEMENT_IDLE_S", 1.0),
                   rpc_timeout_s=env_float_seconds("SETTLEMENT_RPC_TIMEOUT_S", 5.0))
