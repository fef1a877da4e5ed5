"""The wallet-call queue: rows written with the change that owes the call, drained after."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import wallet_calls


@dataclass(frozen=True)
class WalletCall:
    id: int
    call_key: str
    order_id: str
    kind: str
    payload: bytes
    attempts: int
    next_attempt_at_unix_ms: int


async def enqueue(conn: AsyncConnection, *, call_key: str, order_id: str, kind: str, payload: bytes,
                  now_ms: int) -> bool:
    """False if a call with this key is queued (or done) already: the key is the wallet's own
    idempotency key, so the same call is never owed twice."""
    result = await conn.execute(pg_insert(wallet_calls).values(
        call_key=call_key, order_id=order_id, kind=kind, payload=payload, attempts=0,
        next_attempt_at_unix_ms=now_ms, last_error="", created_at_unix_ms=now_ms,
    ).on_conflict_do_nothing().returning(wallet_calls.c.id))
    return result.first() is not None


async def pending(conn: AsyncConnection, limit: int) -> list[WalletCall]:
    """Oldest first, due or not: the drainer keeps each order's calls in this order."""
    rows = (await conn.execute(
        sa.select(wallet_calls.c.id, wallet_calls.c.call_key, wallet_calls.c.order_id, wallet_calls.c.kind,
                  wallet_calls.c.payload, wallet_calls.c.attempts, wallet_calls.c.next_attempt_at_unix_ms)
        .where(wallet_calls.c.done_at_unix_ms.is_(None)).order_by(wallet_calls.c.id).limit(limit))).all()
    return [WalletCall(*row) for row in rows]


async def mark_done(conn: AsyncConnection, call_id: int, now_ms: int, note: str = "") -> None:
    await conn.execute(wallet_calls.update().where(wallet_calls.c.id == call_id)
                       .values(done_at_unix_ms=now_ms, attempts=wallet_calls.c.attempts + 1, last_error=note))


async def mark_failed(conn: AsyncConnection, call_id: int, *, next_attempt_at_unix_ms: int, error: str) -> None:
    await conn.execute(wallet_calls.update().where(wallet_calls.c.id == call_id).values(
        attempts=wallet_calls.c.attempts + 1, next_attempt_at_unix_ms=next_attempt_at_unix_ms,
        last_error=error[:1000]))
