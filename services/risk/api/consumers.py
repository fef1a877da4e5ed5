"""Kafka consumers of the Risk service: local state from other services' events."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.metadata.v1 import events_pb2 as md_events

from services.platform.decimals import parse_decimal
from services.platform.events import ReceivedEvent
from services.risk.adapters import instrument_store
from services.risk.domain.instruments import InstrumentCache, InstrumentLimits

INSTRUMENT_TOPICS = ["md.instrument.created.v1"]


def limits_from_event(event: md_events.InstrumentCreated) -> InstrumentLimits:
    i = event.instrument

    def dec(name: str) -> Decimal:  # the platform's one decimal grammar, naming the field
        return parse_decimal(f"instrument.{name}", getattr(i, name), non_negative=True)

    return InstrumentLimits(
        symbol=i.symbol, quote_asset=i.quote_asset, tick_size=dec("tick_size"),
        lot_size=dec("lot_size"), min_notional=dec("min_notional"),
        max_leverage=dec("max_leverage"), maintenance_margin_rate=dec("maintenance_margin_rate"),
        taker_fee_rate=dec("taker_fee_rate"), price_band_rate=dec("price_band_rate"),
        max_order_quantity=dec("max_order_quantity"))


class InstrumentCacheUpdater:
    """Applies InstrumentCreated to the risk schema, then to the in-memory cache.

    The in-memory put happens inside the handler, i.e. before the commit: if the commit then
    fails, the event is redelivered and put again, so memory never misses a committed row.
    """

    def __init__(self, cache: InstrumentCache) -> None:
        self.cache = cache

    async def on_instrument_created(self, conn: AsyncConnection, event: md_events.InstrumentCreated,
                                    received: ReceivedEvent) -> None:
        limits = limits_from_event(event)
        await instrument_store.upsert(conn, limits, received.event_id)
        self.cache.put(limits)

    def handlers(self) -> dict:
        return {md_events.InstrumentCreated: self.on_instrument_created}
