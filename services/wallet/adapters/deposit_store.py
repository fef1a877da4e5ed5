"""Deposit rows. In the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.wallet.adapters.tables import deposits
from services.wallet.domain.deposits import Deposit, DepositStatus, Rail


def _deposit(row) -> Deposit:
    return Deposit(
        deposit_id=row.deposit_id, user_id=row.user_id, asset=row.asset, amount=row.amount,
        status=DepositStatus(row.status), rail=Rail(row.rail), client_request_id=row.client_request_id,
        created_at_unix_ms=row.created_at_unix_ms, expires_at_unix_ms=row.expires_at_unix_ms,
        deposit_address=row.deposit_address, network=row.network, payment_reference=row.payment_reference,
        rail_reference=row.rail_reference, confirmed_at_unix_ms=row.confirmed_at_unix_ms)


async def get(conn: AsyncConnection, deposit_id: str) -> Deposit | None:
    row = (await conn.execute(sa.select(deposits).where(deposits.c.deposit_id == deposit_id))).first()
    return _deposit(row) if row else None


async def get_by_client_request(conn: AsyncConnection, user_id: str, client_request_id: str) -> Deposit | None:
    row = (await conn.execute(sa.select(deposits).where(
        deposits.c.user_id == user_id, deposits.c.client_request_id == client_request_id))).first()
    return _deposit(row) if row else None


async def insert_pending(conn: AsyncConnection, deposit: Deposit) -> bool:
    """False if the (user, client_request_id) exists already."""
    result = await conn.execute(
        insert(deposits).values(
            deposit_id=deposit.deposit_id, user_id=deposit.user_id, asset=deposit.asset, amount=deposit.amount,
            status=deposit.status.value, rail=deposit.rail.value, deposit_address="", network="",
            payment_reference="", rail_reference="", client_request_id=deposit.client_request_id,
            created_at_unix_ms=deposit.created_at_unix_ms, confirmed_at_unix_ms=0,
            expires_at_unix_ms=deposit.expires_at_unix_ms)
        .on_conflict_do_nothing().returning(deposits.c.deposit_id))
    return result.first() is not None


async def set_instructions(conn: AsyncConnection, deposit_id: str, *, deposit_address: str, network: str,
                           payment_reference: str) -> Deposit:
    row = (await conn.execute(
        deposits.update().where(deposits.c.deposit_id == deposit_id)
        .values(deposit_address=deposit_address, network=network, payment_reference=payment_reference)
        .returning(*deposits.c))).one()
    return _deposit(row)


async def confirm_if_pending(conn: AsyncConnection, deposit_id: str, rail_reference: str,
                             now_ms: int) -> Deposit | None:
    """THE exactly-once guard: only one transaction can move a deposit from PENDING to
    CONFIRMED. Concurrent callers block on the row lock, then see CONFIRMED and match nothing."""
    row = (await conn.execute(
        deposits.update()
        .where(deposits.c.deposit_id == deposit_id, deposits.c.status == DepositStatus.PENDING.value,
               deposits.c.expires_at_unix_ms > now_ms)
        .values(status=DepositStatus.CONFIRMED.value, rail_reference=rail_reference, confirmed_at_unix_ms=now_ms)
        .returning(*deposits.c))).first()
    return _deposit(row) if row else None


async def sum_opened_since(conn: AsyncConnection, user_id: str, asset: str, since_ms: int, now_ms: int) -> Decimal:
    """What counts against the daily cap: confirmed, or pending and not expired."""
    value = await conn.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(deposits.c.amount), 0)).where(
            deposits.c.user_id == user_id, deposits.c.asset == asset, deposits.c.created_at_unix_ms >= since_ms,
            sa.or_(deposits.c.status == DepositStatus.CONFIRMED.value,
                   sa.and_(deposits.c.status == DepositStatus.PENDING.value,
                           deposits.c.expires_at_unix_ms > now_ms))))
    return Decimal(value)


async def list_page(conn: AsyncConnection, user_id: str, *, asset: str, status: DepositStatus | None,
                    before_id: str, limit: int, now_ms: int) -> list[Deposit]:
    query = sa.select(deposits).where(deposits.c.user_id == user_id)
    if asset:
        query = query.where(deposits.c.asset == asset)
    if status is DepositStatus.EXPIRED:
        query = query.where(sa.or_(deposits.c.status == status.value,
                                   sa.and_(deposits.c.status == DepositStatus.PENDING.value,
                                           deposits.c.expires_at_unix_ms <= now_ms)))
    elif status is DepositStatus.PENDING:
        query = query.where(deposits.c.status == status.value, deposits.c.expires_at_unix_ms > now_ms)
    elif status is not None:
        query = query.where(deposits.c.status == status.value)
    if before_id:
        query = query.where(deposits.c.deposit_id < before_id)
    rows = (await conn.execute(query.order_by(deposits.c.deposit_id.desc()).limit(limit))).all()
    return [_deposit(r) for r in rows]
