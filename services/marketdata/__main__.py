"""python -m services.marketdata: the Market Data process (MarketDataService, the outbox relay
for md.trades.v1 / md.orderbook.delta.v1, the engine-event, price and snapshot/hash consumers)."""
from __future__ import annotations

from pathlib import Path

from tradex.marketdata.v1 import marketdata_pb2, marketdata_pb2_grpc

from services.marketdata.adapters.book_cache import BookCache
from services.marketdata.adapters.engine_client import EngineSnapshots
from services.marketdata.adapters.store import Store
from services.marketdata.adapters.tables import SCHEMA, inbox, outbox
from services.marketdata.api.consumers import (
    ENGINE_TOPICS,
    PRICE_TOPICS,
    CheckConsumer,
    EngineEventConsumer,
    PriceHandlers,
)
from services.marketdata.api.servicer import MarketDataServicer
from services.marketdata.app.hub import Hub
from services.marketdata.app.marketdata import ENGINE_CONSUMER, MarketData
from services.marketdata.config import MarketDataSettings
from services.platform.cache import make_redis
from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.kafka import make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main

SERVICE_NAMES = [marketdata_pb2.DESCRIPTOR.services_by_name["MarketDataService"].full_name]


async def build():
    settings = CommonSettings.from_env("marketdata", default_port=50062)
    md = MarketDataSettings.from_env()
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    snapshots = EngineSnapshots(md.engine_addr)
    app = MarketData(engine, Store(engine), BookCache(redis), Hub(), snapshots.snapshot, relay.wake)
    # One client for both inbox consumers (services/platform/consumer_hub.py). Its group is the
    # engine consumer's own, so that consumer's committed offsets carry over; the price topics
    # are read once more from the start by it, and the inbox drops what was applied.
    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group=ENGINE_CONSUMER)
    events = EngineEventConsumer(app, name=ENGINE_CONSUMER, hub=hub, topics=ENGINE_TOPICS, engine=engine, inbox=inbox)
    prices = PriceHandlers(app).consumer(name="marketdata.prices", hub=hub, topics=PRICE_TOPICS,
                                         engine=engine, inbox=inbox)
    checks = CheckConsumer(app, settings.kafka_bootstrap)

    async def consume_events() -> None:
        await app.start()  # books from Valkey before the first event
        await events.run()

    async def close() -> None:
        await snapshots.close()
        await redis.aclose()
        await engine.dispose()

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA, migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: marketdata_pb2_grpc.add_MarketDataServiceServicer_to_server(
            MarketDataServicer(app), server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, app.run_writer, hub.run, consume_events, prices.run, checks.run],
        on_stop=[close],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "marketdata")
