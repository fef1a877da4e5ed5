"""Kafka consumers of the User service."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.auth.v1 import events_pb2 as auth_events

from services.platform.events import ReceivedEvent
from services.user.app.onboarding import open_profile

ACCOUNT_TOPICS = ["auth.account.created.v1"]
CONSUMER_NAME = "user.accounts"


async def on_account_created(conn: AsyncConnection, event: auth_events.AccountCreated,
                             received: ReceivedEvent) -> None:
    """Runs inside the EventConsumer's transaction, after its inbox claim: the profile, its
    user.created.v1 and the inbox row commit together or not at all."""
    await open_profile(conn, account_id=event.account_id, email=event.email,
                       created_at_unix_ms=event.created_at_unix_ms, source_event_id=received.event_id)


HANDLERS = {auth_events.AccountCreated: on_account_created}
