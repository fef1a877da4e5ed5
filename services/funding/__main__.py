"""python -m services.funding: the Funding service process (FundingService, the outbox relay,
the md.funding.v1 rate cache, the leader-elected scheduler + sealer, and the worker pool).

Run several replicas: one holds the scheduler's advisory lock (the leader opens, snapshots and
seals cycles); every replica runs FUNDING_WORKERS workers on the shared SKIP LOCKED queue."""
from __future__ import annotations

import os
import socket
from pathlib import Path

from tradex.funding.v1 import funding_pb2, funding_pb2_grpc

from services.funding.adapters.clients import Upstreams
from services.funding.adapters.tables import SCHEMA, outbox
from services.funding.api.consumers import RateCache
from services.funding.api.servicer import FundingServicer
from services.funding.app.queries import FundingQueries
from services.funding.app.settlement import FundingSettlement
from services.funding.config import FundingSettings
from services.platform.config import CommonSettings
from services.platform.db import make_engine
from services.platform.kafka import make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main

SERVICE_NAMES = [funding_pb2.DESCRIPTOR.services_by_name["FundingService"].full_name]


async def build():
    settings = CommonSettings.from_env("funding", default_port=50059)
    funding = FundingSettings.from_env()
    engine = make_engine(settings.database_url, pool_size=4 + funding.workers)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    upstreams = Upstreams(metadata_addr=funding.metadata_addr, pricing_addr=funding.pricing_addr,
                          position_addr=funding.position_addr, wallet_addr=funding.wallet_addr,
                          timeout_s=funding.rpc_timeout_s)
    symbols = frozenset(s for s in os.environ.get("FUNDING_SYMBOLS", "").split(",") if s)
    settlement = FundingSettlement(engine, upstreams, funding, on_committed=relay.wake, symbols=symbols)
    rates = RateCache(settings.kafka_bootstrap, f"funding.rates.{socket.gethostname()}.{os.getpid()}")
    servicer = FundingServicer(FundingQueries(engine), upstreams, rates, funding)

    async def close() -> None:
        await upstreams.close()
        await engine.dispose()

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA, migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: funding_pb2_grpc.add_FundingServiceServicer_to_server(servicer, server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, rates.run, settlement.run_scheduler,
                    *[settlement.run_worker for _ in range(funding.workers)]],
        on_stop=[close],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "funding")
