"""Kafka consumers of the Order service.

- engine.event.v1 -> order status, fills and the wallet calls they owe (app/engine_events.py).
- user.status_changed.v1 -> a suspended account's open orders are withdrawn (reason
  ACCOUNT_SUSPENDED), as Risk refuses its new non-reduce-only orders.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2

from services.order.app.commands import cancel_open_orders
from services.order.app.engine_events import RELEVANT, EngineEventApplier
from services.platform.events import ReceivedEvent, oneof_filter

ENGINE_TOPICS = ["engine.event.v1"]
ENGINE_CONSUMER = "order.engine-events"
USER_TOPICS = ["user.status_changed.v1"]
USER_CONSUMER = "order.user-status"


is_order_event = oneof_filter(engine_pb.EngineEvent, "event", RELEVANT)


async def on_user_status_changed(conn: AsyncConnection, event: user_events.UserStatusChanged,
                                 received: ReceivedEvent) -> None:
    if event.to_status == user_pb2.ACCOUNT_STATUS_SUSPENDED:
        await cancel_open_orders(conn, user_id=event.user_id, symbol="", reason="ACCOUNT_SUSPENDED")


ENGINE_HANDLERS = {engine_pb.EngineEvent: EngineEventApplier()}
USER_HANDLERS = {user_events.UserStatusChanged: on_user_status_changed}
