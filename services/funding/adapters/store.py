"""SQL of the funding schema. Every function runs inside the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.funding.adapters.tables import funding_audit, funding_cycles, funding_settlements
from services.funding.domain.model import CycleStatus, FrozenPrices, SealCheck, SettlementStatus

c, s = funding_cycles.c, funding_settlements.c
TERMINAL = (SettlementStatus.PUBLISHED.value, SettlementStatus.DEAD_LETTER.value)

# The scheduler's leader lock: one session-level advisory lock for the whole service.
LEADER_LOCK_KEY = 0x46554E44  # "FUND"


async def try_lead(conn: AsyncConnection) -> bool:
    return bool((await conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK_KEY})).scalar())


async def open_cycle(conn: AsyncConnection, *, cycle_id: str, symbol: str, cycle_ts: int, asset: str,
                     prices: FrozenPrices, now: int) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: True when this call opened it."""
    result = await conn.execute(insert(funding_cycles).values(
        cycle_id=cycle_id, symbol=symbol, cycle_ts_unix_ms=cycle_ts, asset=asset, rate=prices.rate,
        mark_price=prices.mark, index_price=prices.index, prices_at_unix_ms=prices.computed_at_ms,
        status=CycleStatus.SCHEDULED.value, created_at_unix_ms=now, updated_at_unix_ms=now,
    ).on_conflict_do_nothing().returning(c.cycle_id))
    return result.first() is not None


async def cycle_exists(conn: AsyncConnection, symbol: str, cycle_ts: int) -> bool:
    return (await conn.execute(sa.select(c.cycle_id).where(c.symbol == symbol, c.cycle_ts_unix_ms == cycle_ts))
            ).first() is not None


async def cycles_in(conn: AsyncConnection, statuses: list[CycleStatus]):
    return (await conn.execute(sa.select(funding_cycles).where(c.status.in_([x.value for x in statuses]))
                               .order_by(c.cycle_ts_unix_ms))).all()


async def lock_cycle(conn: AsyncConnection, cycle_id: str):
    return (await conn.execute(sa.select(funding_cycles).where(c.cycle_id == cycle_id).with_for_update())).first()


async def get_cycle(conn: AsyncConnection, cycle_id: str):
    return (await conn.execute(sa.select(funding_cycles).where(c.cycle_id == cycle_id))).first()


async def insert_settlements(conn: AsyncConnection, rows: list[dict]) -> None:
    if rows:
        await conn.execute(insert(funding_settlements).values(rows).on_conflict_do_nothing())


async def set_status(conn: AsyncConnection, cycle_id: str, status: CycleStatus, now: int, **extra) -> None:
    await conn.execute(sa.update(funding_cycles).where(c.cycle_id == cycle_id)
                       .values(status=status.value, updated_at_unix_ms=now, **extra))


async def claim_pending(conn: AsyncConnection, now: int, limit: int):
    """The work queue: due PENDING rows no other worker holds (FOR UPDATE SKIP LOCKED)."""
    return (await conn.execute(
        sa.select(funding_settlements)
        .where(s.status == SettlementStatus.PENDING.value, s.next_attempt_at_unix_ms <= now)
        .order_by(s.next_attempt_at_unix_ms, s.funding_id).limit(limit)
        .with_for_update(skip_locked=True))).all()


async def mark_published(conn: AsyncConnection, funding_id: str, now: int) -> None:
    await conn.execute(sa.update(funding_settlements).where(s.funding_id == funding_id).values(
        status=SettlementStatus.PUBLISHED.value, attempts=s.attempts + 1, published_at_unix_ms=now,
        last_error=""))


async def mark_failed(conn: AsyncConnection, funding_id: str, *, error: str, dead: bool, next_at: int) -> None:
    await conn.execute(sa.update(funding_settlements).where(
        s.funding_id == funding_id, s.status == SettlementStatus.PENDING.value).values(
        status=(SettlementStatus.DEAD_LETTER if dead else SettlementStatus.PENDING).value,
        attempts=s.attempts + 1, next_attempt_at_unix_ms=next_at, last_error=error[:500]))


async def next_due(conn: AsyncConnection) -> int | None:
    return (await conn.execute(sa.select(sa.func.min(s.next_attempt_at_unix_ms))
                               .where(s.status == SettlementStatus.PENDING.value))).scalar()


async def counts(conn: AsyncConnection, cycle_id: str) -> dict[str, int]:
    rows = await conn.execute(sa.select(s.status, sa.func.count()).where(s.cycle_id == cycle_id).group_by(s.status))
    return {status: n for status, n in rows}


async def settlements_of(conn: AsyncConnection, cycle_id: str, *, status: str = "", after: str = "",
                         limit: int | None = None):
    q = sa.select(funding_settlements).where(s.cycle_id == cycle_id)
    if status:
        q = q.where(s.status == status)
    if after:
        q = q.where(s.funding_id > after)
    q = q.order_by(s.funding_id)
    if limit:
        q = q.limit(limit)
    return (await conn.execute(q)).all()


async def record_seal(conn: AsyncConnection, cycle_id: str, status: CycleStatus, check: SealCheck, now: int) -> None:
    await set_status(conn, cycle_id, status, now, total_paid=check.total_paid, total_received=check.total_received,
                     total_collected=check.collected, total_credited=check.credited, shortfall=check.shortfall,
                     shortfall_covered=check.covered, residual=check.residual, review_reason=check.problem,
                     sealed_at_unix_ms=now if status is CycleStatus.SEALED else 0)


async def audit(conn: AsyncConnection, *, cycle_id: str, action: str, actor: str, reason: str,
                previous_status: str, now: int) -> None:
    await conn.execute(funding_audit.insert().values(cycle_id=cycle_id, action=action, actor=actor, reason=reason,
                                                     previous_status=previous_status, at_unix_ms=now))


async def list_cycles(conn: AsyncConnection, *, symbol: str, status: str, before_ts: int, before_symbol: str,
                      limit: int):
    q = sa.select(funding_cycles)
    if symbol:
        q = q.where(c.symbol == symbol)
    if status:
        q = q.where(c.status == status)
    if before_ts:
        q = q.where(sa.tuple_(c.cycle_ts_unix_ms, c.symbol) < sa.tuple_(sa.literal(before_ts),
                                                                       sa.literal(before_symbol)))
    return (await conn.execute(q.order_by(c.cycle_ts_unix_ms.desc(), c.symbol.desc()).limit(limit))).all()


async def history(conn: AsyncConnection, symbol: str, *, start: int, end: int, before: int, limit: int):
    q = sa.select(funding_cycles).where(c.symbol == symbol, c.cycle_ts_unix_ms >= start)
    if end:
        q = q.where(c.cycle_ts_unix_ms < end)
    if before:
        q = q.where(c.cycle_ts_unix_ms < before)
    return (await conn.execute(q.order_by(c.cycle_ts_unix_ms.desc()).limit(limit))).all()


async def last_cycle(conn: AsyncConnection, symbol: str):
    return (await conn.execute(sa.select(funding_cycles).where(c.symbol == symbol)
                               .order_by(c.cycle_ts_unix_ms.desc()).limit(1))).first()


async def user_payments(conn: AsyncConnection, user_id: str, *, symbol: str, start: int, end: int,
                        before: tuple[int, str] | None, limit: int):
    q = sa.select(funding_settlements).where(s.user_id == user_id, s.status == SettlementStatus.PUBLISHED.value,
                                             s.cycle_ts_unix_ms >= start)
    if symbol:
        q = q.where(s.symbol == symbol)
    if end:
        q = q.where(s.cycle_ts_unix_ms < end)
    if before:
        q = q.where(sa.tuple_(s.cycle_ts_unix_ms, s.funding_id) < sa.tuple_(sa.literal(before[0]),
                                                                            sa.literal(before[1])))
    return (await conn.execute(q.order_by(s.cycle_ts_unix_ms.desc(), s.funding_id.desc()).limit(limit))).all()


def amount_sum(rows, positive: bool) -> Decimal:
    return sum((abs(r.amount) for r in rows if (r.amount > 0) == positive and r.amount != 0), Decimal(0))
