"""KYC tier change use cases (maker-checker). Each is one transaction; an approval holds the
tier change and user.kyc_updated.v1 together.

Lock order is always profile, then request: a request and an approval for the same user
can then never deadlock each other.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.errors import FailedPrecondition, InvalidArgument, NotFound
from services.platform.ids import new_id, now_ms
from services.platform.paging import decode_token, encode_token, page_limit
from services.user.adapters import kyc_requests, profiles, publisher, tier_limits
from services.user.domain.kyc import (
    KycRequestStatus,
    KycTierChange,
    Review,
    apply_approval,
    replay_or_conflict,
    request_change,
    review,
)
from services.user.domain.limits import limits_of
from services.user.domain.profile import UserProfile, check_user_id


def _request_id(value: str) -> str:
    return check_user_id(value, "request_id")  # same shape: a ULID issued by this service


@dataclass
class KycUseCases:
    engine: AsyncEngine
    on_events_committed: Callable[[], None] = lambda: None

    async def request(self, user_id: str, to_tier: int | None, reason: str, maker: str) -> KycTierChange:
        check_user_id(user_id)
        async with self.engine.begin() as conn:
            profile = await profiles.get(conn, user_id, for_update=True)
            if profile is None:
                raise NotFound(f"user {user_id} has no profile")
            configured = [t.tier for t in await tier_limits.load_all(conn)]
            proposed = request_change(new_id(), profile, to_tier, reason, maker, configured, now_ms())
            pending = await kyc_requests.pending_for_user(conn, user_id)
            if pending is not None:
                return replay_or_conflict(pending, proposed)
            await kyc_requests.insert(conn, proposed)
        return proposed

    async def approve(self, request_id: str, checker: str) -> tuple[KycTierChange, UserProfile]:
        async with self.engine.begin() as conn:
            current, profile = await self._lock(conn, _request_id(request_id))
            approved = review(current, Review.APPROVE, checker, now_ms())
            upgraded = apply_approval(profile, approved, approved.reviewed_at_unix_ms)
            limits = limits_of(await tier_limits.load_all(conn), upgraded.kyc_tier)
            if limits is None:
                # A tier removed from the table after the request was made.
                raise FailedPrecondition(f"KYC tier {upgraded.kyc_tier} is no longer configured")
            await kyc_requests.record_review(conn, approved)
            await profiles.update(conn, upgraded)
            await publisher.kyc_tier_updated(conn, approved, limits)
        self.on_events_committed()
        return approved, upgraded

    async def reject(self, request_id: str, checker: str, reason: str) -> KycTierChange:
        async with self.engine.begin() as conn:
            current, _profile = await self._lock(conn, _request_id(request_id))
            rejected = review(current, Review.REJECT, checker, now_ms(), reason)
            await kyc_requests.record_review(conn, rejected)
        return rejected

    async def list(self, status: KycRequestStatus | None, user_id: str, page_size: int,
                   page_token: str) -> tuple[list[KycTierChange], str]:
        if user_id:
            check_user_id(user_id)
        limit = page_limit(page_size)
        before = decode_token(page_token).get("before", "")
        if not isinstance(before, str):
            raise InvalidArgument("page_token is not a token this API issued")
        async with self.engine.connect() as conn:
            page = await kyc_requests.list_page(conn, status=status, user_id=user_id,
                                                before_request_id=before, limit=limit + 1)
        next_token = encode_token({"before": page[limit - 1].request_id}) if len(page) > limit else ""
        return page[:limit], next_token

    async def _lock(self, conn: AsyncConnection, request_id: str) -> tuple[KycTierChange, UserProfile]:
        found = await kyc_requests.get(conn, request_id)
        if found is None:
            raise NotFound(f"KYC tier request {request_id} does not exist")
        profile = await profiles.get(conn, found.user_id, for_update=True)
        current = await kyc_requests.get(conn, request_id, for_update=True)
        return current, profile
