"""Consumer of md.mark.v1 / md.index.v1: the last mark and index price per symbol.

Each quote keeps its `stale` flag and computation time; whether it may be trusted is decided
at check time (services/risk/domain/prices.py), not here, because trust decays with age.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.marketdata.v1 import events_pb2 as md_events

from services.platform.events import ReceivedEvent
from services.risk.adapters import price_store
from services.risk.api.event_parsing import EventReader
from services.risk.domain.prices import Quote
from services.risk.domain.state import RiskState

PRICE_TOPICS = ["md.mark.v1", "md.index.v1"]


class MarketEvents:
    def __init__(self, state: RiskState) -> None:
        self.state = state

    async def on_mark(self, conn: AsyncConnection, event: md_events.MarkPriceUpdated, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        mark = event.mark_price
        symbol = reader.required("mark_price.symbol", mark.symbol or received.key)
        quote = Quote(reader.decimal("mark_price.mark_price", mark.mark_price, positive=True), mark.stale,
                      reader.at(mark.computed_at_unix_ms))
        await price_store.upsert(conn, symbol, "mark", quote)
        self.state.put_mark(symbol, quote)

    async def on_index(self, conn: AsyncConnection, event: md_events.IndexPriceUpdated,
                       received: ReceivedEvent) -> None:
        reader = EventReader(received)
        index = event.index_price
        symbol = reader.required("index_price.symbol", index.symbol or received.key)
        quote = Quote(reader.decimal("index_price.price", index.price, positive=True), index.stale,
                      reader.at(index.computed_at_unix_ms))
        await price_store.upsert(conn, symbol, "index", quote)
        self.state.put_index(symbol, quote)

    def handlers(self) -> dict:
        return {md_events.MarkPriceUpdated: self.on_mark, md_events.IndexPriceUpdated: self.on_index}
