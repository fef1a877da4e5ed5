"""python -m services.risk: the Risk service process.

RiskService (PreTradeCheck for the Order service, GetAccountRisk for traders) answers from an
in-memory state that four consumer groups keep from other services' events, each event applied
to the risk schema and to memory in one transaction with its inbox row:

  risk.instruments  md.instrument.created.v1                            instrument limits
  risk.accounts     user.*, wallet.balance.updated.v1, risk.exposure.v2  tiers, statuses, balances, positions
  risk.prices       md.mark.v1, md.index.v1                              reference prices
  risk.orders       engine.event.v1                                      working orders
  risk.settlements  settlement.completed.v1                              re-arms the margin watch

Separate groups, so that a burst of prices or engine events never delays a suspension or a
balance. At start-up the schema is loaded into memory first; until then checks are UNAVAILABLE.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from tradex.risk.v1 import risk_pb2, risk_pb2_grpc

from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.risk.adapters.tables import SCHEMA, inbox, outbox
from services.risk.api.account_events import ACCOUNT_TOPICS, AccountEvents
from services.risk.api.consumers import INSTRUMENT_TOPICS, InstrumentCacheUpdater
from services.risk.api.engine_events import ORDER_TOPICS, EngineEvents
from services.risk.api.market_events import PRICE_TOPICS, MarketEvents
from services.risk.api.servicer import RiskServicer
from services.risk.api.settlement_events import SETTLEMENT_TOPICS, SettlementEvents
from services.risk.app.leverage import LeverageSettings
from services.risk.app.margin_watch import MarginWatch
from services.risk.app.pretrade import RiskUseCases
from services.risk.app.warmup import warm_up
from services.risk.config import RiskSettings
from services.risk.domain.state import RiskState

SERVICE_NAME = risk_pb2.DESCRIPTOR.services_by_name["RiskService"].full_name


async def build():
    settings = CommonSettings.from_env("risk", default_port=50054)
    risk = RiskSettings.from_env()
    engine = make_engine(settings.database_url)
    state = RiskState()
    for tier in risk.default_tiers:
        state.put_tier(tier)
    orders = EngineEvents(state)
    groups = [
        ("risk.instruments", INSTRUMENT_TOPICS, InstrumentCacheUpdater(state.instruments).handlers()),
        ("risk.accounts", ACCOUNT_TOPICS, AccountEvents(state).handlers()),
        ("risk.prices", PRICE_TOPICS, MarketEvents(state).handlers()),
        ("risk.orders", ORDER_TOPICS, orders.handlers()),
    ]
    relevant = {"risk.orders": orders.relevant}
    # The live margin watch and the relay of its risk.liquidation.v1 events. Balances, exposures
    # and prices wake it (it looks again when what an account's margin depends on changed).
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    watch = MarginWatch(engine, state, on_events_committed=relay.wake)
    wakes_watch = {"risk.accounts", "risk.prices"}
    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="risk.events")
    consumers = [EventConsumer(name=name, hub=hub, topics=topics, engine=engine,
                               inbox=inbox, handlers=handlers, relevant=relevant.get(name),
                               on_committed=watch.wake if name in wakes_watch else (lambda: None))
                 for name, topics, handlers in groups]
    warmed = asyncio.Event()

    async def load_state() -> None:
        await warm_up(engine, state)
        await leverage.load()
        warmed.set()

    def after_warm_up(consumer: EventConsumer):
        # Events apply on top of the loaded state, never under it.
        async def run() -> None:
            await warmed.wait()
            await consumer.run()
        run.__qualname__ = f"consume:{consumer.name}"
        return run

    leverage = LeverageSettings(engine, state)
    servicer = RiskServicer(RiskUseCases(state, risk, leverage=leverage))
    # Re-arms the margin watch after the transaction that recorded a completed liquidation.
    settlement_events = SettlementEvents(watch)
    settlements = EventConsumer(name="risk.settlements", hub=hub,
                                topics=SETTLEMENT_TOPICS, engine=engine, inbox=inbox,
                                handlers=settlement_events.handlers(), on_committed=settlement_events.after_commit)
    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: risk_pb2_grpc.add_RiskServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        background=[load_state, hub.run, *(after_warm_up(c) for c in consumers), after_warm_up(settlements), relay.run,
                    watch.run],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "risk")
