"""The wallet's copy of users' KYC tier and account status, from the User service's events.

Events of different topics can arrive in any order, so each field keeps the timestamp of the
event that set it and only a newer event overwrites it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.wallet.adapters.tables import users

ACTIVE = "ACTIVE"
SUSPENDED = "SUSPENDED"


@dataclass(frozen=True)
class WalletUser:
    user_id: str
    kyc_tier: int
    status: str
    daily_deposit_caps: dict[str, Decimal] | None


async def get(conn: AsyncConnection, user_id: str) -> WalletUser | None:
    row = (await conn.execute(sa.select(users).where(users.c.user_id == user_id))).first()
    if row is None:
        return None
    caps = {asset: Decimal(v) for asset, v in row.daily_deposit_caps.items()} if row.daily_deposit_caps else None
    return WalletUser(row.user_id, row.kyc_tier, row.status, caps)


async def created(conn: AsyncConnection, user_id: str, kyc_tier: int, status: str, at_ms: int) -> None:
    """From user.created.v1: a later tier or status event may already be here; it wins."""
    await conn.execute(insert(users).values(
        user_id=user_id, kyc_tier=kyc_tier, status=status, daily_deposit_caps=None,
        tier_updated_at_unix_ms=at_ms, status_updated_at_unix_ms=at_ms).on_conflict_do_nothing())


async def set_tier(conn: AsyncConnection, user_id: str, kyc_tier: int, caps: dict[str, str] | None,
                   at_ms: int) -> None:
    statement = insert(users).values(user_id=user_id, kyc_tier=kyc_tier, status=ACTIVE, daily_deposit_caps=caps,
                                     tier_updated_at_unix_ms=at_ms, status_updated_at_unix_ms=0)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"kyc_tier": statement.excluded.kyc_tier, "daily_deposit_caps": statement.excluded.daily_deposit_caps,
              "tier_updated_at_unix_ms": statement.excluded.tier_updated_at_unix_ms},
        where=users.c.tier_updated_at_unix_ms <= statement.excluded.tier_updated_at_unix_ms))


async def set_status(conn: AsyncConnection, user_id: str, status: str, at_ms: int) -> None:
    statement = insert(users).values(user_id=user_id, kyc_tier=0, status=status, daily_deposit_caps=None,
                                     tier_updated_at_unix_ms=0, status_updated_at_unix_ms=at_ms)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"status": statement.excluded.status,
              "status_updated_at_unix_ms": statement.excluded.status_updated_at_unix_ms},
        where=users.c.status_updated_at_unix_ms <= statement.excluded.status_updated_at_unix_ms))
