"""profiles, KYC tiers (seeded), KYC tier requests, outbox, inbox

The tier limits below are the launch values. They are data: change them with a new migration
(or an operator UPDATE), never in code; Risk and Wallet read them through GetKycTierLimits and
user.kyc_updated.v1. Decimal literals only - these are money limits.
"""
from decimal import Decimal as D

import sqlalchemy as sa
from alembic import op

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None

# tier -> max leverage; tier 0 is where signup puts everyone: usable at once, but small.
TIERS = [
    {"tier": 0, "max_leverage": D("5")},
    {"tier": 1, "max_leverage": D("20")},
    {"tier": 2, "max_leverage": D("100")},
]
# (tier, asset, max order notional, max position notional, daily deposit cap), in the asset.
# INR figures are roughly the USDT ones at ~85 INR/USDT, rounded.
ASSET_LIMITS = [
    (0, "USDT", D("1000"), D("5000"), D("1000")),
    (0, "INR", D("85000"), D("425000"), D("85000")),
    (1, "USDT", D("50000"), D("250000"), D("50000")),
    (1, "INR", D("4250000"), D("21250000"), D("4250000")),
    (2, "USDT", D("1000000"), D("5000000"), D("1000000")),
    (2, "INR", D("85000000"), D("425000000"), D("85000000")),
]


def upgrade() -> None:
    schema = schema_name()
    numeric = sa.Numeric(38, 18)
    tiers = op.create_table(
        "kyc_tiers",
        sa.Column("tier", sa.Integer, primary_key=True),
        sa.Column("max_leverage", numeric, nullable=False),
        sa.CheckConstraint("tier >= 0", name="kyc_tier_non_negative"),
        sa.CheckConstraint("max_leverage >= 1", name="kyc_tier_leverage"),
        schema=schema,
    )
    asset_limits = op.create_table(
        "kyc_tier_asset_limits",
        sa.Column("tier", sa.Integer, sa.ForeignKey(f"{schema}.kyc_tiers.tier"), primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("max_order_notional", numeric, nullable=False),
        sa.Column("max_position_notional", numeric, nullable=False),
        sa.Column("daily_deposit_cap", numeric, nullable=False),
        sa.CheckConstraint("asset = upper(asset)", name="kyc_limit_asset_upper"),
        sa.CheckConstraint("max_order_notional > 0 AND max_position_notional >= max_order_notional "
                           "AND daily_deposit_cap >= 0", name="kyc_limit_values"),
        schema=schema,
    )
    op.bulk_insert(tiers, TIERS)
    op.bulk_insert(asset_limits, [
        {"tier": t, "asset": a, "max_order_notional": order, "max_position_notional": position,
         "daily_deposit_cap": deposit}
        for t, a, order, position, deposit in ASSET_LIMITS
    ])
    op.create_table(
        "profiles",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("kyc_tier", sa.Integer, sa.ForeignKey(f"{schema}.kyc_tiers.tier"), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        # The auth.account.created.v1 event the profile came from, for tracing.
        sa.Column("source_event_id", sa.Text, nullable=False),
        sa.CheckConstraint("status IN ('ACTIVE', 'SUSPENDED')", name="profile_status"),
        schema=schema,
    )
    op.create_table(
        "kyc_tier_requests",
        sa.Column("request_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, sa.ForeignKey(f"{schema}.profiles.user_id"), nullable=False),
        sa.Column("from_tier", sa.Integer, sa.ForeignKey(f"{schema}.kyc_tiers.tier"), nullable=False),
        sa.Column("to_tier", sa.Integer, sa.ForeignKey(f"{schema}.kyc_tiers.tier"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("requested_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("reviewed_by", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewed_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("rejection_reason", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("status IN ('PENDING', 'APPROVED', 'REJECTED')", name="kyc_request_status"),
        sa.CheckConstraint("from_tier <> to_tier", name="kyc_request_changes_tier"),
        # Four eyes, enforced by the database too.
        sa.CheckConstraint("reviewed_by = '' OR reviewed_by <> requested_by", name="kyc_request_four_eyes"),
        schema=schema,
    )
    # At most one PENDING request per user (the API's rule, enforced by the database too).
    op.create_index("kyc_tier_requests_one_pending", "kyc_tier_requests", ["user_id"], unique=True,
                    schema=schema, postgresql_where=sa.text("status = 'PENDING'"))
    op.create_index("kyc_tier_requests_by_user", "kyc_tier_requests", ["user_id", "request_id"], schema=schema)
    op.create_index("kyc_tier_requests_by_status", "kyc_tier_requests", ["status", "request_id"], schema=schema)
    create_outbox_and_inbox(op, schema)
