"""SQL for the position schema. Rows <-> domain objects; no rules here."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.position.adapters.tables import exposure_state, ledger, marks, positions
from services.position.domain.model import Delta, EntryKind, PositionState


def _state(row) -> PositionState:
    return PositionState(
        user_id=row.user_id, symbol=row.symbol, asset=row.asset, size=row.size, cost=row.cost, margin=row.margin,
        realized_pnl=row.realized_pnl, fees=row.fees, funding=row.funding, leverage=row.leverage,
        opened_at_unix_ms=row.opened_at_unix_ms, updated_at_unix_ms=row.updated_at_unix_ms, version=row.version)


async def get_for_update(conn: AsyncConnection, user_id: str, symbol: str) -> PositionState | None:
    row = (await conn.execute(sa.select(positions).where(positions.c.user_id == user_id,
                                                         positions.c.symbol == symbol).with_for_update())).first()
    return _state(row) if row else None


async def save(conn: AsyncConnection, state: PositionState) -> None:
    values = dict(user_id=state.user_id, symbol=state.symbol, asset=state.asset, size=state.size, cost=state.cost,
                  margin=state.margin, realized_pnl=state.realized_pnl, fees=state.fees, funding=state.funding,
                  leverage=state.leverage, opened_at_unix_ms=state.opened_at_unix_ms,
                  updated_at_unix_ms=state.updated_at_unix_ms, version=state.version)
    statement = insert(positions).values(**values)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=[positions.c.user_id, positions.c.symbol],
        set_={k: statement.excluded[k] for k in values if k not in ("user_id", "symbol")}))


async def append(conn: AsyncConnection, delta: Delta) -> bool:
    """False if the entry is in the ledger already."""
    result = await conn.execute(insert(ledger).values(
        entry_id=delta.entry_id, kind=delta.kind.value, user_id=delta.user_id, symbol=delta.symbol,
        asset=delta.asset, at_unix_ms=delta.at_unix_ms, source_event_id=delta.source_event_id,
        trade_id=delta.trade_id, order_id=delta.order_id, quantity=delta.quantity, price=delta.price,
        cost=delta.cost, realized_pnl=delta.realized_pnl, fee=delta.fee, funding=delta.funding,
        margin=delta.margin, leverage=delta.leverage).on_conflict_do_nothing().returning(ledger.c.id))
    return result.first() is not None


def _delta(row) -> Delta:
    return Delta(entry_id=row.entry_id, kind=EntryKind(row.kind), user_id=row.user_id, symbol=row.symbol,
                 asset=row.asset, at_unix_ms=row.at_unix_ms, source_event_id=row.source_event_id,
                 quantity=row.quantity, price=row.price, cost=row.cost, realized_pnl=row.realized_pnl, fee=row.fee,
                 funding=row.funding, margin=row.margin, leverage=row.leverage, trade_id=row.trade_id,
                 order_id=row.order_id)


async def ledger_for_symbol(conn: AsyncConnection, symbol: str, as_of_unix_ms: int) -> list[Delta]:
    rows = await conn.execute(sa.select(ledger).where(ledger.c.symbol == symbol, ledger.c.at_unix_ms <= as_of_unix_ms)
                              .order_by(ledger.c.id))
    return [_delta(row) for row in rows]


async def applied_through(conn: AsyncConnection, symbol: str) -> int:
    return await conn.scalar(sa.select(sa.func.coalesce(sa.func.max(ledger.c.at_unix_ms), 0))
                             .where(ledger.c.symbol == symbol)) or 0


async def user_positions(conn: AsyncConnection, user_id: str, symbol: str = "",
                         *, open_only: bool = True) -> list[PositionState]:
    query = sa.select(positions).where(positions.c.user_id == user_id)
    if symbol:
        query = query.where(positions.c.symbol == symbol)
    if open_only:
        query = query.where(positions.c.size != 0)
    return [_state(row) for row in await conn.execute(query.order_by(positions.c.symbol))]


async def symbol_positions(conn: AsyncConnection, symbols: list[str]) -> dict[str, list[PositionState]]:
    """Every open position of these symbols (the ADL queue of each)."""
    if not symbols:
        return {}
    found: dict[str, list[PositionState]] = {}
    rows = await conn.execute(sa.select(positions).where(positions.c.symbol.in_(symbols), positions.c.size != 0))
    for row in rows:
        state = _state(row)
        found.setdefault(state.symbol, []).append(state)
    return found


async def upsert_mark(conn: AsyncConnection, symbol: str, price: Decimal, at_unix_ms: int) -> None:
    statement = insert(marks).values(symbol=symbol, mark_price=price, at_unix_ms=at_unix_ms)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=[marks.c.symbol], set_={"mark_price": statement.excluded.mark_price,
                                               "at_unix_ms": statement.excluded.at_unix_ms},
        where=marks.c.at_unix_ms < statement.excluded.at_unix_ms))


async def get_marks(conn: AsyncConnection, symbols: list[str]) -> dict[str, Decimal]:
    if not symbols:
        return {}
    rows = await conn.execute(sa.select(marks.c.symbol, marks.c.mark_price).where(marks.c.symbol.in_(symbols)))
    return {row.symbol: row.mark_price for row in rows}


async def mark_dirty(conn: AsyncConnection, user_id: str) -> None:
    statement = insert(exposure_state).values(user_id=user_id, version=0, dirty=True, last_published_at_unix_ms=0)
    await conn.execute(statement.on_conflict_do_update(index_elements=[exposure_state.c.user_id],
                                                       set_={"dirty": True}))


async def due_exposures(conn: AsyncConnection, published_before_unix_ms: int, limit: int) -> list[tuple[str, int]]:
    """(user_id, last version) of dirty users not published since the given time; locked, skipping
    rows another replica holds."""
    rows = await conn.execute(
        sa.select(exposure_state.c.user_id, exposure_state.c.version)
        .where(exposure_state.c.dirty, exposure_state.c.last_published_at_unix_ms <= published_before_unix_ms)
        .order_by(exposure_state.c.last_published_at_unix_ms).limit(limit).with_for_update(skip_locked=True))
    return [(row.user_id, row.version) for row in rows]


async def exposure_published(conn: AsyncConnection, user_id: str, version: int, at_unix_ms: int) -> None:
    await conn.execute(exposure_state.update().where(exposure_state.c.user_id == user_id)
                       .values(version=version, dirty=False, last_published_at_unix_ms=at_unix_ms))
