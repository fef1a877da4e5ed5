"""In-flight placement attempts (see app/placement.py for why they exist).

Plain SQL on the transaction's psycopg connection (services/platform/db.py): every placement claims,
locks and deletes its row."""
from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import orders, placements
from services.platform.db import qualified, sql_all, sql_one, sql_run


@dataclass(frozen=True)
class Placement:
    user_id: str
    client_order_id: str
    order_id: str
    request_fingerprint: str
    attempts: int
    updated_at_unix_ms: int
    symbol: str = ""


_TABLE = qualified(placements)
# Placement's fields in declaration order: a row in this column order is Placement's arguments.
_COLUMNS = ", ".join(f.name for f in fields(Placement))
_CLAIM = (f"INSERT INTO {_TABLE} AS p (user_id, client_order_id, order_id, request_fingerprint, attempts, "
          "created_at_unix_ms, updated_at_unix_ms, symbol) VALUES (%s, %s, %s, %s, 1, %s, %s, %s) "
          "ON CONFLICT (user_id, client_order_id) DO UPDATE "
          "SET attempts = p.attempts + 1, updated_at_unix_ms = EXCLUDED.updated_at_unix_ms "
          f"WHERE p.request_fingerprint = EXCLUDED.request_fingerprint RETURNING {_COLUMNS}")
_GET = f"SELECT {_COLUMNS} FROM {_TABLE} WHERE user_id = %s AND client_order_id = %s"
# Whether the order of this key is stored already, read with the lock in one round trip. The
# answer is never stale: a row handed over by the transaction we waited for is one that did not
# store the order (storing it deletes the row in the same commit), and a row we did not wait for
# is read with a snapshot taken after anything committed before.
_LOCK = (f"SELECT {_COLUMNS}, EXISTS (SELECT 1 FROM {qualified(orders)} o "
         "WHERE o.user_id = %s AND o.client_order_id = %s) "
         f"FROM {_TABLE} WHERE user_id = %s AND client_order_id = %s FOR UPDATE OF {placements.name}")
_DELETE = f"DELETE FROM {_TABLE} WHERE user_id = %s AND client_order_id = %s"
_STALE_FOR_UPDATE = (f"SELECT {_COLUMNS} FROM {_TABLE} WHERE updated_at_unix_ms < %s "
                     "ORDER BY updated_at_unix_ms LIMIT %s FOR UPDATE SKIP LOCKED")


async def claim(conn: AsyncConnection, *, user_id: str, client_order_id: str, order_id: str,
                fingerprint: str, now_ms: int, symbol: str = "") -> Placement:
    """Creates the attempt, or counts one more attempt of the same body. Returns the stored row,
    whose fingerprint the caller compares (a different body is not counted)."""
    row = await sql_one(conn, _CLAIM, (user_id, client_order_id, order_id, fingerprint, now_ms, now_ms, symbol))
    if row is None:  # taken by a different body
        row = await sql_one(conn, _GET, (user_id, client_order_id))
    return Placement(*row)


async def lock(conn: AsyncConnection, user_id: str, client_order_id: str) -> tuple[Placement | None, bool]:
    """Holds the attempt for the rest of the transaction (waits while another request holds it);
    returns it and whether an order with this key is stored (False when there is no attempt)."""
    row = await sql_one(conn, _LOCK, (user_id, client_order_id, user_id, client_order_id))
    return (Placement(*row[:-1]), row[-1]) if row else (None, False)


async def delete(conn: AsyncConnection, user_id: str, client_order_id: str) -> None:
    await sql_run(conn, _DELETE, (user_id, client_order_id))


async def stale_for_update(conn: AsyncConnection, *, updated_before_ms: int, limit: int) -> list[Placement]:
    """Attempts nobody holds (a live request keeps its row locked) and nobody touched lately."""
    return [Placement(*row) for row in await sql_all(conn, _STALE_FOR_UPDATE, (updated_before_ms, limit))]
