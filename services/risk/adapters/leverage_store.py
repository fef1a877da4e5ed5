"""Per-(user, symbol) leverage settings (migration 0004), in the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.risk.adapters.tables import metadata

leverage_settings = sa.Table(
    "leverage_settings", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("leverage", sa.Numeric(38, 18), nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
)


async def load_all(conn: AsyncConnection) -> dict[tuple[str, str], Decimal]:
    rows = await conn.execute(sa.select(leverage_settings))
    return {(row.user_id, row.symbol): row.leverage for row in rows}


async def upsert(conn: AsyncConnection, user_id: str, symbol: str, leverage: Decimal, at_unix_ms: int) -> None:
    statement = insert(leverage_settings).values(user_id=user_id, symbol=symbol, leverage=leverage,
                                                 updated_at_unix_ms=at_unix_ms)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=[leverage_settings.c.user_id, leverage_settings.c.symbol],
        set_={"leverage": statement.excluded.leverage, "updated_at_unix_ms": statement.excluded.updated_at_unix_ms}))
