"""User events, written to the outbox in the caller's transaction. Every event id is derived
from what it reports, so a retried transaction can never write a second, different event for
the same change (the outbox's unique event_id refuses it)."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.user.v1 import events_pb2

from services.platform.outbox import add_event
from services.user.adapters.mappers import ACCOUNT_STATUS_TO_PB, limits_to_proto, user_to_proto
from services.user.adapters.tables import outbox
from services.user.domain.kyc import KycTierChange
from services.user.domain.limits import TierLimits
from services.user.domain.profile import UserProfile

TOPIC_CREATED = "user.created.v1"
TOPIC_KYC_UPDATED = "user.kyc_updated.v1"
TOPIC_STATUS_CHANGED = "user.status_changed.v1"


def created_event_id(user_id: str) -> str:
    return f"user-created:{user_id}"


async def user_created(conn: AsyncConnection, profile: UserProfile) -> str:
    return await add_event(conn, outbox, topic=TOPIC_CREATED, key=profile.user_id,
                           event=events_pb2.UserCreated(user=user_to_proto(profile)),
                           event_id=created_event_id(profile.user_id),
                           occurred_at_unix_ms=profile.created_at_unix_ms)


async def kyc_tier_updated(conn: AsyncConnection, approved: KycTierChange, limits: TierLimits) -> str:
    # One approval per request, ever: the request id identifies the change.
    return await add_event(
        conn, outbox, topic=TOPIC_KYC_UPDATED, key=approved.user_id,
        event=events_pb2.KycTierUpdated(
            user_id=approved.user_id, from_tier=approved.from_tier, to_tier=approved.to_tier,
            request_id=approved.request_id, requested_by=approved.requested_by,
            approved_by=approved.reviewed_by, limits=limits_to_proto(limits),
            updated_at_unix_ms=approved.reviewed_at_unix_ms),
        event_id=f"user-kyc-updated:{approved.request_id}",
        occurred_at_unix_ms=approved.reviewed_at_unix_ms)


async def status_changed(conn: AsyncConnection, before: UserProfile, after: UserProfile, admin: str) -> str:
    # The profile version after the change identifies it (a user may be suspended many times).
    return await add_event(
        conn, outbox, topic=TOPIC_STATUS_CHANGED, key=after.user_id,
        event=events_pb2.UserStatusChanged(
            user_id=after.user_id, from_status=ACCOUNT_STATUS_TO_PB[before.status],
            to_status=ACCOUNT_STATUS_TO_PB[after.status], reason=after.status_reason, changed_by=admin,
            changed_at_unix_ms=after.updated_at_unix_ms),
        event_id=f"user-status:{after.user_id}:v{after.version}",
        occurred_at_unix_ms=after.updated_at_unix_ms)
