"""The webhook signature, as ConfirmDepositRequest.signature in wallet.proto specifies it."""
from __future__ import annotations

import hashlib
import hmac


def sign(secret: bytes, deposit_id: str, rail_reference: str, asset: str, amount: str, timestamp_unix_ms: int) -> str:
    text = "|".join(("v1", deposit_id, rail_reference, asset, amount, str(timestamp_unix_ms)))
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def signed_callback(secret: bytes, *, deposit_id: str, rail_reference: str, asset: str, amount: str,
                    timestamp_unix_ms: int) -> dict:
    """The JSON body of one webhook call (ConfirmDepositRequest in proto3 JSON)."""
    return {"rail_reference": rail_reference, "deposit_id": deposit_id, "amount": amount, "asset": asset,
            "timestamp_unix_ms": str(timestamp_unix_ms),
            "signature": sign(secret, deposit_id, rail_reference, asset, amount, timestamp_unix_ms)}
