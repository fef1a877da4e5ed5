"""The `wallet` schema (created by migrations/versions/0001_ledger.py, which also holds the
database-side rules: non-negative CHECKs and the balanced-entry constraint trigger)."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "wallet"
metadata = sa.MetaData(schema=SCHEMA)
_money = sa.Numeric(38, 18)

# The wallet's copy of what the User service says about a user (from its events).
users = sa.Table(
    "users", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("kyc_tier", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    # {"USDT": "1000", ...} from user.kyc_updated.v1; NULL: the configured defaults of the tier.
    sa.Column("daily_deposit_caps", sa.JSON, nullable=True),
    sa.Column("tier_updated_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("status_updated_at_unix_ms", sa.BigInteger, nullable=False),
)

balances = sa.Table(
    "balances", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, primary_key=True),
    sa.Column("available", _money, nullable=False),
    sa.Column("locked", _money, nullable=False),
    sa.Column("position_margin", _money, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
)

system_balances = sa.Table(
    "system_balances", metadata,
    sa.Column("account_kind", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, primary_key=True),
    sa.Column("balance", _money, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
)

journal_entries = sa.Table(
    "journal_entries", metadata,
    sa.Column("journal_entry_id", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.Text, nullable=False, unique=True),
    sa.Column("reference_id", sa.Text, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
)

postings = sa.Table(
    "postings", metadata,
    sa.Column("posting_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("journal_entry_id", sa.Text, sa.ForeignKey(journal_entries.c.journal_entry_id), nullable=False),
    sa.Column("seq", sa.SmallInteger, nullable=False),
    sa.Column("account_kind", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("direction", sa.Text, nullable=False),
    sa.Column("amount", _money, nullable=False),
    sa.Column("balance_after", _money, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
)

# One row per idempotency key of a mutating operation (lock, release, trade, settlement,
# insurance transfer), even when it posted nothing, so a replay can never post later.
operations = sa.Table(
    "operations", metadata,
    sa.Column("idempotency_key", sa.Text, primary_key=True),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("journal_entry_id", sa.Text, nullable=True),
    sa.Column("amount", _money, nullable=True),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
)

order_funds = sa.Table(
    "order_funds", metadata,
    sa.Column("order_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("locked", _money, nullable=False),
    sa.Column("total_locked", _money, nullable=False),
    sa.Column("settled_margin", _money, nullable=False),
    sa.Column("fees", _money, nullable=False),
    sa.Column("released", _money, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
)

deposits = sa.Table(
    "deposits", metadata,
    sa.Column("deposit_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("amount", _money, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("rail", sa.Text, nullable=False),
    sa.Column("deposit_address", sa.Text, nullable=False),
    sa.Column("network", sa.Text, nullable=False),
    sa.Column("payment_reference", sa.Text, nullable=False),
    sa.Column("rail_reference", sa.Text, nullable=False),
    sa.Column("client_request_id", sa.Text, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("confirmed_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("expires_at_unix_ms", sa.BigInteger, nullable=False),
)

# A settlement.v1 instruction the user's equity could not fully cover (migration 0002).
settlement_shortfalls = sa.Table(
    "settlement_shortfalls", metadata,
    sa.Column("settlement_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("pnl_short", _money, nullable=False),
    sa.Column("fee_short", _money, nullable=False),
    sa.Column("margin_short", _money, nullable=False),
    sa.Column("covered_by_insurance", _money, nullable=False),
    sa.Column("uncovered", _money, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
