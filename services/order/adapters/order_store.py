"""Order rows <-> domain objects. Every function runs inside the caller's transaction.

The per-order statements are plain SQL on the transaction's psycopg connection
(services/platform/db.py): every order runs several of them, and SQLAlchemy's statement building
and result rows were most of the service's CPU. `list_page`, a query with optional filters, stays
SQLAlchemy Core."""
from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import orders, positions
from services.order.domain.model import Order, OrderType, SelfTradePrevention, Side, TimeInForce
from services.order.domain.order_state import FINAL_STATUSES, OPEN_STATUSES, OrderStatus
from services.platform.db import insert_sql, qualified, sql_all, sql_one, sql_run, sql_run_expecting
from services.platform.errors import Aborted

_ENUMS = {"side": Side, "order_type": OrderType, "time_in_force": TimeInForce,
          "self_trade_prevention": SelfTradePrevention, "status": OrderStatus}
_DECIMALS = {f.name for f in fields(Order) if f.type in ("Decimal", "Decimal | None")}
# Order's fields in declaration order: a row in this column order is Order's positional arguments.
_COLUMNS = [f.name for f in fields(Order)]
_ENUM_INDEXES = [i for i, name in enumerate(_COLUMNS) if name in _ENUMS]
# Per column, what turns a stored value into Order's (None: stored as is).
_LOADERS = [_ENUMS.get(name) or (Decimal if name in _DECIMALS else None) for name in _COLUMNS]

_TABLE = qualified(orders)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM {_TABLE}"
# Written out rather than passed as a parameter: the planner uses the partial index
# orders_open_by_user (migration 0001) only for a query whose predicate implies the index's own.
_OPEN = "status IN ('NEW', 'PARTIALLY_FILLED')"
if {s.value for s in OPEN_STATUSES} != {"NEW", "PARTIALLY_FILLED"}:
    raise RuntimeError("OPEN_STATUSES changed: update _OPEN and the index orders_open_by_user")

_INSERT = f"{insert_sql(orders, _COLUMNS)} ON CONFLICT DO NOTHING RETURNING order_id"
_UPDATE = (f"UPDATE {_TABLE} SET {', '.join(f'{name} = %s' for name in _COLUMNS)} "
           "WHERE order_id = %s AND version = %s")
_SAVE_MARGIN = f"UPDATE {_TABLE} SET margin_locked = %s WHERE order_id = %s"
_GET = f"{_SELECT} WHERE order_id = %s"
_GET_FOR_UPDATE = f"{_GET} FOR UPDATE"
_GET_MANY_FOR_UPDATE = f"{_SELECT} WHERE order_id = ANY(%s::text[]) ORDER BY order_id FOR UPDATE"
_GET_BY_CLIENT_ORDER_ID = f"{_SELECT} WHERE user_id = %s AND client_order_id = %s"
_GET_BY_LIQUIDATION_ID = f"{_SELECT} WHERE liquidation_id = %s"
# A symbol's open orders and the position size beside them, in one round trip (every placement,
# amend and order-margin SYNC reads both): one row with NULL order columns when none is open.
_OPEN_ORDERS_WITH_POSITION = (
    f"SELECT coalesce((SELECT size FROM {qualified(positions)} WHERE user_id = %s AND symbol = %s), 0), "
    f"{', '.join('o.' + name for name in _COLUMNS)} FROM (VALUES (1)) AS one "
    f"LEFT JOIN {_TABLE} AS o ON o.user_id = %s AND o.symbol = %s AND o.{_OPEN} ORDER BY o.order_id")
_OPEN_SYMBOLS = f"SELECT DISTINCT symbol FROM {_TABLE} WHERE user_id = %s AND {_OPEN} ORDER BY symbol"
_ANY_OPEN_ON_SYMBOL = f"SELECT EXISTS (SELECT 1 FROM {_TABLE} WHERE user_id = %s AND symbol = %s AND {_OPEN})"
_OPEN_FOR_UPDATE = f"{_SELECT} WHERE user_id = %s AND {_OPEN} ORDER BY order_id FOR UPDATE"
_OPEN_ON_SYMBOL_FOR_UPDATE = (f"{_SELECT} WHERE user_id = %s AND symbol = %s AND {_OPEN} "
                              "ORDER BY order_id FOR UPDATE")


def _params(order: Order) -> list:
    """Order's fields in _COLUMNS order, enums as their stored values."""
    values = [getattr(order, name) for name in _COLUMNS]
    for i in _ENUM_INDEXES:
        values[i] = values[i].value
    return values


def _from_tuple(row: tuple) -> Order:
    return Order(*[value if load is None or value is None else load(value)
                   for load, value in zip(_LOADERS, row, strict=True)])


def _from_row(row) -> Order:
    """A SQLAlchemy row (list_page), whose columns are in the table's order."""
    data = row._mapping
    return _from_tuple(tuple(data[name] for name in _COLUMNS))


async def insert(conn: AsyncConnection, order: Order) -> bool:
    """False when the (user, client_order_id) or the liquidation_id is taken already."""
    return await sql_one(conn, _INSERT, _params(order)) is not None


async def update(conn: AsyncConnection, order: Order) -> None:
    """Optimistic lock: the row must still be at the version the change started from."""
    params = (*_params(order), order.order_id, order.version - 1)
    await sql_run_expecting(conn, _UPDATE, params, rows=1,
                            error=lambda: Aborted(f"order {order.order_id} changed concurrently; retry"))


async def save_margin(conn: AsyncConnection, order: Order) -> None:
    """Bookkeeping of the lock mirror that is not a version change (see lifecycle.release)."""
    await sql_run(conn, _SAVE_MARGIN, (order.margin_locked, order.order_id))


async def get(conn: AsyncConnection, order_id: str, *, for_update: bool = False) -> Order | None:
    row = await sql_one(conn, _GET_FOR_UPDATE if for_update else _GET, (order_id,))
    return _from_tuple(row) if row else None


async def get_many_for_update(conn: AsyncConnection, order_ids: list[str]) -> dict[str, Order]:
    """Locked in id order, so two transactions touching the same orders cannot deadlock."""
    if not order_ids:
        return {}
    rows = await sql_all(conn, _GET_MANY_FOR_UPDATE, (sorted(set(order_ids)),))
    return {order.order_id: order for order in map(_from_tuple, rows)}


async def get_by_client_order_id(conn: AsyncConnection, user_id: str, client_order_id: str) -> Order | None:
    row = await sql_one(conn, _GET_BY_CLIENT_ORDER_ID, (user_id, client_order_id))
    return _from_tuple(row) if row else None


async def get_by_liquidation_id(conn: AsyncConnection, liquidation_id: str) -> Order | None:
    row = await sql_one(conn, _GET_BY_LIQUIDATION_ID, (liquidation_id,))
    return _from_tuple(row) if row else None


async def open_orders_with_position(conn: AsyncConnection, user_id: str, symbol: str) -> tuple[Decimal, list[Order]]:
    """(the position size as this schema mirrors it, the open orders on the symbol)."""
    rows = await sql_all(conn, _OPEN_ORDERS_WITH_POSITION, (user_id, symbol, user_id, symbol))
    return rows[0][0], [_from_tuple(row[1:]) for row in rows if row[1] is not None]


async def any_open_on_symbol(conn: AsyncConnection, user_id: str, symbol: str) -> bool:
    """Whether `user_id` has an open order on `symbol` (the partial index answers; no order rows
    are read, however many a market maker keeps open)."""
    return bool((await sql_one(conn, _ANY_OPEN_ON_SYMBOL, (user_id, symbol)))[0])


async def open_symbols(conn: AsyncConnection, user_id: str) -> list[str]:
    """The symbols where `user_id` has open orders."""
    return [row[0] for row in await sql_all(conn, _OPEN_SYMBOLS, (user_id,))]


async def open_orders_for_update(conn: AsyncConnection, user_id: str, symbol: str = "") -> list[Order]:
    if symbol:
        rows = await sql_all(conn, _OPEN_ON_SYMBOL_FOR_UPDATE, (user_id, symbol))
    else:
        rows = await sql_all(conn, _OPEN_FOR_UPDATE, (user_id,))
    return [_from_tuple(row) for row in rows]


async def list_page(conn: AsyncConnection, *, user_id: str, symbol: str, state: str, client_order_id: str,
                    start_unix_ms: int, end_unix_ms: int, before_order_id: str, limit: int) -> list[Order]:
    """Newest first. order_id is a ULID, so its order is creation order."""
    query = sa.select(orders).where(orders.c.user_id == user_id)
    if symbol:
        query = query.where(orders.c.symbol == symbol)
    if state == "OPEN":
        query = query.where(orders.c.status.in_([s.value for s in OPEN_STATUSES]))
    elif state == "CLOSED":
        query = query.where(orders.c.status.in_([s.value for s in FINAL_STATUSES]))
    if client_order_id:
        query = query.where(orders.c.client_order_id == client_order_id)
    if start_unix_ms:
        query = query.where(orders.c.created_at_unix_ms >= start_unix_ms)
    if end_unix_ms:
        query = query.where(orders.c.created_at_unix_ms < end_unix_ms)
    if before_order_id:
        query = query.where(orders.c.order_id < before_order_id)
    rows = (await conn.execute(query.order_by(orders.c.order_id.desc()).limit(limit))).all()
    return [_from_row(row) for row in rows]
