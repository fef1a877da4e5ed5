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
            # longer than an order's usual trip to the engine and back, so a taker that fills at
            # once owes one SYNC, not two. 250 ms measured no better (mesh_bench at 30/s, two runs
            # each: CPU per order 56.4 / 56.1 ms against 52.0 / 56.4, p99 276 / 387 against 125 / 201).
            wallet_call_settle_s=env_float_seconds("ORDER_WALLET_CALL_SETTLE_S", 0.1),
        )
