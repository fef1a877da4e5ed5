"""The `users` schema (not `user`: that is a reserved word in PostgreSQL)."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "users"
metadata = sa.MetaData(schema=SCHEMA)
_numeric = sa.Numeric(38, 18)

kyc_tiers = sa.Table(
    "kyc_tiers", metadata,
    sa.Column("tier", sa.Integer, primary_key=True),
    sa.Column("max_leverage", _numeric, nullable=False),
)

kyc_tier_asset_limits = sa.Table(
    "kyc_tier_asset_limits", metadata,
    sa.Column("tier", sa.Integer, primary_key=True),
    sa.Column("asset", sa.Text, primary_key=True),
    sa.Column("max_order_notional", _numeric, nullable=False),
    sa.Column("max_position_notional", _numeric, nullable=False),
    sa.Column("daily_deposit_cap", _numeric, nullable=False),
)

profiles = sa.Table(
    "profiles", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("kyc_tier", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("source_event_id", sa.Text, nullable=False),
)

kyc_tier_requests = sa.Table(
    "kyc_tier_requests", metadata,
    sa.Column("request_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("from_tier", sa.Integer, nullable=False),
    sa.Column("to_tier", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("requested_by", sa.Text, nullable=False),
    sa.Column("requested_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("reviewed_by", sa.Text, nullable=False),
    sa.Column("reviewed_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("rejection_reason", sa.Text, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
