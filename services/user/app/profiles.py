"""Profile use cases: reads, account status, tier limits. Each write is one transaction
holding the change and its event."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.errors import NotFound
from services.platform.ids import now_ms
from services.user.adapters import profiles, publisher, tier_limits
from services.user.domain.limits import TierLimits, limits_of
from services.user.domain.profile import AccountStatus, UserProfile, change_status, check_user_id


@dataclass
class ProfileUseCases:
    engine: AsyncEngine
    on_events_committed: Callable[[], None] = lambda: None

    async def get(self, user_id: str, *, own: bool = False) -> tuple[UserProfile, TierLimits | None]:
        check_user_id(user_id)
        async with self.engine.connect() as conn:
            profile = await profiles.get(conn, user_id)
            tiers = await tier_limits.load_all(conn) if profile else []
        if profile is None:
            if own:
                # The profile follows signup through Kafka, a moment after the tokens.
                raise NotFound("your profile is not created yet; retry in a moment")
            raise NotFound(f"user {user_id} has no profile")
        return profile, limits_of(tiers, profile.kyc_tier)

    async def set_status(self, user_id: str, status: AccountStatus, reason: str, admin: str) -> UserProfile:
        check_user_id(user_id)
        async with self.engine.begin() as conn:
            current = await profiles.get(conn, user_id, for_update=True)
            if current is None:
                raise NotFound(f"user {user_id} has no profile")
            changed = change_status(current, status, reason, admin, now_ms())
            if changed is None:
                return current  # already in that status: nothing to record or announce
            await profiles.update(conn, changed)
            await publisher.status_changed(conn, current, changed, admin)
        self.on_events_committed()
        return changed

    async def tier_limits(self) -> list[TierLimits]:
        async with self.engine.connect() as conn:
            return await tier_limits.load_all(conn)
