"""SQL of the Settlement service, in the caller's connection/transaction."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.settlement.adapters.tables import (
    fund_history,
    index_ticks,
    liquidation_fills,
    liquidation_orders,
    marks,
    records,
)
from services.settlement.domain.liquidation import Fill

OPEN = ("INITIATED", "ORDER_SUBMITTED", "FILLED", "ADL_TRIGGERED")


@dataclass(frozen=True)
class Record:
    record_id: str
    liquidation_id: str
    user_id: str
    symbol: str
    asset: str
    position_side: str
    status: str
    resolution: str | None
    trigger: dict
    working: dict | None
    result: dict | None
    liquidation_order_id: str | None
    attempts: int
    failure_reason: str | None
    created_at_unix_ms: int
    updated_at_unix_ms: int
    completed_at_unix_ms: int | None


def _record(row) -> Record:
    return Record(**{c: row._mapping[c] for c in Record.__dataclass_fields__})


async def insert_record(conn: AsyncConnection, values: dict) -> bool:
    result = await conn.execute(insert(records).values(**values).on_conflict_do_nothing(
        index_elements=[records.c.liquidation_id]))
    return result.rowcount == 1


async def next_open_per_user(conn: AsyncConnection) -> list[Record]:
    """The oldest open record of each user: a user's liquidations run one after the other, in
    the order Risk emitted them (largest loss first)."""
    rows = await conn.execute(sa.text(
        "SELECT DISTINCT ON (user_id) * FROM settlement.settlement_records "
        "WHERE status NOT IN ('COMPLETED', 'FAILED') ORDER BY user_id, record_id"))
    return sorted((_record(r) for r in rows), key=lambda r: r.record_id)


async def get_record(conn: AsyncConnection, record_id: str) -> Record | None:
    row = (await conn.execute(sa.select(records).where(records.c.record_id == record_id))).first()
    return _record(row) if row else None


async def get_by_liquidation(conn: AsyncConnection, liquidation_id: str) -> Record | None:
    row = (await conn.execute(sa.select(records).where(records.c.liquidation_id == liquidation_id))).first()
    return _record(row) if row else None


async def list_records(conn: AsyncConnection, *, user_id: str, symbol: str, status: str, limit: int,
                       before: str) -> list[Record]:
    query = sa.select(records).order_by(records.c.record_id.desc()).limit(limit)
    if user_id:
        query = query.where(records.c.user_id == user_id)
    if symbol:
        query = query.where(records.c.symbol == symbol)
    if status:
        query = query.where(records.c.status == status)
    if before:
        query = query.where(records.c.record_id < before)
    return [_record(r) for r in await conn.execute(query)]


async def update_record(conn: AsyncConnection, record_id: str, expected_status: str, **values) -> bool:
    """Guarded by the status the step started from: a step is applied once."""
    result = await conn.execute(records.update().where(
        records.c.record_id == record_id, records.c.status == expected_status).values(**values))
    return result.rowcount == 1


async def count_attempt(conn: AsyncConnection, record_id: str, reason: str, at: int) -> None:
    await conn.execute(records.update().where(records.c.record_id == record_id).values(
        attempts=records.c.attempts + 1, failure_reason=reason[:500], updated_at_unix_ms=at))


async def mark_of(conn: AsyncConnection, symbol: str) -> dict | None:
    row = (await conn.execute(sa.select(marks).where(marks.c.symbol == symbol))).first()
    return dict(row._mapping) if row else None


async def all_marks(conn: AsyncConnection) -> dict[str, dict]:
    return {r.symbol: dict(r._mapping) for r in await conn.execute(sa.select(marks))}


async def save_mark(conn: AsyncConnection, symbol: str, mark: Decimal, index: str, computed_at: int,
                    event_id: str) -> None:
    stmt = insert(marks).values(symbol=symbol, mark_price=mark, index_price=index, computed_at_unix_ms=computed_at,
                                event_id=event_id)
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=[marks.c.symbol],
        set_={"mark_price": stmt.excluded.mark_price, "index_price": stmt.excluded.index_price,
              "computed_at_unix_ms": stmt.excluded.computed_at_unix_ms, "event_id": stmt.excluded.event_id},
        where=marks.c.computed_at_unix_ms <= stmt.excluded.computed_at_unix_ms))


async def order_accepted(conn: AsyncConnection, order_id: str, liquidation_id: str) -> None:
    await conn.execute(insert(liquidation_orders).values(
        order_id=order_id, liquidation_id=liquidation_id, final=False).on_conflict_do_nothing())


async def order_final(conn: AsyncConnection, order_id: str, reason: str, liquidation_id: str | None = None) -> bool:
    """Marks a known liquidation order final; False when the order is not a liquidation order."""
    if liquidation_id:
        stmt = insert(liquidation_orders).values(order_id=order_id, liquidation_id=liquidation_id, final=True,
                                                 final_reason=reason)
        await conn.execute(stmt.on_conflict_do_update(
            index_elements=[liquidation_orders.c.order_id], set_={"final": True, "final_reason": reason},
            where=liquidation_orders.c.final.is_(False)))
        return True
    result = await conn.execute(liquidation_orders.update().where(
        liquidation_orders.c.order_id == order_id, liquidation_orders.c.final.is_(False)).values(
        final=True, final_reason=reason))
    return result.rowcount == 1


async def is_final(conn: AsyncConnection, order_id: str) -> bool:
    row = (await conn.execute(sa.select(liquidation_orders.c.final).where(
        liquidation_orders.c.order_id == order_id))).first()
    return bool(row and row.final)


async def add_fill(conn: AsyncConnection, *, trade_id: str, order_id: str, liquidation_id: str, engine_seq: int,
                   price: Decimal, quantity: Decimal) -> None:
    await conn.execute(insert(liquidation_fills).values(
        trade_id=trade_id, order_id=order_id, liquidation_id=liquidation_id, engine_seq=engine_seq, price=price,
        quantity=quantity).on_conflict_do_nothing())


async def fills(conn: AsyncConnection, order_id: str) -> list[Fill]:
    rows = await conn.execute(sa.select(liquidation_fills).where(liquidation_fills.c.order_id == order_id)
                              .order_by(liquidation_fills.c.engine_seq))
    return [Fill(trade_id=r.trade_id, price=r.price, quantity=r.quantity, engine_seq=r.engine_seq) for r in rows]


async def add_fund_change(conn: AsyncConnection, *, entry_id: str, asset: str, amount: Decimal, kind: str,
                          liquidation_id: str, record_id: str, at: int) -> None:
    await conn.execute(insert(fund_history).values(
        entry_id=entry_id, asset=asset, amount=amount, kind=kind, liquidation_id=liquidation_id,
        record_id=record_id, at_unix_ms=at).on_conflict_do_nothing())


async def fund_changes(conn: AsyncConnection, limit: int) -> list[dict]:
    rows = await conn.execute(sa.select(fund_history).order_by(fund_history.c.at_unix_ms.desc(),
                                                               fund_history.c.entry_id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]


async def liquidation_of_order(conn: AsyncConnection, order_id: str) -> str | None:
    row = (await conn.execute(sa.select(records.c.liquidation_id).where(
        records.c.liquidation_order_id == order_id))).first()
    return row.liquidation_id if row else None


_WORKER_LOCK = "SELECT pg_try_advisory_lock(hashtext('settlement.worker'))"


async def try_worker_lock(conn: AsyncConnection) -> bool:
    result = bool(await conn.scalar(sa.text(_WORKER_LOCK)))
    await conn.commit()
    return result


async def worker_unlock(conn: AsyncConnection) -> None:
    await conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext('settlement.worker'))"))
    await conn.commit()


async def save_working(conn: AsyncConnection, record_id: str, working: dict, at: int) -> None:
    """The first working saved stays: a repeated pricing never changes the order's price."""
    await conn.execute(records.update().where(
        records.c.record_id == record_id, records.c.status == "INITIATED", records.c.working.is_(None)).values(
        working=working, updated_at_unix_ms=at))


async def open_liquidation_orders(conn: AsyncConnection) -> set[str]:
    """Liquidation orders not known to be final: accepted ones, and those of submitted records."""
    accepted = await conn.execute(sa.select(liquidation_orders.c.order_id).where(liquidation_orders.c.final.is_(False)))
    submitted = await conn.execute(sa.select(records.c.liquidation_order_id).where(
        records.c.status == "ORDER_SUBMITTED", records.c.liquidation_order_id.is_not(None)))
    return {r[0] for r in accepted} | {r[0] for r in submitted}


async def save_index(conn: AsyncConnection, symbol: str, price: str, computed_at: int, event_id: str,
                     components: list[dict]) -> None:
    stmt = insert(index_ticks).values(symbol=symbol, index_price=price, computed_at_unix_ms=computed_at,
                                      event_id=event_id, components=components)
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=[index_ticks.c.symbol],
        set_={"index_price": stmt.excluded.index_price, "computed_at_unix_ms": stmt.excluded.computed_at_unix_ms,
              "event_id": stmt.excluded.event_id, "components": stmt.excluded.components},
        where=index_ticks.c.computed_at_unix_ms <= stmt.excluded.computed_at_unix_ms))


async def index_of(conn: AsyncConnection, symbol: str) -> dict | None:
    row = (await conn.execute(sa.select(index_ticks).where(index_ticks.c.symbol == symbol))).first()
    return dict(row._mapping) if row else None
