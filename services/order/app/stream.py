"""StreamOrderUpdates: every process tails order.updated.v1 (which every replica writes) and fans
each update out to its own streaming callers, by user, with the platform's user-stream pieces
(services/platform/user_stream.py: why a tail of the topic, and what a slow caller gets)."""
from __future__ import annotations

from tradex.order.v1 import events_pb2 as order_events

from services.platform.user_stream import TailedTopic, UserStreamHub, UserTopicTail

TOPIC = "order.updated.v1"
TAILED = {TOPIC: TailedTopic(order_events.OrderUpdated, lambda update: update.order.user_id)}


def update_tail(bootstrap: str, hub: UserStreamHub) -> UserTopicTail:
    return UserTopicTail(bootstrap, hub, TAILED, group="order.stream")
