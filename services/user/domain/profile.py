"""User profiles and account status. Pure: no protobuf, no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum

from services.platform.errors import FailedPrecondition, InvalidArgument, PermissionDenied

# Auth issues ULIDs; the pattern is looser on purpose (any id Auth might issue later), but it
# keeps junk such as path fragments or 10 kB strings out of queries and error messages.
USER_ID_PATTERN = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
MAX_REASON_LENGTH = 500
SIGNUP_TIER = 0


class AccountStatus(Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


# The whole status lifecycle: which status may follow which (same status = no-op, handled apart).
STATUS_TRANSITIONS: dict[AccountStatus, frozenset[AccountStatus]] = {
    AccountStatus.ACTIVE: frozenset({AccountStatus.SUSPENDED}),
    AccountStatus.SUSPENDED: frozenset({AccountStatus.ACTIVE}),
}


@dataclass(frozen=True)
class UserProfile:
    user_id: str
    email: str
    kyc_tier: int
    status: AccountStatus
    created_at_unix_ms: int
    updated_at_unix_ms: int
    status_reason: str = ""
    # Optimistic lock, and part of the status event's id (one event per version).
    version: int = 1


def check_user_id(value: str, field: str = "user_id") -> str:
    if not value:
        raise InvalidArgument(f"{field} is required")
    if not USER_ID_PATTERN.match(value):
        raise InvalidArgument(f"{field} must be an account id (letters, digits, '-' or '_', at most 64), "
                              f"got {value[:80]!r}")
    return value


def check_reason(value: str, field: str = "reason") -> str:
    reason = (value or "").strip()
    if not reason:
        raise InvalidArgument(f"{field} is required (it is kept for the audit trail)")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidArgument(f"{field} must be at most {MAX_REASON_LENGTH} characters")
    return reason


def new_profile(user_id: str, email: str, at_ms: int) -> UserProfile:
    """Signup: tier 0 and ACTIVE, so the account is usable at once within tier-0 limits."""
    return UserProfile(user_id=check_user_id(user_id, "account_id"), email=email, kyc_tier=SIGNUP_TIER,
                       status=AccountStatus.ACTIVE, created_at_unix_ms=at_ms, updated_at_unix_ms=at_ms)


def change_status(profile: UserProfile, to_status: AccountStatus, reason: str, admin: str,
                  now_ms: int) -> UserProfile | None:
    """The profile after the change, or None when it already has that status (a no-op, so a
    retried call publishes nothing twice)."""
    reason = check_reason(reason)
    if admin == profile.user_id:
        # An admin suspending or reactivating their own account is exactly what needs a second person.
        raise PermissionDenied("an admin cannot change the status of their own account")
    if to_status is profile.status:
        return None
    if to_status not in STATUS_TRANSITIONS[profile.status]:
        raise FailedPrecondition(f"account {profile.user_id} cannot go from {profile.status.value} "
                                 f"to {to_status.value}")
    return replace(profile, status=to_status, status_reason=reason, updated_at_unix_ms=now_ms,
                   version=profile.version + 1)
