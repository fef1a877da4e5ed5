"""Email and password rules. Pure."""
from __future__ import annotations

import re

from services.platform.errors import InvalidArgument

EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt ignores what follows; refuse rather than silently truncate

TRADER = "trader"
ADMIN_MAKER = "admin:maker"
ADMIN_CHECKER = "admin:checker"
KNOWN_ROLES = (TRADER, ADMIN_MAKER, ADMIN_CHECKER)


def normalize_email(email: str) -> str:
    value = (email or "").strip().lower()
    if not value:
        raise InvalidArgument("email is required")
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise InvalidArgument(f"email {email!r} is not a valid address")
    return value


def check_password_length(password: str) -> None:
    """bcrypt reads at most 72 bytes: a longer password is refused (INVALID_ARGUMENT, HTTP 400), at
    signup and at login alike, never truncated and never pre-hashed."""
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidArgument(
            f"password must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt reads no more), "
            f"got {len(password.encode())}")


def check_password_policy(password: str) -> None:
    if not password:
        raise InvalidArgument("password is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    check_password_length(password)
    if len(set(password)) < 4:
        raise InvalidArgument("password is too simple (use at least 4 different characters)")
    if not (any(c.isalpha() for c in password) and any(not c.isalpha() for c in password)):
        raise InvalidArgument("password must mix letters with digits or symbols")


def check_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in KNOWN_ROLES]
    if unknown or not roles:
        raise InvalidArgument(f"roles must be a non-empty subset of {list(KNOWN_ROLES)}, got {roles}")
    return sorted(set(roles))
