"""Per-order funds rows, optimistic-locked like balances. In the caller's transaction."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.wallet.adapters.ledger_store import StaleBalance
from services.wallet.adapters.tables import order_funds
from services.wallet.domain.order_funds import OrderFunds

_AMOUNTS = ("locked", "total_locked", "settled_margin", "fees", "released")


async def get(conn: AsyncConnection, order_id: str) -> OrderFunds | None:
    row = (await conn.execute(sa.select(order_funds).where(order_funds.c.order_id == order_id))).first()
    if row is None:
        return None
    return OrderFunds(order_id=row.order_id, user_id=row.user_id, asset=row.asset, version=row.version,
                      **{name: getattr(row, name) for name in _AMOUNTS})


async def save(conn: AsyncConnection, before: OrderFunds, after: OrderFunds, now_ms: int) -> OrderFunds:
    """Inserts (before.version == 0) or updates at the version read; StaleBalance if another
    transaction got there first."""
    values = {name: getattr(after, name) for name in _AMOUNTS}
    if before.version == 0:
        result = await conn.execute(
            insert(order_funds).values(order_id=after.order_id, user_id=after.user_id, asset=after.asset,
                                       version=1, updated_at_unix_ms=now_ms, **values)
            .on_conflict_do_nothing().returning(order_funds.c.order_id))
        if result.first() is None:
            raise StaleBalance(f"order funds {after.order_id} were created concurrently")
    else:
        result = await conn.execute(
            order_funds.update()
            .where(order_funds.c.order_id == before.order_id, order_funds.c.version == before.version)
            .values(version=before.version + 1, updated_at_unix_ms=now_ms, **values))
        if result.rowcount != 1:
            raise StaleBalance(f"order funds {after.order_id} changed since version {before.version}")
    return OrderFunds(**{**after.__dict__, "version": before.version + 1})
