"""SQL for the position schema. Rows <-> domain objects; no rules here.

What every trade, funding payment, mark and exposure publication runs is plain SQL on the
transaction's psycopg connection (services/platform/db.py, sql_all/sql_one/sql_run): at 10
orders/s py-spy found 67 % of the service's CPU in SQLAlchemy's statement building and result
handling. The ledger replay (positions_as_of) stays SQLAlchemy Core."""
from __future__ import annotations

from dataclasses import astuple, fields
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import insert_sql, qualified, set_excluded, sql_all, sql_one, sql_run
from services.position.adapters.tables import exposure_state, ledger, marks, positions
from services.position.domain.model import Delta, EntryKind, PositionState

_POSITIONS = qualified(positions)
_MARKS = qualified(marks)
_EXPOSURE_STATE = qualified(exposure_state)

# PositionState's fields in declaration order: a row in this column order is its arguments.
_POSITION_FIELDS = [f.name for f in fields(PositionState)]
_POSITION_COLUMNS = ", ".join(_POSITION_FIELDS)

_GET_FOR_UPDATE_SQL = f"SELECT {_POSITION_COLUMNS} FROM {_POSITIONS} WHERE user_id = %s AND symbol = %s FOR UPDATE"

_SAVE_SQL = (f"{insert_sql(positions, _POSITION_FIELDS)} ON CONFLICT (user_id, symbol) DO UPDATE SET "
             f"{set_excluded(_POSITION_FIELDS[2:])}")

_APPEND_SQL = (
    f"INSERT INTO {qualified(ledger)} (entry_id, kind, user_id, symbol, asset, at_unix_ms, source_event_id, "
    "trade_id, order_id, quantity, price, cost, realized_pnl, fee, funding, margin, leverage) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT DO NOTHING RETURNING id")

# Keyed by (a symbol given, open positions only).
_USER_POSITIONS_SQL = {
    (by_symbol, open_only): (
        f"SELECT {_POSITION_COLUMNS} FROM {_POSITIONS} WHERE user_id = %s"
        + (" AND symbol = %s" if by_symbol else "") + (" AND size <> 0" if open_only else "") + " ORDER BY symbol")
    for by_symbol in (False, True) for open_only in (False, True)
}

_SYMBOL_POSITIONS_SQL = f"SELECT {_POSITION_COLUMNS} FROM {_POSITIONS} WHERE symbol = ANY(%s::text[]) AND size <> 0"

_UPSERT_MARK_SQL = (
    f"INSERT INTO {_MARKS} AS m (symbol, mark_price, at_unix_ms) VALUES (%s, %s, %s) "
    "ON CONFLICT (symbol) DO UPDATE SET mark_price = EXCLUDED.mark_price, at_unix_ms = EXCLUDED.at_unix_ms "
    "WHERE m.at_unix_ms < EXCLUDED.at_unix_ms")

_GET_MARKS_SQL = f"SELECT symbol, mark_price FROM {_MARKS} WHERE symbol = ANY(%s::text[])"

_MARK_DIRTY_SQL = (
    f"INSERT INTO {_EXPOSURE_STATE} (user_id, version, dirty, last_published_at_unix_ms) VALUES (%s, 0, true, 0) "
    "ON CONFLICT (user_id) DO UPDATE SET dirty = true")

_DUE_EXPOSURES_SQL = (
    f"SELECT user_id, version FROM {_EXPOSURE_STATE} WHERE dirty AND last_published_at_unix_ms <= %s "
    "ORDER BY last_published_at_unix_ms LIMIT %s FOR UPDATE SKIP LOCKED")

_EXPOSURE_PUBLISHED_SQL = (
    f"UPDATE {_EXPOSURE_STATE} SET version = %s, dirty = false, last_published_at_unix_ms = %s WHERE user_id = %s")


def _state(row: tuple) -> PositionState:
    return PositionState(*row)


async def get_for_update(conn: AsyncConnection, user_id: str, symbol: str) -> PositionState | None:
    row = await sql_one(conn, _GET_FOR_UPDATE_SQL, (user_id, symbol))
    return _state(row) if row else None


async def save(conn: AsyncConnection, state: PositionState) -> None:
    await sql_run(conn, _SAVE_SQL, astuple(state))


async def append(conn: AsyncConnection, delta: Delta) -> bool:
    """False if the entry is in the ledger already."""
    row = await sql_one(conn, _APPEND_SQL, (
        delta.entry_id, delta.kind.value, delta.user_id, delta.symbol, delta.asset, delta.at_unix_ms,
        delta.source_event_id, delta.trade_id, delta.order_id, delta.quantity, delta.price, delta.cost,
        delta.realized_pnl, delta.fee, delta.funding, delta.margin, delta.leverage))
    return row is not None


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
    sql = _USER_POSITIONS_SQL[(bool(symbol), bool(open_only))]
    return [_state(row) for row in await sql_all(conn, sql, (user_id, symbol) if symbol else (user_id,))]


async def symbol_positions(conn: AsyncConnection, symbols: list[str]) -> dict[str, list[PositionState]]:
    """Every open position of these symbols (the ADL queue of each)."""
    if not symbols:
        return {}
    found: dict[str, list[PositionState]] = {}
    for row in await sql_all(conn, _SYMBOL_POSITIONS_SQL, (list(symbols),)):
        state = _state(row)
        found.setdefault(state.symbol, []).append(state)
    return found


async def upsert_mark(conn: AsyncConnection, symbol: str, price: Decimal, at_unix_ms: int) -> None:
    await sql_run(conn, _UPSERT_MARK_SQL, (symbol, price, at_unix_ms))


async def get_marks(conn: AsyncConnection, symbols: list[str]) -> dict[str, Decimal]:
    if not symbols:
        return {}
    return {symbol: mark_price for symbol, mark_price in await sql_all(conn, _GET_MARKS_SQL, (list(symbols),))}


async def mark_dirty(conn: AsyncConnection, user_id: str) -> None:
    await sql_run(conn, _MARK_DIRTY_SQL, (user_id,))


async def due_exposures(conn: AsyncConnection, published_before_unix_ms: int, limit: int) -> list[tuple[str, int]]:
    """(user_id, last version) of dirty users not published since the given time; locked, skipping
    rows another replica holds."""
    rows = await sql_all(conn, _DUE_EXPOSURES_SQL, (published_before_unix_ms, limit))
    return [(user_id, version) for user_id, version in rows]


async def exposure_published(conn: AsyncConnection, user_id: str, version: int, at_unix_ms: int) -> None:
    await sql_run(conn, _EXPOSURE_PUBLISHED_SQL, (version, at_unix_ms, user_id))
