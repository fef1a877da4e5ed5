"""python -m services.risk: the Risk service process.

Today it keeps the local instrument cache from md.instrument.created.v1 (the state
PreTradeCheck will read); the RiskService RPCs arrive with the trading-core issue.
"""
from __future__ import annotations

from pathlib import Path

from services.platform.config import CommonSettings
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.risk.adapters import instrument_store
from services.risk.adapters.tables import SCHEMA, inbox
from services.risk.api.consumers import INSTRUMENT_TOPICS, InstrumentCacheUpdater
from services.risk.domain.instruments import InstrumentCache


async def build():
    settings = CommonSettings.from_env("risk", default_port=50054)
    engine = make_engine(settings.database_url)
    cache = InstrumentCache()
    updater = InstrumentCacheUpdater(cache)
    consumer = EventConsumer(name="risk.instruments", bootstrap=settings.kafka_bootstrap,
                             topics=INSTRUMENT_TOPICS, engine=engine, inbox=inbox,
                             handlers=updater.handlers())

    async def warm_then_consume() -> None:
        async with engine.connect() as conn:
            for limits in await instrument_store.load_all(conn):
                cache.put(limits)
        await consumer.run()

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        background=[warm_then_consume],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "risk")
