"""Tier limits and accounts in the risk schema. Functions run in the caller's transaction."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.risk.adapters.tables import accounts, kyc_tiers
from services.risk.domain.accounts import Account, AccountStatus, AssetLimits, TierLimits


async def upsert_tier(conn: AsyncConnection, limits: TierLimits, event_id: str) -> None:
    """Keeps the newest publication of a tier (as_of), whatever order events arrive in."""
    values = dict(tier=limits.tier, max_leverage=limits.max_leverage,
                  asset_limits=[{"asset": a.asset, "max_order_notional": str(a.max_order_notional),
                                 "max_position_notional": str(a.max_position_notional)}
                                for a in limits.asset_limits],
                  as_of_unix_ms=limits.as_of_unix_ms, source_event_id=event_id)
    statement = insert(kyc_tiers).values(**values)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["tier"], set_={k: statement.excluded[k] for k in values if k != "tier"},
        where=kyc_tiers.c.as_of_unix_ms <= statement.excluded.as_of_unix_ms))


async def load_tiers(conn: AsyncConnection) -> list[TierLimits]:
    rows = (await conn.execute(sa.select(kyc_tiers))).all()
    return [TierLimits(tier=r.tier, max_leverage=Decimal(r.max_leverage), as_of_unix_ms=r.as_of_unix_ms,
                       asset_limits=tuple(AssetLimits(asset=a["asset"],
                                                      max_order_notional=Decimal(a["max_order_notional"]),
                                                      max_position_notional=Decimal(a["max_position_notional"]))
                                          for a in r.asset_limits))
            for r in rows]


def _account(row) -> Account:
    return Account(user_id=row.user_id, kyc_tier=row.kyc_tier, status=AccountStatus(row.status),
                   tier_as_of_unix_ms=row.tier_as_of_unix_ms, status_as_of_unix_ms=row.status_as_of_unix_ms)


async def save(conn: AsyncConnection, account: Account) -> None:
    values = dict(user_id=account.user_id, kyc_tier=account.kyc_tier, status=account.status.value,
                  tier_as_of_unix_ms=account.tier_as_of_unix_ms, status_as_of_unix_ms=account.status_as_of_unix_ms)
    statement = insert(accounts).values(**values)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={k: statement.excluded[k] for k in values if k != "user_id"}))


async def load_accounts(conn: AsyncConnection) -> list[Account]:
    return [_account(r) for r in (await conn.execute(sa.select(accounts))).all()]
