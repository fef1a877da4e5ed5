"""Signup, seen from the User service: auth.account.created.v1 -> profile at tier 0 +
user.created.v1, both in the consumer's transaction (which also holds the inbox row)."""
from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.errors import InvalidArgument
from services.platform.events import MalformedEvent
from services.platform.ids import now_ms
from services.user.adapters import profiles, publisher
from services.user.domain.profile import new_profile

log = logging.getLogger(__name__)


async def open_profile(conn: AsyncConnection, *, account_id: str, email: str, created_at_unix_ms: int,
                       source_event_id: str) -> bool:
    """True if a profile was created. An account that already has one (the same account
    announced twice under another event id) changes nothing and emits nothing."""
    try:
        # The account's own creation time, so that a replay builds the very same profile and event.
        profile = new_profile(account_id, email, created_at_unix_ms or now_ms())
    except InvalidArgument as exc:
        # Retrying cannot fix a bad payload: the consumer logs and skips it.
        raise MalformedEvent(f"AccountCreated {source_event_id}: {exc.message}") from exc
    if not await profiles.insert(conn, profile, source_event_id):
        log.info("profile exists already", extra={"user_id": account_id, "event_id": source_event_id})
        return False
    await publisher.user_created(conn, profile)
    return True
