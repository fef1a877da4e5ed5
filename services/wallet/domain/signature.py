"""The rail webhook's HMAC (ConfirmDepositRequest.signature in wallet.proto). Pure.

The signature covers the request's fields, not the HTTP body: Envoy transcodes JSON into
protobuf, so the service never sees the signed bytes. Fields are used exactly as sent.
"""
from __future__ import annotations

import hashlib
import hmac

from services.platform.errors import Unauthenticated

VERSION = "v1"


def canonical(deposit_id: str, rail_reference: str, asset: str, amount: str, timestamp_unix_ms: int) -> str:
    return "|".join((VERSION, deposit_id, rail_reference, asset, amount, str(timestamp_unix_ms)))


def sign(secret: bytes, deposit_id: str, rail_reference: str, asset: str, amount: str,
         timestamp_unix_ms: int) -> str:
    text = canonical(deposit_id, rail_reference, asset, amount, timestamp_unix_ms)
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def verify(secret: bytes, *, deposit_id: str, rail_reference: str, asset: str, amount: str,
           timestamp_unix_ms: int, signature: str, now_ms: int, tolerance_ms: int) -> None:
    """Raises Unauthenticated unless the signature is right and the timestamp is fresh.

    The signature is compared first and in constant time, so a forger learns nothing from how
    long a refusal takes; only then is the (now authenticated) timestamp judged.
    """
    expected = sign(secret, deposit_id, rail_reference, asset, amount, timestamp_unix_ms)
    if not hmac.compare_digest(expected.encode(), (signature or "").encode()):
        raise Unauthenticated("rail webhook signature is invalid", reason="BAD_SIGNATURE")
    if abs(now_ms - timestamp_unix_ms) > tolerance_ms:
        raise Unauthenticated(
            f"rail webhook timestamp is {abs(now_ms - timestamp_unix_ms) // 1000} s from now, more than the "
            f"{tolerance_ms // 1000} s tolerated", reason="STALE_SIGNATURE")
