"""Idempotency keys and request fingerprints for the wallet's mutating operations. Pure.

A replay (same key, same fingerprint) returns the original result; the same key with another
fingerprint is ALREADY_EXISTS. Decimals are normalised first, so "10" and "10.00" are the same
request.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from services.platform.errors import AlreadyExists


def fingerprint(**fields) -> str:
    parts = []
    for name in sorted(fields):
        value = fields[name]
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f") if value else "0"
        parts.append(f"{name}={value}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def check_replay(key: str, stored: str, requested: str) -> None:
    if stored != requested:
        raise AlreadyExists(f"{key} was already used with a different request", reason="IDEMPOTENCY_KEY_REUSED")


def lock_key(lock_id: str) -> str:
    return f"lock:{lock_id}"


def order_margin_key(operation_id: str) -> str:
    return f"order-margin:{operation_id}"


def release_key(release_id: str) -> str:
    return f"release:{release_id}"


def trade_key(trade_id: str, order_id: str) -> str:
    return f"trade:{trade_id}:{order_id}"


def settlement_key(settlement_id: str) -> str:
    return f"settlement:{settlement_id}"


def insurance_key(transfer_id: str) -> str:
    return f"insurance:{transfer_id}"


def deposit_key(deposit_id: str) -> str:
    return f"deposit:{deposit_id}"
