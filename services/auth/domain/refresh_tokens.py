"""The refresh-token lifecycle. Pure.

A login starts a *family*. Each refresh spends the presented token (ACTIVE -> ROTATED) and
issues its successor in the same family. Presenting a ROTATED token again means two parties
hold it (one of them stole it): the whole family is revoked, so both must sign in again.
"""
from __future__ import annotations

from enum import Enum


class TokenStatus(Enum):
    ACTIVE = "ACTIVE"
    ROTATED = "ROTATED"
    REVOKED = "REVOKED"


class RefreshOutcome(Enum):
    ROTATE = "ROTATE"
    REUSE_DETECTED = "REUSE_DETECTED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


def on_presented(status: TokenStatus, expires_at_unix_ms: int, now_ms: int) -> RefreshOutcome:
    if status is TokenStatus.ROTATED:
        return RefreshOutcome.REUSE_DETECTED
    if status is TokenStatus.REVOKED:
        return RefreshOutcome.REVOKED
    if now_ms >= expires_at_unix_ms:
        return RefreshOutcome.EXPIRED
    return RefreshOutcome.ROTATE
