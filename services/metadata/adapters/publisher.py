"""Instrument lifecycle events, written to the outbox in the caller's transaction."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.metadata.v1 import events_pb2

from services.metadata.adapters.mappers import instrument_to_proto
from services.metadata.adapters.tables import outbox
from services.metadata.domain.instrument import Instrument, InstrumentStatus
from services.platform.outbox import add_event

TOPIC_PROPOSED = "md.instrument.proposed.v1"
TOPIC_CREATED = "md.instrument.created.v1"
TOPIC_REJECTED = "md.instrument.rejected.v1"

_BY_STATUS = {
    InstrumentStatus.PENDING: (TOPIC_PROPOSED, events_pb2.InstrumentProposed),
    InstrumentStatus.ACTIVE: (TOPIC_CREATED, events_pb2.InstrumentCreated),
    InstrumentStatus.REJECTED: (TOPIC_REJECTED, events_pb2.InstrumentRejected),
}


async def record_lifecycle_event(conn: AsyncConnection, instrument: Instrument) -> str:
    """One event per status an instrument enters; the id is derived from symbol and version so
    a retried use case can never write a second, different event for the same change."""
    topic, event_class = _BY_STATUS[instrument.status]
    return await add_event(
        conn, outbox, topic=topic, key=instrument.symbol,
        event=event_class(instrument=instrument_to_proto(instrument)),
        event_id=f"instrument:{instrument.symbol}:v{instrument.version}",
        occurred_at_unix_ms=instrument.reviewed_at_unix_ms or instrument.created_at_unix_ms,
    )
