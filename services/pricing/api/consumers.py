"""What the pricing service consumes.

- md.instrument.created.v1 (Metadata, after maker-checker approval): each instrument's index
  sources, stored in the pricing schema with an inbox row (exactly once), then given to the
  worker. Changing an instrument's sources is a Metadata change under the same maker-checker flow.
- engine.event.v1: only the last trade price per symbol, for the mark. It is a latest-wins value
  ordered by engine_seq and kept in memory (a redelivered trade cannot move it backwards), so
  this consumer needs no inbox; every mark tick stores the last trade price it used, which is
  what a restart starts from.
Both share one Kafka client (services/platform/consumer_hub.py).
"""
from __future__ import annotations

import json
import logging
from decimal import Decimal, InvalidOperation

from google.protobuf.json_format import MessageToDict
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.engine.v1 import events_pb2 as engine_events
from tradex.metadata.v1 import events_pb2 as metadata_events

from services.platform.events import ReceivedEvent
from services.platform.kafka import EventConsumer
from services.pricing.adapters import store
from services.pricing.app.worker import PricingWorker

log = logging.getLogger(__name__)

INSTRUMENT_TOPICS = ["md.instrument.created.v1"]
TRADE_TOPIC = "engine.event.v1"


class InstrumentEvents:
    def __init__(self, worker: PricingWorker) -> None:
        self.worker = worker

    async def on_created(self, conn: AsyncConnection, event: metadata_events.InstrumentCreated,
                         received: ReceivedEvent) -> None:
        i = event.instrument
        sources = [{"exchange": s.exchange, "symbol": s.symbol, "weight": s.weight} for s in i.index_sources]
        await store.upsert_instrument(conn, symbol=i.symbol, base_asset=i.base_asset, quote_asset=i.quote_asset,
                                      index_sources=sources, event_id=received.event_id)
        self.worker.put_instrument(i.symbol, i.base_asset, i.quote_asset, json.loads(json.dumps(sources)))

    def handlers(self) -> dict:
        return {metadata_events.InstrumentCreated: self.on_created}


class TradePrices(EventConsumer):
    """engine.event.v1's trade prices into the worker: no inbox (latest wins, by engine_seq), the
    batch's offsets stored once applied."""

    def __init__(self, worker: PricingWorker, **kwargs) -> None:
        super().__init__(handlers={}, **kwargs)  # no transaction: nothing of this is stored per event
        self.worker = worker

    def apply(self, event: engine_events.EngineEvent) -> None:
        if event.WhichOneof("event") != "trade_executed":
            return
        try:
            price = Decimal(event.trade_executed.price)
        except InvalidOperation:
            log.error("trade with a malformed price dropped", extra={"event": MessageToDict(event)})
            return
        self.worker.put_trade(event.symbol, event.engine_seq, price)

    async def _process_records(self, records: list) -> None:
        for record in records:
            try:
                self.apply(engine_events.EngineEvent.FromString(record.value() or b""))
            except Exception:  # noqa: BLE001 -- a bad record must not stop the prices
                log.exception("engine event not understood; skipped")
        self._store_offsets(records)
