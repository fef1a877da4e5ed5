"""Kafka consumers of the Market Data service (the first two share one client, a hub):
  marketdata.engine     engine.event.v1 (book deltas and trades): live at once, then written with
                        the inbox by the app's writer, in batches
  marketdata.prices     md.mark.v1, md.index.v1, md.funding.v1 (latest prices for tickers and the
                        price streams)
  snapshots/hashes      engine.snapshot.v1 and engine.bookhash.v1, in memory only (checks are
                        idempotent, so no inbox), from the latest offsets
"""
from __future__ import annotations

import asyncio
import logging

from google.protobuf.message import DecodeError
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.marketdata.v1 import events_pb2 as md_pb

from services.marketdata.adapters import mappers
from services.marketdata.app.marketdata import LiveEvent, MarketData
from services.platform.events import MalformedEvent, ReceivedEvent, from_kafka
from services.platform.kafka import EventConsumer
from services.platform.kafka_clients import PolledClient, make_consumer, poll_on_thread

log = logging.getLogger(__name__)

ENGINE_TOPICS = ["engine.event.v1"]
PRICE_TOPICS = ["md.mark.v1", "md.index.v1", "md.funding.v1"]
CHECK_TOPICS = ["engine.snapshot.v1", "engine.bookhash.v1"]


class EngineEventConsumer(EventConsumer):
    """engine.event.v1 into the live feeds at once; the app's writer commits each batch (trades,
    candles, outbox, inbox) and only then are the batch's offsets stored (app/marketdata.py)."""

    def __init__(self, app: MarketData, **kwargs) -> None:
        super().__init__(handlers={}, **kwargs)  # no per-event handler: batches go to the app whole
        self._app = app

    def wanted(self, event: ReceivedEvent) -> bool:
        return event.event_type == engine_pb.EngineEvent.DESCRIPTOR.full_name

    async def _process_records(self, records: list) -> None:
        events = []
        for record in records:
            try:
                received = from_kafka(record)
                if self.wanted(received):
                    events.append(self._live_event(received))
            except (MalformedEvent, DecodeError):
                log.error("dropping malformed record", exc_info=True, extra={"consumer": self.name})
        await self._app.apply_live(events, on_durable=lambda: self._store_offsets(records))

    @staticmethod
    def _live_event(received: ReceivedEvent) -> LiveEvent:
        event = received.decode(engine_pb.EngineEvent)
        if not event.symbol or event.engine_seq <= 0:
            raise MalformedEvent(f"EngineEvent {received.event_id}: symbol and engine_seq are required")
        # The engine's time (the command's accepted time), never this consumer's clock.
        at = event.occurred_at_unix_ms or received.occurred_at_unix_ms
        trade = mappers.trade_row(event, at) if event.WhichOneof("event") == "trade_executed" else None
        return LiveEvent(received.event_id, event.symbol, mappers.engine_item(event, at), trade)


class PriceHandlers:
    """md.mark.v1 / md.index.v1 / md.funding.v1 for the platform EventConsumer (built by
    `consumer`): prices are stored in the consumer's transaction; after its commit
    (`on_committed`) the tickers of the symbols it touched are republished and the newest price
    of each (kind, symbol) goes to the price streams."""

    def __init__(self, app: MarketData) -> None:
        self._app = app
        self._touched: set[str] = set()
        # (kind, symbol) -> (computed_at, message): the newest of this transaction, for the streams.
        self._prices: dict[tuple[str, str], tuple[int, object]] = {}

    def _keep(self, kind: str, symbol: str, at_unix_ms: int, message) -> None:
        self._touched.add(symbol)
        held = self._prices.get((kind, symbol))
        if held is None or held[0] < at_unix_ms:
            self._prices[(kind, symbol)] = (at_unix_ms, message)

    def consumer(self, **kwargs) -> EventConsumer:
        return EventConsumer(handlers={md_pb.MarkPriceUpdated: self.on_mark, md_pb.IndexPriceUpdated: self.on_index,
                                       md_pb.FundingRateUpdated: self.on_funding},
                             on_committed=self.on_committed, **kwargs)

    async def on_mark(self, conn: AsyncConnection, event: md_pb.MarkPriceUpdated, received: ReceivedEvent) -> None:
        m = event.mark_price
        if m.symbol:
            await self._app.on_price(conn, m.symbol, m.computed_at_unix_ms, mark_price=m.mark_price)
            self._keep("mark", m.symbol, m.computed_at_unix_ms, m)

    async def on_index(self, conn: AsyncConnection, event: md_pb.IndexPriceUpdated, received: ReceivedEvent) -> None:
        i = event.index_price
        if i.symbol:
            await self._app.on_price(conn, i.symbol, i.computed_at_unix_ms, index_price=i.price)
            self._keep("index", i.symbol, i.computed_at_unix_ms, i)

    async def on_funding(self, conn: AsyncConnection, event: md_pb.FundingRateUpdated,
                         received: ReceivedEvent) -> None:
        f = event.funding_rate
        if f.symbol:
            await self._app.on_price(conn, f.symbol, f.computed_at_unix_ms, funding_rate=f.funding_rate,
                                     next_funding_unix_ms=f.next_funding_unix_ms)
            self._keep("funding", f.symbol, f.computed_at_unix_ms, f)

    def on_committed(self) -> None:
        touched, self._touched = self._touched, set()
        prices, self._prices = self._prices, {}
        for symbol in touched:
            self._app.hub.publish("ticker", symbol, ("changed", None))
        for (kind, symbol), (at, message) in prices.items():
            self._app.price_committed(kind, symbol, at, message)


class CheckConsumer:
    """engine.snapshot.v1 and engine.bookhash.v1: compared with the live books, no database.

    Checks are idempotent and only the newest matter, so offsets are stored as polled and
    committed by librdkafka; a restart starts from the latest."""

    def __init__(self, app: MarketData, bootstrap: str, group: str = "marketdata.checks") -> None:
        self._app = app
        self._client = PolledClient(
            make_consumer(bootstrap, group, **{"auto.offset.reset": "latest", "enable.auto.commit": True}), group)
        self._polled: asyncio.Queue[list] = asyncio.Queue()

    async def run(self) -> None:
        self._client.call("subscribe", lambda consumer: consumer.subscribe(CHECK_TOPICS))
        async with asyncio.TaskGroup() as tasks:  # either one failing or cancelled stops both
            tasks.create_task(poll_on_thread(self._client, self._polled.put_nowait))
            tasks.create_task(self._check_forever())

    async def _check_forever(self) -> None:
        while True:
            for record in await self._polled.get():
                try:
                    await self._handle(from_kafka(record))
                except MalformedEvent:
                    log.error("dropping malformed record", exc_info=True)

    async def _handle(self, received: ReceivedEvent) -> None:
        if received.event_type == engine_pb.BookSnapshot.DESCRIPTOR.full_name:
            await self._app.on_engine_snapshot(mappers.engine_snapshot(received.decode(engine_pb.BookSnapshot)))
        elif received.event_type == engine_pb.BookHash.DESCRIPTOR.full_name:
            await self._app.on_engine_hash(mappers.book_hash(received.decode(engine_pb.BookHash)))
