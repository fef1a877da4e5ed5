"""The risk schema's copy of ACTIVE instruments."""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.ids import now_ms
from services.risk.adapters.tables import instruments
from services.risk.domain.instruments import InstrumentLimits

_DECIMALS = ("tick_size", "lot_size", "min_notional", "max_leverage", "maintenance_margin_rate",
             "taker_fee_rate", "price_band_rate", "max_order_quantity")


async def upsert(conn: AsyncConnection, limits: InstrumentLimits, event_id: str) -> None:
    values = asdict(limits) | {"source_event_id": event_id, "updated_at_unix_ms": now_ms()}
    statement = insert(instruments).values(**values)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["symbol"], set_={k: statement.excluded[k] for k in values if k != "symbol"}))


async def load_all(conn: AsyncConnection) -> list[InstrumentLimits]:
    rows = (await conn.execute(sa.select(instruments))).all()
    return [InstrumentLimits(symbol=r.symbol, quote_asset=r.quote_asset,
                             **{name: Decimal(getattr(r, name)) for name in _DECIMALS}) for r in rows]
