"""bcrypt, off the event loop (a cost-12 hash takes ~0.25 s of CPU)."""
from __future__ import annotations

import asyncio

import bcrypt

BCRYPT_COST = 12
# Compared against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = bcrypt.hashpw(b"tradex-timing-equaliser", bcrypt.gensalt(4))


async def hash_password(password: str, cost: int = BCRYPT_COST) -> str:
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), bcrypt.gensalt(cost))
    return hashed.decode()


async def verify_password(password: str, password_hash: str | None) -> bool:
    target = password_hash.encode() if password_hash else _DUMMY_HASH
    matched = await asyncio.to_thread(bcrypt.checkpw, password.encode(), target)
    return matched and password_hash is not None
