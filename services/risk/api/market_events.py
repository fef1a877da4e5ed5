"""Consumer of md.mark.v1 / md.index.v1: the last mark and index price per symbol.

Each quote keeps its `stale` flag and computation time; whether it may be trusted is decided
at check time (services/risk/domain/prices.py), not here, because trust decays with age.
"""
from __future__ import annotations

from tradex.marketdata.v1 import events_pb2 as md_events

from services.platform.events import ReceivedEvent
from services.risk.api.event_parsing import EventReader
from services.risk.app.checkpoint import Changes
from services.risk.domain.prices import Quote
from services.risk.domain.state import RiskState

PRICE_TOPICS = ["md.mark.v1", "md.index.v1"]


class MarketEvents:
    def __init__(self, state: RiskState, changes: Changes) -> None:
        self.state = state
        self.changes = changes

    def on_mark(self, event: md_events.MarkPriceUpdated, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        mark = event.mark_price
        symbol = reader.required("mark_price.symbol", mark.symbol or received.key)
        quote = Quote(reader.decimal("mark_price.mark_price", mark.mark_price, positive=True), mark.stale,
                      reader.at(mark.computed_at_unix_ms))
        self.state.put_mark(symbol, quote)
        self.changes.mark("price", symbol, received.event_id)

    def on_index(self, event: md_events.IndexPriceUpdated, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        index = event.index_price
        symbol = reader.required("index_price.symbol", index.symbol or received.key)
        quote = Quote(reader.decimal("index_price.price", index.price, positive=True), index.stale,
                      reader.at(index.computed_at_unix_ms))
        self.state.put_index(symbol, quote)
        self.changes.mark("price", symbol, received.event_id)

    def handlers(self) -> dict:
        return {md_events.MarkPriceUpdated: self.on_mark, md_events.IndexPriceUpdated: self.on_index}
