"""python -m services.position: the Position service process (PositionService, the outbox
relay, the trade / funding / mark consumers and the debounced risk.exposure.v2 publisher)."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.position.v1 import position_pb2, position_pb2_grpc

from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.events import oneof_filter
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.platform.user_stream import UserStreamHub, UserTopicTail
from services.platform.wakeup import Wakeup, run_passes
from services.position.adapters.instruments import InstrumentDirectory
from services.position.adapters.tables import SCHEMA, inbox, outbox
from services.position.api.consumers import FUNDING_TOPICS, MARK_TOPICS, TRADE_TOPICS, PositionConsumers
from services.position.api.servicer import PositionServicer
from services.position.api.stream import TAILED_TOPICS
from services.position.app.use_cases import PositionUseCases
from services.position.config import PositionSettings

log = logging.getLogger(__name__)
SERVICE_NAMES = [position_pb2.DESCRIPTOR.services_by_name["PositionService"].full_name]


class ExposureLoop:
    """Publishes due risk.exposure.v2 while positions are changing, and sleeps otherwise: a
    committed trade or funding wakes it, and it keeps looking every quarter interval only while
    there was a change within the last two intervals (a debounced user becomes due later).
    The slow timer is a safety net, so an idle service does not poll the database."""

    def __init__(self, use_cases: PositionUseCases, interval_s: float, safety_interval_s: float = 30.0) -> None:
        self._use_cases = use_cases
        self._interval_s = interval_s
        self._safety_interval_s = safety_interval_s
        self._changed = Wakeup()
        self._last_change = float("-inf")

    def wake(self) -> None:
        self._last_change = time.monotonic()
        self._changed.set()

    async def run(self) -> None:
        await run_passes("exposure publication", self._one_pass, self._changed, log)

    async def _one_pass(self) -> float:
        await self._use_cases.publish_due_exposures(int(self._interval_s * 1000))
        busy = time.monotonic() - self._last_change < 2 * self._interval_s
        return max(self._interval_s / 4, 0.05) if busy else self._safety_interval_s


async def build():
    settings = CommonSettings.from_env("position", default_port=50057)
    position = PositionSettings.from_env()
    engine = make_engine(settings.database_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    use_cases = PositionUseCases(engine, InstrumentDirectory(position.metadata_addr), relay.wake)
    consumers = PositionConsumers(use_cases)
    exposures = ExposureLoop(use_cases, position.exposure_interval_s)
    updates = UserStreamHub()  # StreamPositionUpdates, fed from position.updated/closed.v1
    tail = UserTopicTail(settings.kafka_bootstrap, updates, TAILED_TOPICS, group="position.stream")

    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="position.events")

    def consumer(name: str, topics: list[str], handlers: dict, relevant=None, changes_positions=True,
                 sent_together=False) -> EventConsumer:
        return EventConsumer(name=name, hub=hub, topics=topics, engine=engine,
                             inbox=inbox, handlers=handlers, relevant=relevant,
                             on_committed=exposures.wake if changes_positions else lambda: None,
                             sent_together=sent_together)

    # Only trades reach the database: book deltas and order lifecycle events get no inbox row.
    # A trade's transaction is mostly writes nothing reads (plain SQL, no row counts checked):
    # sent together, it holds its locks and the CPU for fewer round trips while Order applies
    # the same trade (docs/ARCHITECTURE.md, "Efficiency").
    trades = consumer("position.trades", TRADE_TOPICS, consumers.trade_handlers(),
                      oneof_filter(engine_pb.EngineEvent, "event", ["trade_executed"]), sent_together=True)
    funding = consumer("position.funding", FUNDING_TOPICS, consumers.funding_handlers())
    # A mark alone republishes no exposure (Risk values positions at the mark itself).
    marks = consumer("position.marks", MARK_TOPICS, consumers.mark_handlers(), changes_positions=False)

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA, migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: position_pb2_grpc.add_PositionServiceServicer_to_server(
            PositionServicer(use_cases, updates), server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, hub.run, trades.run, funding.run, marks.run,
                    exposures.run, tail.run],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "position")
