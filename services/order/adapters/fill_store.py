"""Fill rows <-> domain objects, inside the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.order.adapters.tables import fills
from services.order.domain.model import Fill, LiquidityRole, Side


async def insert(conn: AsyncConnection, fill: Fill) -> bool:
    """False if this (trade_id, order_id) is recorded already."""
    result = await conn.execute(pg_insert(fills).values(
        trade_id=fill.trade_id, order_id=fill.order_id, client_order_id=fill.client_order_id,
        user_id=fill.user_id, symbol=fill.symbol, side=fill.side.value, price=fill.price,
        quantity=fill.quantity, fee=fill.fee, fee_asset=fill.fee_asset,
        liquidity_role=fill.liquidity_role.value, margin=fill.margin, is_liquidation=fill.is_liquidation,
        executed_at_unix_ms=fill.executed_at_unix_ms,
    ).on_conflict_do_nothing().returning(fills.c.id))
    return result.first() is not None


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
