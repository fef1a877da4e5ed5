"""python -m services.settlement: the Settlement service process (SettlementService, the outbox
relay, the risk.liquidation.v1 / engine.event.v1 / md.mark.v1 consumers and the liquidation
worker). One replica: the worker is the single writer of its records' steps."""
from __future__ import annotations

from pathlib import Path

from tradex.settlement.v1 import settlement_pb2, settlement_pb2_grpc

from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.settlement.adapters import store
from services.settlement.adapters.clients import Upstreams
from services.settlement.adapters.tables import SCHEMA, inbox, outbox
from services.settlement.api.consumers import (
    ENGINE_TOPICS,
    LIQUIDATION_TOPICS,
    MARK_TOPICS,
    EngineSequences,
    SettlementConsumers,
)
from services.settlement.api.servicer import SettlementServicer
from services.settlement.app.liquidations import Liquidations
from services.settlement.config import SettlementSettings

SERVICE_NAMES = [settlement_pb2.DESCRIPTOR.services_by_name["SettlementService"].full_name]


async def build():
    settings = CommonSettings.from_env("settlement", default_port=50060)
    own = SettlementSettings.from_env()
    engine = make_engine(settings.database_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    upstreams = Upstreams(order_addr=own.order_addr, wallet_addr=own.wallet_addr, position_addr=own.position_addr,
                          metadata_addr=own.metadata_addr, timeout_s=own.rpc_timeout_s)
    liquidations = Liquidations(engine, upstreams, lock_wait_s=own.lock_wait_s, idle_s=own.idle_s,
                                on_committed=relay.wake)
    sequences = EngineSequences()
    consumers = SettlementConsumers(liquidations, sequences)

    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="settlement.events")

    def consumer(name: str, topics: list[str], handlers: dict, relevant=None) -> EventConsumer:
        # A commit that applied events wakes the liquidation worker.
        return EventConsumer(name=name, hub=hub, topics=topics, engine=engine,
                             inbox=inbox, handlers=handlers, relevant=relevant, on_committed=liquidations.wake)

    async def consume_engine_events() -> None:
        # The open liquidation orders first, so that their expiry is never filtered out.
        async with engine.connect() as conn:
            sequences.open_orders |= await store.open_liquidation_orders(conn)
        await engine_events.run()

    triggers = consumer("settlement.liquidations", LIQUIDATION_TOPICS, consumers.liquidation_handlers())
    engine_events = consumer("settlement.engine", ENGINE_TOPICS, consumers.engine_handlers(), sequences.relevant)
    marks = EventConsumer(name="settlement.marks", hub=hub, topics=MARK_TOPICS,
                          engine=engine, inbox=inbox, handlers=consumers.mark_handlers())

    async def close() -> None:
        await upstreams.close()
        await engine.dispose()

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA, migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: settlement_pb2_grpc.add_SettlementServiceServicer_to_server(
            SettlementServicer(engine, upstreams), server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, hub.run, triggers.run, consume_engine_events, marks.run, liquidations.run],
        on_stop=[close],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "settlement")
