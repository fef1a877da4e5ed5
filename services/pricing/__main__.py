"""python -m services.pricing: index price (ccxt), mark price and funding-rate estimates.

Its own deployable rather than a worker inside Market Data: Market Data does not exist yet, and
the two scale and fail differently (this one polls external venues on a timer and must keep
publishing when the books are quiet; Market Data folds engine events per command). It serves
MarketDataService's two price RPCs (GetIndexPrice, GetMarkPrice, public REST through Envoy) until
Market Data exists; then those RPCs move there, reading the same Valkey keys.

Background loops: the outbox relay, the consumer hub feeding the instrument consumer (index
sources from Metadata) and the last-trade consumer (engine.event.v1), the index loop and the
mark/funding loop.
"""
from __future__ import annotations

from pathlib import Path

from tradex.marketdata.v1 import marketdata_pb2, marketdata_pb2_grpc

from services.platform.cache import make_redis
from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.pricing.adapters.engine_client import EngineBooks
from services.pricing.adapters.tables import SCHEMA, inbox, outbox
from services.pricing.adapters.venues import VenueClients
from services.pricing.api.consumers import INSTRUMENT_TOPICS, TRADE_TOPIC, InstrumentEvents, TradePrices
from services.pricing.api.servicer import PricingServicer
from services.pricing.app.worker import PricingWorker
from services.pricing.config import PricingSettings

SERVICE_NAME = marketdata_pb2.DESCRIPTOR.services_by_name["MarketDataService"].full_name


async def build():
    settings = CommonSettings.from_env("pricing", default_port=50061)
    pricing = PricingSettings.from_env()
    engine = make_engine(settings.database_url, pool_size=4)
    cache = make_redis(settings.redis_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    venues = VenueClients(api_base_url=pricing.venue_api_url, load_markets=pricing.venue_load_markets,
                          timeout_ms=pricing.venue_timeout_ms)
    books = EngineBooks(pricing.engine_addr)
    worker = PricingWorker(engine=engine, cache=cache, venues=venues, books=books, settings=pricing,
                           on_committed=relay.wake)
    # One client for both consumers; its group is the instrument consumer's own, so that one's
    # committed offsets carry over (the trade prices, latest wins, are read once from the start).
    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="pricing.instruments")
    instruments = EventConsumer(name="pricing.instruments", hub=hub, topics=INSTRUMENT_TOPICS, engine=engine,
                                inbox=inbox, handlers=InstrumentEvents(worker).handlers())
    trades = TradePrices(worker, name="pricing.trades", hub=hub, topics=[TRADE_TOPIC], engine=engine, inbox=inbox)

    async def consume_instruments() -> None:
        await worker.ready.wait()  # events apply on top of the stored sources, never under them
        await instruments.run()

    async def close() -> None:
        await venues.close()
        await books.close()
        await cache.aclose()
        await engine.dispose()

    servicer = PricingServicer(cache)
    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: marketdata_pb2_grpc.add_MarketDataServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        background=[relay.run, worker.load, hub.run, consume_instruments, trades.run, worker.run_index, worker.run_mark,
                    worker.run_retention],
        on_stop=[close],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "pricing")
