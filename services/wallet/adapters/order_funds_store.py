"""Per-order funds rows, optimistic-locked like balances. In the caller's transaction.

Plain SQL on the transaction's psycopg connection (services/platform/db.py, sql_one and
sql_run_expecting, whose version checks also hold inside `sent_together`):
every lock, release and fill reads and writes one of these rows."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import qualified, sql_one, sql_run_expecting
from services.wallet.adapters.ledger_store import StaleBalance
from services.wallet.adapters.tables import order_funds
from services.wallet.domain.order_funds import OrderFunds

_TABLE = qualified(order_funds)

_GET_SQL = (
    "SELECT order_id, user_id, asset, locked, total_locked, settled_margin, fees, released, version "
    f"FROM {_TABLE} WHERE order_id = %s")

_INSERT_SQL = (
    f"INSERT INTO {_TABLE} (order_id, user_id, asset, locked, total_locked, settled_margin, fees, released, "
    "version, updated_at_unix_ms) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 1, %s) "
    "ON CONFLICT DO NOTHING")

_UPDATE_SQL = (
    f"UPDATE {_TABLE} SET locked = %s, total_locked = %s, settled_margin = %s, fees = %s, released = %s, "
    "version = %s, updated_at_unix_ms = %s WHERE order_id = %s AND version = %s")


# The first of two rows that exists, in one round trip (a fill's funds: the order's own, else its bucket).
_GET_FIRST_SQL = (
    "SELECT order_id, user_id, asset, locked, total_locked, settled_margin, fees, released, version "
    f"FROM {_TABLE} WHERE order_id = %s OR order_id = %s ORDER BY order_id <> %s LIMIT 1")


async def get(conn: AsyncConnection, order_id: str) -> OrderFunds | None:
    return _funds(await sql_one(conn, _GET_SQL, (order_id,)))


async def get_first(conn: AsyncConnection, order_id: str, fallback_id: str) -> OrderFunds | None:
    """The funds row of `order_id`, else that of `fallback_id`."""
    return _funds(await sql_one(conn, _GET_FIRST_SQL, (order_id, fallback_id, order_id)))


def _funds(row) -> OrderFunds | None:
    if row is None:
        return None
    order_id, user_id, asset, locked, total_locked, settled_margin, fees, released, version = row
    return OrderFunds(order_id=order_id, user_id=user_id, asset=asset, version=version, locked=locked,
                      total_locked=total_locked, settled_margin=settled_margin, fees=fees, released=released)


async def save(conn: AsyncConnection, before: OrderFunds, after: OrderFunds, now_ms: int) -> OrderFunds:
    """Inserts (before.version == 0) or updates at the version read; StaleBalance if another
    transaction got there first."""
    if before.version == 0:
        await sql_run_expecting(conn, _INSERT_SQL, (
            after.order_id, after.user_id, after.asset, after.locked, after.total_locked, after.settled_margin,
            after.fees, after.released, now_ms), rows=1,
            error=lambda: StaleBalance(f"order funds {after.order_id} were created concurrently"))
    else:
        await sql_run_expecting(conn, _UPDATE_SQL, (
            after.locked, after.total_locked, after.settled_margin, after.fees, after.released,
            before.version + 1, now_ms, before.order_id, before.version), rows=1,
            error=lambda: StaleBalance(f"order funds {after.order_id} changed since version {before.version}"))
    return OrderFunds(**{**after.__dict__, "version": before.version + 1})
