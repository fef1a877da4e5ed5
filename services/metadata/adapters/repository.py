"""Instrument rows <-> domain objects. Every function runs inside the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.metadata.adapters.tables import instruments
from services.metadata.domain.instrument import IndexSource, Instrument, InstrumentSpec, InstrumentStatus
from services.platform.errors import Aborted

_SPEC_DECIMALS = ("tick_size", "lot_size", "min_notional", "max_leverage", "maintenance_margin_rate",
                  "maker_fee_rate", "taker_fee_rate", "price_band_rate", "max_order_quantity")


def _row_values(instrument: Instrument) -> dict:
    spec = instrument.spec
    values = {name: getattr(spec, name) for name in _SPEC_DECIMALS}
    values.update(
        symbol=spec.symbol, base_asset=spec.base_asset, quote_asset=spec.quote_asset,
        status=instrument.status.value,
        index_sources=[{"exchange": s.exchange, "symbol": s.symbol, "weight": str(s.weight)}
                       for s in spec.index_sources],
        created_by=instrument.created_by, created_at_unix_ms=instrument.created_at_unix_ms,
        reviewed_by=instrument.reviewed_by, reviewed_at_unix_ms=instrument.reviewed_at_unix_ms,
        rejection_reason=instrument.rejection_reason, version=instrument.version,
    )
    return values


def _from_row(row) -> Instrument:
    spec = InstrumentSpec(
        symbol=row.symbol, base_asset=row.base_asset, quote_asset=row.quote_asset,
        index_sources=tuple(IndexSource(s["exchange"], s["symbol"], Decimal(s["weight"]))
                            for s in row.index_sources),
        **{name: Decimal(getattr(row, name)) for name in _SPEC_DECIMALS},
    )
    return Instrument(
        spec=spec, status=InstrumentStatus(row.status), created_by=row.created_by,
        created_at_unix_ms=row.created_at_unix_ms, reviewed_by=row.reviewed_by,
        reviewed_at_unix_ms=row.reviewed_at_unix_ms, rejection_reason=row.rejection_reason,
        version=row.version,
    )


async def get(conn: AsyncConnection, symbol: str, *, for_update: bool = False) -> Instrument | None:
    query = sa.select(instruments).where(instruments.c.symbol == symbol)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return _from_row(row) if row else None


async def insert(conn: AsyncConnection, instrument: Instrument) -> bool:
    """False if the symbol exists already (a concurrent or earlier proposal)."""
    result = await conn.execute(
        pg_insert(instruments).values(**_row_values(instrument))
        .on_conflict_do_nothing(index_elements=["symbol"]).returning(instruments.c.symbol))
    return result.first() is not None


async def update(conn: AsyncConnection, instrument: Instrument) -> None:
    """Optimistic lock: the stored version must be the one the change started from."""
    result = await conn.execute(
        instruments.update()
        .where(instruments.c.symbol == instrument.symbol,
               instruments.c.version == instrument.version - 1)
        .values(**_row_values(instrument)))
    if result.rowcount != 1:
        raise Aborted(f"instrument {instrument.symbol} changed concurrently; retry")


async def list_page(conn: AsyncConnection, *, status: InstrumentStatus | None, after_symbol: str,
                    limit: int) -> list[Instrument]:
    query = sa.select(instruments).where(instruments.c.symbol > after_symbol)
    if status is not None:
        query = query.where(instruments.c.status == status.value)
    rows = (await conn.execute(query.order_by(instruments.c.symbol).limit(limit))).all()
    return [_from_row(row) for row in rows]
