"""KYC tier request rows <-> domain objects. Every function runs inside the caller's transaction."""
from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.errors import Aborted
from services.user.adapters.tables import kyc_tier_requests as requests
from services.user.domain.kyc import KycRequestStatus, KycTierChange


def _values(change: KycTierChange) -> dict:
    return asdict(change) | {"status": change.status.value}


def _from_row(row) -> KycTierChange:
    values = dict(row._mapping)
    return KycTierChange(**values | {"status": KycRequestStatus(values["status"])})


async def get(conn: AsyncConnection, request_id: str, *, for_update: bool = False) -> KycTierChange | None:
    query = sa.select(requests).where(requests.c.request_id == request_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return _from_row(row) if row else None


async def pending_for_user(conn: AsyncConnection, user_id: str) -> KycTierChange | None:
    row = (await conn.execute(sa.select(requests).where(
        requests.c.user_id == user_id, requests.c.status == KycRequestStatus.PENDING.value))).first()
    return _from_row(row) if row else None


async def insert(conn: AsyncConnection, change: KycTierChange) -> None:
    await conn.execute(requests.insert().values(**_values(change)))


async def record_review(conn: AsyncConnection, reviewed: KycTierChange) -> None:
    """Only a PENDING row can be reviewed, once."""
    result = await conn.execute(
        requests.update()
        .where(requests.c.request_id == reviewed.request_id,
               requests.c.status == KycRequestStatus.PENDING.value)
        .values(status=reviewed.status.value, reviewed_by=reviewed.reviewed_by,
                reviewed_at_unix_ms=reviewed.reviewed_at_unix_ms, rejection_reason=reviewed.rejection_reason))
    if result.rowcount != 1:
        raise Aborted(f"KYC tier request {reviewed.request_id} was reviewed concurrently; retry")


async def list_page(conn: AsyncConnection, *, status: KycRequestStatus | None, user_id: str,
                    before_request_id: str, limit: int) -> list[KycTierChange]:
    """Newest first: request ids are ULIDs, so their order is creation order."""
    query = sa.select(requests)
    if status is not None:
        query = query.where(requests.c.status == status.value)
    if user_id:
        query = query.where(requests.c.user_id == user_id)
    if before_request_id:
        query = query.where(requests.c.request_id < before_request_id)
    rows = (await conn.execute(query.order_by(requests.c.request_id.desc()).limit(limit))).all()
    return [_from_row(row) for row in rows]
