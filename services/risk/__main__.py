"""python -m services.risk: the Risk service process.

RiskService (PreTradeCheck for the Order service, GetAccountRisk for traders) answers from an
in-memory state kept from other services' events:

  risk.feed         user.*, wallet.balance.updated.v1,     tiers, statuses, balances, positions,
                    risk.exposure.v2, md.mark.v1,          reference prices, working orders
                    md.index.v1, engine.event.v1
  risk.instruments  md.instrument.created.v1               instrument limits
  risk.settlements  settlement.completed.v1                re-arms the margin watch

The feed (services/platform/replay.py) applies its events -- one or more per order -- to memory
only; a checkpoint writes what they changed, with the feed's positions, about once a second
(app/checkpoint.py). The two rare consumers apply theirs in a transaction with an inbox row, as
everywhere else. At start-up the schema is loaded and the feed reads on from the stored
positions; until it has caught up, checks are UNAVAILABLE.
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
from services.platform.replay import ReplayedFeed
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.risk.adapters.tables import SCHEMA, inbox, outbox
from services.risk.api.account_events import ACCOUNT_TOPICS, AccountEvents
from services.risk.api.consumers import INSTRUMENT_TOPICS, InstrumentCacheUpdater
from services.risk.api.engine_events import ORDER_TOPICS, EngineEvents
from services.risk.api.market_events import PRICE_TOPICS, MarketEvents
from services.risk.api.servicer import RiskServicer
from services.risk.api.settlement_events import SETTLEMENT_TOPICS, SettlementEvents
from services.risk.app.checkpoint import Changes, Checkpoints
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
    changes = Changes()
    engine_events = EngineEvents(state, changes)
    # The live margin watch and the relay of its risk.liquidation.v1 events. Balances, exposures
    # and prices wake it (it looks again when what an account's margin depends on changed).
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    watch = MarginWatch(engine, state, on_events_committed=relay.wake)
    wakes_watch = frozenset(ACCOUNT_TOPICS + PRICE_TOPICS)

    def on_applied(topics: frozenset[str]) -> None:
        checkpoints.wake()
        if topics & wakes_watch:
            watch.wake()

    def on_caught_up() -> None:
        state.ready = True
        checkpoints.wake()  # what the catch-up changed is written without waiting for a new event

    feed = ReplayedFeed(
        name="risk.feed", bootstrap=settings.kafka_bootstrap, topics=ACCOUNT_TOPICS + PRICE_TOPICS + ORDER_TOPICS,
        handlers={**AccountEvents(state, changes).handlers(), **MarketEvents(state, changes).handlers(),
                  **engine_events.handlers()},
        on_applied=on_applied, on_caught_up=on_caught_up)
    checkpoints = Checkpoints(engine, state, changes, feed, interval_s=risk.checkpoint_interval_s)
    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="risk.events")
    instruments = EventConsumer(name="risk.instruments", hub=hub, topics=INSTRUMENT_TOPICS, engine=engine,
                                inbox=inbox, handlers=InstrumentCacheUpdater(state.instruments).handlers())
    # Re-arms the margin watch after the transaction that recorded a completed liquidation.
    settlement_events = SettlementEvents(watch)
    settlements = EventConsumer(name="risk.settlements", hub=hub,
                                topics=SETTLEMENT_TOPICS, engine=engine, inbox=inbox,
                                handlers=settlement_events.handlers(), on_committed=settlement_events.after_commit)
    leverage = LeverageSettings(engine, state)
    servicer = RiskServicer(RiskUseCases(state, risk, leverage=leverage))
    warmed = asyncio.Event()

    async def load_and_feed() -> None:
        # Run again after a crash of the feed (runtime's _guarded): the reload then puts the last
        # checkpoint under the newer memory, and reading on from its positions ends where memory was.
        state.ready = False
        positions = await warm_up(engine, state, feed.name)
        await leverage.load()
        warmed.set()
        await feed.run(positions)

    def after_warm_up(consumer: EventConsumer):
        # Events apply on top of the loaded state, never under it.
        async def run() -> None:
            await warmed.wait()
            await consumer.run()
        run.__qualname__ = f"consume:{consumer.name}"
        return run

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: risk_pb2_grpc.add_RiskServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        background=[load_and_feed, hub.run, after_warm_up(instruments), after_warm_up(settlements), relay.run,
                    watch.run, checkpoints.run],
        on_stop=[checkpoints.write_last, engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "risk")
