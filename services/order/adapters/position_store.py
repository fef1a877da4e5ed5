"""Position sizes per (user, symbol), mirrored from Position's events (highest version kept).
In the caller's transaction, as plain SQL on its psycopg connection (services/platform/db.py): every
position event runs it. Placements read the size with their open orders in one query
(order_store.open_orders_with_position)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import positions
from services.platform.db import qualified, sql_one

_TABLE = qualified(positions)
_PUT = (f"INSERT INTO {_TABLE} AS p (user_id, symbol, size, version) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (user_id, symbol) DO UPDATE SET size = EXCLUDED.size, version = EXCLUDED.version "
        "WHERE p.version < EXCLUDED.version RETURNING user_id")


async def put(conn: AsyncConnection, user_id: str, symbol: str, size: Decimal, version: int) -> bool:
    """False when a newer (or the same) version is stored already."""
    return await sql_one(conn, _PUT, (user_id, symbol, size, version)) is not None

