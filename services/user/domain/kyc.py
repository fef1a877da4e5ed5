"""KYC tier changes, maker-checker: a maker requests, a different checker approves or rejects.
Pure: no protobuf, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from services.platform.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from services.user.domain.profile import UserProfile, check_reason


class KycRequestStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Review(Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


# The whole request lifecycle: (from, review) -> to. Anything else is refused; APPROVED and
# REJECTED are final (a new request is the way to try again).
TRANSITIONS: dict[tuple[KycRequestStatus, Review], KycRequestStatus] = {
    (KycRequestStatus.PENDING, Review.APPROVE): KycRequestStatus.APPROVED,
    (KycRequestStatus.PENDING, Review.REJECT): KycRequestStatus.REJECTED,
}


@dataclass(frozen=True)
class KycTierChange:
    request_id: str
    user_id: str
    from_tier: int
    to_tier: int
    reason: str
    status: KycRequestStatus
    requested_by: str
    requested_at_unix_ms: int
    reviewed_by: str = ""
    reviewed_at_unix_ms: int = 0
    rejection_reason: str = ""


def request_change(request_id: str, profile: UserProfile, to_tier: int | None, reason: str, maker: str,
                   configured_tiers: list[int], now_ms: int) -> KycTierChange:
    if to_tier is None:
        raise InvalidArgument("to_tier is required")
    if to_tier not in configured_tiers:
        raise InvalidArgument(f"to_tier {to_tier} is not a configured KYC tier (configured: "
                              f"{', '.join(map(str, configured_tiers))})")
    if to_tier == profile.kyc_tier:
        raise InvalidArgument(f"to_tier must differ from the user's current tier ({profile.kyc_tier})")
    reason = check_reason(reason)
    if maker == profile.user_id:
        raise PermissionDenied("an admin cannot request a KYC tier change for their own account")
    return KycTierChange(request_id=request_id, user_id=profile.user_id, from_tier=profile.kyc_tier,
                         to_tier=to_tier, reason=reason, status=KycRequestStatus.PENDING,
                         requested_by=maker, requested_at_unix_ms=now_ms)


def replay_or_conflict(pending: KycTierChange, proposed: KycTierChange) -> KycTierChange:
    """A user has at most one PENDING request. The same proposal again (a client retry) gets
    the pending one back; a different one must wait until the pending one is reviewed."""
    same = (pending.to_tier, pending.reason, pending.requested_by) == \
        (proposed.to_tier, proposed.reason, proposed.requested_by)
    if same:
        return pending
    raise AlreadyExists(f"user {pending.user_id} already has a PENDING KYC tier request "
                        f"{pending.request_id} (to tier {pending.to_tier}); approve or reject it first")


def review(request: KycTierChange, decision: Review, checker: str, now_ms: int,
           reason: str = "") -> KycTierChange:
    """Four eyes: the checker must be neither the maker nor the user concerned."""
    if checker == request.requested_by:
        raise PermissionDenied("the admin who requested a KYC tier change cannot review it")
    if checker == request.user_id:
        raise PermissionDenied("an admin cannot review a KYC tier change of their own account")
    target = TRANSITIONS.get((request.status, decision))
    if target is None:
        raise FailedPrecondition(f"KYC tier request {request.request_id} is {request.status.value}; "
                                 "only PENDING requests can be reviewed")
    rejection = check_reason(reason) if decision is Review.REJECT else ""
    return replace(request, status=target, reviewed_by=checker, reviewed_at_unix_ms=now_ms,
                   rejection_reason=rejection)


def apply_approval(profile: UserProfile, approved: KycTierChange, now_ms: int) -> UserProfile:
    """The profile at the approved tier. The tier must still be the one the maker saw: a
    request approved against a tier that has since changed would skip or undo a decision."""
    if approved.status is not KycRequestStatus.APPROVED:
        raise FailedPrecondition(f"KYC tier request {approved.request_id} is not APPROVED")
    if profile.kyc_tier != approved.from_tier:
        raise FailedPrecondition(
            f"user {profile.user_id} is at tier {profile.kyc_tier}, not {approved.from_tier} as when "
            f"request {approved.request_id} was made; reject it and request again")
    return replace(profile, kyc_tier=approved.to_tier, updated_at_unix_ms=now_ms, version=profile.version + 1)
