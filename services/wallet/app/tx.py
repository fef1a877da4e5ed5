"""Running a use case as ONE database transaction, retried when it lost an optimistic race.

A retry re-runs the whole use case from its first read, so every decision is taken again on
fresh balances; nothing of the losing attempt survives its rollback. The first attempt is
optimistic (no row lock while deciding); a retry reads the balance FOR UPDATE (see
ledger_store.lock_on_read), so contended accounts converge rather than livelock.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.db import sent_together
from services.platform.errors import Aborted
from services.wallet.adapters import ledger_store
from services.wallet.adapters.ledger_store import StaleBalance

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 50
# unique_violation (a concurrent twin took the idempotency key), serialization_failure,
# deadlock_detected: all mean "someone else committed first; look again".
_RETRYABLE_SQLSTATES = {"23505", "40001", "40P01"}


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, StaleBalance):
        return True
    if isinstance(exc, (IntegrityError, DBAPIError)):
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
    return False


async def run_tx(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]],
                 attempts: int = MAX_ATTEMPTS, *, together: bool = False) -> T:
    """`together`: the statements go in psycopg's pipeline mode (services/platform/db.py,
    `sent_together`), for work that runs plain SQL only and checks its row counts with
    `sql_run_expecting`; a lost race then surfaces at the block's end, before COMMIT, and is
    retried the same way."""
    token = ledger_store.lock_on_read.set(False)
    try:
        for attempt in range(attempts):
            try:
                async with engine.begin() as conn:
                    async with sent_together(conn) if together else contextlib.nullcontext():
                        return await work(conn)
            except Exception as exc:
                if not _retryable(exc):
                    raise
                log.debug("transaction lost a race; retrying", extra={"attempt": attempt, "error": str(exc)})
                ledger_store.lock_on_read.set(True)
                await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Aborted("too much concurrent activity on this account; retry")
    finally:
        ledger_store.lock_on_read.reset(token)
