"""StreamPositionUpdates: the topics this process tails for its streaming callers
(services/platform/user_stream.py) and how one of their events becomes a stream message."""
from __future__ import annotations

from tradex.position.v1 import events_pb2 as pb_events
from tradex.position.v1 import position_pb2 as pb

from services.platform.user_stream import TailedTopic

TOPIC_UPDATED = "position.updated.v1"
TOPIC_CLOSED = "position.closed.v1"

TAILED_TOPICS = {
    TOPIC_UPDATED: TailedTopic(pb_events.PositionUpdated, lambda event: event.position.user_id),
    TOPIC_CLOSED: TailedTopic(pb_events.PositionClosed, lambda event: event.position.user_id),
}


def stream_response(topic: str, event) -> pb.StreamPositionUpdatesResponse:
    if topic == TOPIC_CLOSED:
        return pb.StreamPositionUpdatesResponse(position=event.position, closed=True, trade_id=event.trade_id,
                                                source_event_id=event.source_event_id,
                                                closed_at_unix_ms=event.closed_at_unix_ms)
    return pb.StreamPositionUpdatesResponse(position=event.position, trade_id=event.trade_id,
                                            source_event_id=event.source_event_id, realized_pnl=event.realized_pnl)
