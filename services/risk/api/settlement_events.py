"""settlement.completed.v1 -> the margin watch re-arms an account once Settlement completed the
last liquidation it emitted for it (consumer group risk.settlements)."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.settlement.v1 import events_pb2 as settlement_events

from services.platform.events import MalformedEvent, ReceivedEvent
from services.risk.adapters import margin_watch_store as store
from services.risk.app.margin_watch import MarginWatch

SETTLEMENT_TOPICS = ["settlement.completed.v1"]


class SettlementEvents:
    def __init__(self, watch: MarginWatch) -> None:
        self._watch = watch
        self.rearmed: list[tuple[str, str]] = []

    async def on_completed(self, conn: AsyncConnection, event: settlement_events.SettlementCompleted,
                           received: ReceivedEvent) -> None:
        record = event.record
        if not (record.liquidation_id and record.user_id and record.asset):
            raise MalformedEvent(f"SettlementCompleted {received.event_id}: liquidation_id, user_id, asset required")
        at = record.completed_at_unix_ms or received.occurred_at_unix_ms
        if await store.liquidation_completed(conn, record.liquidation_id, record.user_id, record.asset.upper(), at):
            self.rearmed.append((record.user_id, record.asset.upper()))

    def after_commit(self) -> None:
        for user_id, asset in self.rearmed:
            self._watch.rearm(user_id, asset)
        self.rearmed.clear()

    def handlers(self) -> dict:
        return {settlement_events.SettlementCompleted: self.on_completed}
