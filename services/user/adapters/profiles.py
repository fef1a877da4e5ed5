"""Profile rows <-> domain objects. Every function runs inside the caller's transaction."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.errors import Aborted
from services.user.adapters.tables import profiles
from services.user.domain.profile import AccountStatus, UserProfile


def _values(profile: UserProfile) -> dict:
    return dict(user_id=profile.user_id, email=profile.email, kyc_tier=profile.kyc_tier,
                status=profile.status.value, status_reason=profile.status_reason,
                created_at_unix_ms=profile.created_at_unix_ms, updated_at_unix_ms=profile.updated_at_unix_ms,
                version=profile.version)


def _from_row(row) -> UserProfile:
    return UserProfile(user_id=row.user_id, email=row.email, kyc_tier=row.kyc_tier,
                       status=AccountStatus(row.status), status_reason=row.status_reason,
                       created_at_unix_ms=row.created_at_unix_ms, updated_at_unix_ms=row.updated_at_unix_ms,
                       version=row.version)


async def get(conn: AsyncConnection, user_id: str, *, for_update: bool = False) -> UserProfile | None:
    query = sa.select(profiles).where(profiles.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return _from_row(row) if row else None


async def insert(conn: AsyncConnection, profile: UserProfile, source_event_id: str) -> bool:
    """False if the user already has a profile (an earlier event for the same account)."""
    result = await conn.execute(
        pg_insert(profiles).values(**_values(profile), source_event_id=source_event_id)
        .on_conflict_do_nothing(index_elements=["user_id"]).returning(profiles.c.user_id))
    return result.first() is not None


async def update(conn: AsyncConnection, profile: UserProfile) -> None:
    """Optimistic lock: the stored version must be the one the change started from."""
    result = await conn.execute(
        profiles.update()
        .where(profiles.c.user_id == profile.user_id, profiles.c.version == profile.version - 1)
        .values(**_values(profile)))
    if result.rowcount != 1:
        raise Aborted(f"user {profile.user_id} changed concurrently; retry")
