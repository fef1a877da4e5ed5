"""Working orders from engine.event.v1 in the risk schema."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.risk.adapters.tables import open_orders
from services.risk.domain.orders import Side, WorkingOrder


async def put(conn: AsyncConnection, order: WorkingOrder, event_id: str) -> None:
    values = dict(order_id=order.order_id, user_id=order.user_id, symbol=order.symbol, side=order.side.value,
                  price=order.price, remaining=order.remaining, leverage=order.leverage,
                  reduce_only=order.reduce_only, source_event_id=event_id)
    statement = insert(open_orders).values(**values)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["order_id"], set_={k: statement.excluded[k] for k in values if k != "order_id"}))


async def update(conn: AsyncConnection, order_id: str, event_id: str, *, remaining: Decimal,
                 price: Decimal | None = None) -> None:
    """Absolute values from the event (not deltas), so applying one twice is harmless."""
    values = dict(remaining=remaining, source_event_id=event_id)
    if price is not None:
        values["price"] = price
    await conn.execute(open_orders.update().where(open_orders.c.order_id == order_id).values(**values))


async def remove(conn: AsyncConnection, order_id: str) -> None:
    await conn.execute(open_orders.delete().where(open_orders.c.order_id == order_id))


async def load_all(conn: AsyncConnection) -> list[WorkingOrder]:
    return [WorkingOrder(order_id=r.order_id, user_id=r.user_id, symbol=r.symbol, side=Side(r.side),
                         price=Decimal(r.price) if r.price is not None else None, remaining=Decimal(r.remaining),
                         leverage=Decimal(r.leverage), reduce_only=r.reduce_only)
            for r in (await conn.execute(sa.select(open_orders))).all()]
