"""Order-service settings beyond the common ones: where its gRPC dependencies listen (the mesh
passes <NAME>_ADDR for every service started before this one) and its timings."""
from __future__ import annotations

from dataclasses import dataclass

from services.platform.config import env_float_seconds, env_str


@dataclass(frozen=True)
class OrderSettings:
    metadata_addr: str
    risk_addr: str
    wallet_addr: str
    instrument_ttl_s: float
    rpc_timeout_s: float
    placement_abandon_after_s: float
    reconcile_interval_s: float
    wallet_call_settle_s: float

    @classmethod
    def from_env(cls) -> OrderSettings:
        return cls(
            metadata_addr=env_str("METADATA_ADDR", "127.0.0.1:50051"),
            risk_addr=env_str("RISK_ADDR", "127.0.0.1:50054"),
            wallet_addr=env_str("WALLET_ADDR", "127.0.0.1:50053"),
            instrument_ttl_s=env_float_seconds("ORDER_INSTRUMENT_TTL_S", 30.0),
            rpc_timeout_s=env_float_seconds("ORDER_RPC_TIMEOUT_S", 5.0),
            # Far above one attempt's worst case (two RPC timeouts plus the commit).
            placement_abandon_after_s=env_float_seconds("ORDER_PLACEMENT_ABANDON_AFTER_S", 30.0),
            reconcile_interval_s=env_float_seconds("ORDER_RECONCILE_INTERVAL_S", 5.0),
            # How long the wallet-call drainer lets calls gather after a wake-up (app/wallet_calls.py):
            # well beyond an order's trip to the engine and back under load, so a taker that fills
            # at once owes one SYNC, not two (at 100 ms, half the SYNCs of a slower run still
            # missed it: `bench.order_path`, 1.5 Wallet operations per order instead of 1.0).
            wallet_call_settle_s=env_float_seconds("ORDER_WALLET_CALL_SETTLE_S", 0.25),
        )
