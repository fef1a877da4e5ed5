"""python -m services.position: the Position service process (PositionService, the outbox
relay, the trade / funding / mark consumers and the debounced risk.exposure.v2 publisher)."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.position.v1 import position_pb2, position_pb2_grpc

from services.platform.config import CommonSettings
from services.platform.db import make_engine
from services.platform.events import oneof_filter
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.position.adapters.instruments import InstrumentDirectory
from services.position.adapters.tables import SCHEMA, inbox, outbox
from services.position.api.consumers import FUNDING_TOPICS, MARK_TOPICS, TRADE_TOPICS, PositionConsumers
from services.position.api.servicer import PositionServicer
from services.position.app.use_cases import PositionUseCases
from services.position.config import PositionSettings

log = logging.getLogger(__name__)
SERVICE_NAMES = [position_pb2.DESCRIPTOR.services_by_name["PositionService"].full_name]


def exposure_loop(use_cases: PositionUseCases, interval_s: float):
    async def run() -> None:
        while True:
            try:
                await use_cases.publish_due_exposures(int(interval_s * 1000))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("exposure publication failed; retrying")
            await asyncio.sleep(max(interval_s / 4, 0.05))
    return run


async def build():
    settings = CommonSettings.from_env("position", default_port=50057)
    position = PositionSettings.from_env()
    engine = make_engine(settings.database_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    use_cases = PositionUseCases(engine, InstrumentDirectory(position.metadata_addr), relay.wake)
    consumers = PositionConsumers(use_cases)

    def consumer(name: str, topics: list[str], handlers: dict, relevant=None) -> EventConsumer:
        return EventConsumer(name=name, bootstrap=settings.kafka_bootstrap, topics=topics, engine=engine,
                             inbox=inbox, handlers=handlers, relevant=relevant)

    # Only trades reach the database: book deltas and order lifecycle events get no inbox row.
    trades = consumer("position.trades", TRADE_TOPICS, consumers.trade_handlers(),
                      oneof_filter(engine_pb.EngineEvent, "event", ["trade_executed"]))
    funding = consumer("position.funding", FUNDING_TOPICS, consumers.funding_handlers())
    marks = consumer("position.marks", MARK_TOPICS, consumers.mark_handlers())

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA, migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: position_pb2_grpc.add_PositionServiceServicer_to_server(
            PositionServicer(use_cases), server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, trades.run, funding.run, marks.run,
                    exposure_loop(use_cases, position.exposure_interval_s)],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "position")
