"""Fill rows <-> domain objects, inside the caller's transaction. `insert` runs for every fill,
as plain SQL on the transaction's psycopg connection (services/platform/db.py); `list_page`, a query with
optional filters, stays SQLAlchemy Core."""
from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import fills
from services.order.domain.model import Fill, LiquidityRole, Side
from services.platform.db import insert_sql, sql_one

_COLUMNS = [f.name for f in fields(Fill)]
_ENUMS = {"side", "liquidity_role"}  # stored as their values
_INSERT = f"{insert_sql(fills, _COLUMNS)} ON CONFLICT DO NOTHING RETURNING id"


async def insert(conn: AsyncConnection, fill: Fill) -> bool:
    """False if this (trade_id, order_id) is recorded already."""
    params = tuple(getattr(fill, name).value if name in _ENUMS else getattr(fill, name) for name in _COLUMNS)
    return await sql_one(conn, _INSERT, params) is not None


def _from_row(row) -> Fill:
    return Fill(
        trade_id=row.trade_id, order_id=row.order_id, client_order_id=row.client_order_id,
        user_id=row.user_id, symbol=row.symbol, side=Side(row.side), price=Decimal(row.price),
        quantity=Decimal(row.quantity), fee=Decimal(row.fee), fee_asset=row.fee_asset,
        liquidity_role=LiquidityRole(row.liquidity_role), margin=Decimal(row.margin),
        is_liquidation=row.is_liquidation, executed_at_unix_ms=row.executed_at_unix_ms)


async def list_page(conn: AsyncConnection, *, user_id: str, symbol: str, order_id: str, start_unix_ms: int,
                    end_unix_ms: int, before_id: int | None, limit: int) -> list[tuple[int, Fill]]:
    """Newest first (fills are inserted in engine order); returns (row id, fill) for paging."""
    query = sa.select(fills).where(fills.c.user_id == user_id)
    if symbol:
        query = query.where(fills.c.symbol == symbol)
    if order_id:
        query = query.where(fills.c.order_id == order_id)
    if start_unix_ms:
        query = query.where(fills.c.executed_at_unix_ms >= start_unix_ms)
    if end_unix_ms:
        query = query.where(fills.c.executed_at_unix_ms < end_unix_ms)
    if before_id is not None:
        query = query.where(fills.c.id < before_id)
    rows = (await conn.execute(query.order_by(fills.c.id.desc()).limit(limit))).all()
    return [(row.id, _from_row(row)) for row in rows]
