"""Working orders from engine.event.v1 in the risk schema, written by a checkpoint
(app/checkpoint.py): the orders still open as a whole row each, the closed ones deleted."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import qualified, set_excluded, sql_run
from services.risk.adapters.tables import open_orders
from services.risk.domain.orders import Side, WorkingOrder

# Plain SQL (services/platform/db.py), one statement for all of a checkpoint's orders.
_TABLE = qualified(open_orders)
_COLUMNS = ("order_id", "user_id", "symbol", "side", "price", "remaining", "leverage", "reduce_only",
            "source_event_id")
_TYPES = ("text", "text", "text", "text", "numeric", "numeric", "numeric", "boolean", "text")
_PUT = (f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) SELECT * FROM unnest("
        f"{', '.join(f'%s::{t}[]' for t in _TYPES)}) "
        f"ON CONFLICT (order_id) DO UPDATE SET {set_excluded(_COLUMNS[1:])}")
_REMOVE = f"DELETE FROM {_TABLE} WHERE order_id = ANY(%s::text[])"


async def put_all(conn: AsyncConnection, orders: list[tuple[WorkingOrder, str]]) -> None:
    """Each (order, the event that last changed it), inserted or replaced whole."""
    if orders:
        rows = [(o.order_id, o.user_id, o.symbol, o.side.value, o.price, o.remaining, o.leverage, o.reduce_only,
                 event_id) for o, event_id in orders]
        await sql_run(conn, _PUT, tuple(map(list, zip(*rows, strict=True))))


async def remove_all(conn: AsyncConnection, order_ids: list[str]) -> None:
    if order_ids:
        await sql_run(conn, _REMOVE, (order_ids,))


async def load_all(conn: AsyncConnection) -> list[WorkingOrder]:
    return [WorkingOrder(order_id=r.order_id, user_id=r.user_id, symbol=r.symbol, side=Side(r.side),
                         price=Decimal(r.price) if r.price is not None else None, remaining=Decimal(r.remaining),
                         leverage=Decimal(r.leverage), reduce_only=r.reduce_only)
            for r in (await conn.execute(sa.select(open_orders))).all()]
