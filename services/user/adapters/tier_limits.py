"""Reading the KYC tier tables. They are small and change rarely, but they are read on each
call rather than cached: an operator's change is then visible at once in every replica."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.user.adapters.tables import kyc_tier_asset_limits, kyc_tiers
from services.user.domain.limits import AssetLimits, TierLimits


async def load_all(conn: AsyncConnection) -> list[TierLimits]:
    tiers = (await conn.execute(sa.select(kyc_tiers).order_by(kyc_tiers.c.tier))).all()
    limits = (await conn.execute(sa.select(kyc_tier_asset_limits).order_by(
        kyc_tier_asset_limits.c.tier, kyc_tier_asset_limits.c.asset))).all()
    by_tier: dict[int, list[AssetLimits]] = {}
    for row in limits:
        by_tier.setdefault(row.tier, []).append(AssetLimits(
            asset=row.asset, max_order_notional=Decimal(row.max_order_notional),
            max_position_notional=Decimal(row.max_position_notional),
            daily_deposit_cap=Decimal(row.daily_deposit_cap)))
    return [TierLimits(tier=row.tier, max_leverage=Decimal(row.max_leverage),
                       asset_limits=tuple(by_tier.get(row.tier, ()))) for row in tiers]
