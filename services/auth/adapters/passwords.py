"""bcrypt, off the event loop (a cost-12 hash takes ~0.25 s of CPU)."""
from __future__ import annotations

import asyncio
import functools

import bcrypt

BCRYPT_COST = 12


@functools.cache
def dummy_hash(cost: int = BCRYPT_COST) -> bytes:
    """Compared against when the email is unknown, so an unknown email and a wrong password cost the
    same bcrypt work: a hash of the same cost as real ones, computed once per cost (Auth computes it at
    start, see AuthUseCases.__post_init__)."""
    return bcrypt.hashpw(b"tradex-timing-equaliser", bcrypt.gensalt(cost))


async def hash_password(password: str, cost: int = BCRYPT_COST) -> str:
    hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), bcrypt.gensalt(cost))
    return hashed.decode()


async def verify_password(password: str, password_hash: str | None, cost: int = BCRYPT_COST) -> bool:
    """The caller has already refused passwords over bcrypt's 72 bytes (bcrypt raises on them)."""
    target = password_hash.encode() if password_hash else dummy_hash(cost)
    matched = await asyncio.to_thread(bcrypt.checkpw, password.encode(), target)
    return matched and password_hash is not None
