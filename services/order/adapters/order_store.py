"""Order rows <-> domain objects. Every function runs inside the caller's transaction."""
from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import orders
from services.order.domain.model import Order, OrderType, SelfTradePrevention, Side, TimeInForce
from services.order.domain.order_state import FINAL_STATUSES, OPEN_STATUSES, OrderStatus
from services.platform.errors import Aborted

_ENUMS = {"side": Side, "order_type": OrderType, "time_in_force": TimeInForce,
          "self_trade_prevention": SelfTradePrevention, "status": OrderStatus}
_DECIMALS = {f.name for f in fields(Order) if f.type in ("Decimal", "Decimal | None")}
_COLUMNS = [f.name for f in fields(Order)]


def _values(order: Order) -> dict:
    values = {name: getattr(order, name) for name in _COLUMNS}
    for name in _ENUMS:
        values[name] = values[name].value
    return values


def _from_row(row) -> Order:
    data = row._mapping
    values = {}
    for name in _COLUMNS:
        value = data[name]
        if name in _ENUMS:
            value = _ENUMS[name](value)
        elif name in _DECIMALS and value is not None:
            value = Decimal(value)
        values[name] = value
    return Order(**values)


async def insert(conn: AsyncConnection, order: Order) -> bool:
    """False when the (user, client_order_id) or the liquidation_id is taken already."""
    result = await conn.execute(
        pg_insert(orders).values(**_values(order)).on_conflict_do_nothing().returning(orders.c.order_id))
    return result.first() is not None


async def update(conn: AsyncConnection, order: Order) -> None:
    """Optimistic lock: the row must still be at the version the change started from."""
    result = await conn.execute(
        orders.update().where(orders.c.order_id == order.order_id, orders.c.version == order.version - 1)
        .values(**_values(order)))
    if result.rowcount != 1:
        raise Aborted(f"order {order.order_id} changed concurrently; retry")


async def save_margin(conn: AsyncConnection, order: Order) -> None:
    """Bookkeeping of the lock mirror that is not a version change (see lifecycle.release)."""
    await conn.execute(orders.update().where(orders.c.order_id == order.order_id)
                       .values(margin_locked=order.margin_locked))


async def get(conn: AsyncConnection, order_id: str, *, for_update: bool = False) -> Order | None:
    query = sa.select(orders).where(orders.c.order_id == order_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return _from_row(row) if row else None


async def get_many_for_update(conn: AsyncConnection, order_ids: list[str]) -> dict[str, Order]:
    """Locked in id order, so two transactions touching the same orders cannot deadlock."""
    if not order_ids:
        return {}
    rows = (await conn.execute(sa.select(orders).where(orders.c.order_id.in_(sorted(set(order_ids))))
                               .order_by(orders.c.order_id).with_for_update())).all()
    return {row.order_id: _from_row(row) for row in rows}


async def get_by_client_order_id(conn: AsyncConnection, user_id: str, client_order_id: str) -> Order | None:
    row = (await conn.execute(sa.select(orders).where(
        orders.c.user_id == user_id, orders.c.client_order_id == client_order_id))).first()
    return _from_row(row) if row else None


async def get_by_liquidation_id(conn: AsyncConnection, liquidation_id: str) -> Order | None:
    row = (await conn.execute(sa.select(orders).where(orders.c.liquidation_id == liquidation_id))).first()
    return _from_row(row) if row else None


async def open_orders(conn: AsyncConnection, user_id: str, symbol: str) -> list[Order]:
    rows = (await conn.execute(sa.select(orders).where(
        orders.c.user_id == user_id, orders.c.symbol == symbol,
        orders.c.status.in_([s.value for s in OPEN_STATUSES])).order_by(orders.c.order_id))).all()
    return [_from_row(row) for row in rows]


async def open_symbols(conn: AsyncConnection, user_id: str) -> list[str]:
    """The symbols where `user_id` has open orders."""
    rows = (await conn.execute(sa.select(orders.c.symbol).distinct().where(
        orders.c.user_id == user_id, orders.c.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(orders.c.symbol))).all()
    return [row.symbol for row in rows]


async def open_orders_for_update(conn: AsyncConnection, user_id: str, symbol: str = "") -> list[Order]:
    query = sa.select(orders).where(orders.c.user_id == user_id,
                                    orders.c.status.in_([s.value for s in OPEN_STATUSES]))
    if symbol:
        query = query.where(orders.c.symbol == symbol)
    rows = (await conn.execute(query.order_by(orders.c.order_id).with_for_update())).all()
    return [_from_row(row) for row in rows]


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
