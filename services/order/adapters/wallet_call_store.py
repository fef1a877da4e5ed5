"""The wallet-call queue: rows written with the change that owes the call, drained after.

Plain SQL on the transaction's psycopg connection (services/platform/db.py): every order queues and
drains several calls."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, fields

from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import wallet_calls
from services.platform.db import qualified, sql_all, sql_one, sql_run


@dataclass(frozen=True)
class WalletCall:
    id: int
    call_key: str
    order_id: str
    kind: str
    payload: bytes
    attempts: int
    next_attempt_at_unix_ms: int


_TABLE = qualified(wallet_calls)
_ENQUEUE = (f"INSERT INTO {_TABLE} (call_key, order_id, kind, payload, attempts, next_attempt_at_unix_ms, "
            "last_error, created_at_unix_ms) VALUES (%s, %s, %s, %s, 0, %s, '', %s) "
            "ON CONFLICT DO NOTHING")
# WalletCall's fields in declaration order: a row in this column order is WalletCall's arguments.
_PENDING = (f"SELECT {', '.join(f.name for f in fields(WalletCall))} FROM {_TABLE} "
            "WHERE done_at_unix_ms IS NULL ORDER BY id LIMIT %s")
_ANY_PENDING = f"SELECT EXISTS (SELECT 1 FROM {_TABLE} WHERE done_at_unix_ms IS NULL)"
_MARK_DONE = f"UPDATE {_TABLE} SET done_at_unix_ms = %s, attempts = attempts + 1, last_error = %s WHERE id = %s"
# Calls a later one made pointless (a bucket's earlier SYNCs): done without being sent, one statement.
_MARK_SUPERSEDED = f"UPDATE {_TABLE} SET done_at_unix_ms = %s, last_error = %s WHERE id = ANY(%s)"
_MARK_FAILED = (f"UPDATE {_TABLE} SET attempts = attempts + 1, next_attempt_at_unix_ms = %s, last_error = %s "
                "WHERE id = %s")


# Set when this task's transaction queued a call; its commit callback wakes the drainer only then
# (take_queued). Most of Order's commits owe nothing -- an order accepted, a position mirrored --
# and each wake-up costs the drainer a read (`order_path`: 1.5 per order).
_queued: ContextVar[bool] = ContextVar("order_wallet_call_queued", default=False)


async def enqueue(conn: AsyncConnection, *, call_key: str, order_id: str, kind: str, payload: bytes,
                  now_ms: int) -> None:
    """A call with this key already queued (or done) stays as it is: the key is the wallet's own
    idempotency key, so the same call is never owed twice. Nothing is read back, so inside
    `sent_together` (the engine-event transaction) the INSERT costs no round trip of its own."""
    await sql_run(conn, _ENQUEUE, (call_key, order_id, kind, payload, now_ms, now_ms))
    _queued.set(True)


def take_queued() -> bool:
    """Whether this task queued a call since it last asked (a rolled-back one included: that
    costs one needless wake-up, never a missed one)."""
    queued = _queued.get()
    if queued:
        _queued.set(False)
    return queued


async def pending(conn: AsyncConnection, limit: int) -> list[WalletCall]:
    """Oldest first, due or not: the drainer keeps each order's calls in this order."""
    return [WalletCall(call_id, call_key, order_id, kind, bytes(payload), attempts, next_attempt)
            for call_id, call_key, order_id, kind, payload, attempts, next_attempt
            in await sql_all(conn, _PENDING, (limit,))]


async def any_pending(conn: AsyncConnection) -> bool:
    """Whether any call is still owed, due or not (the partial index of pending calls answers)."""
    return bool((await sql_one(conn, _ANY_PENDING))[0])


async def mark_done(conn: AsyncConnection, call_id: int, now_ms: int, note: str = "") -> None:
    await sql_run(conn, _MARK_DONE, (now_ms, note, call_id))


async def mark_superseded(conn: AsyncConnection, call_ids: list[int], now_ms: int, note: str) -> None:
    if call_ids:
        await sql_run(conn, _MARK_SUPERSEDED, (now_ms, note, call_ids))


async def mark_failed(conn: AsyncConnection, call_id: int, *, next_attempt_at_unix_ms: int, error: str) -> None:
    await sql_run(conn, _MARK_FAILED, (next_attempt_at_unix_ms, error[:1000], call_id))
