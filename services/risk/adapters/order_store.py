"""Working orders from engine.event.v1 in the risk schema."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import insert_sql, qualified, set_excluded, sql_run
from services.risk.adapters.tables import open_orders
from services.risk.domain.orders import Side, WorkingOrder

# Plain SQL (services/platform/db.py): these run for every order event the engine emits.
_TABLE = qualified(open_orders)
_COLUMNS = ("order_id", "user_id", "symbol", "side", "price", "remaining", "leverage", "reduce_only",
            "source_event_id")
_PUT = f"{insert_sql(open_orders, _COLUMNS)} ON CONFLICT (order_id) DO UPDATE SET {set_excluded(_COLUMNS[1:])}"
_UPDATE_REMAINING = f"UPDATE {_TABLE} SET remaining = %s, source_event_id = %s WHERE order_id = %s"
_UPDATE_REMAINING_AND_PRICE = (f"UPDATE {_TABLE} SET remaining = %s, source_event_id = %s, price = %s "
                               "WHERE order_id = %s")
_REMOVE = f"DELETE FROM {_TABLE} WHERE order_id = %s"


async def put(conn: AsyncConnection, order: WorkingOrder, event_id: str) -> None:
    await sql_run(conn, _PUT, (order.order_id, order.user_id, order.symbol, order.side.value, order.price,
                               order.remaining, order.leverage, order.reduce_only, event_id))


async def update(conn: AsyncConnection, order_id: str, event_id: str, *, remaining: Decimal,
                 price: Decimal | None = None) -> None:
    """Absolute values from the event (not deltas), so applying one twice is harmless."""
    if price is None:
        await sql_run(conn, _UPDATE_REMAINING, (remaining, event_id, order_id))
    else:
        await sql_run(conn, _UPDATE_REMAINING_AND_PRICE, (remaining, event_id, price, order_id))


async def remove(conn: AsyncConnection, order_id: str) -> None:
    await sql_run(conn, _REMOVE, (order_id,))


async def load_all(conn: AsyncConnection) -> list[WorkingOrder]:
    return [WorkingOrder(order_id=r.order_id, user_id=r.user_id, symbol=r.symbol, side=Side(r.side),
                         price=Decimal(r.price) if r.price is not None else None, remaining=Decimal(r.remaining),
                         leverage=Decimal(r.leverage), reduce_only=r.reduce_only)
            for r in (await conn.execute(sa.select(open_orders))).all()]
