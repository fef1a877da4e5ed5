"""The `funding` schema: cycles (one per symbol and boundary), the settlement work queue (one
row per non-flat position of a cycle), the admin audit trail, outbox and inbox."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "funding"
metadata = sa.MetaData(schema=SCHEMA)
NUMERIC = sa.Numeric(38, 18)

funding_cycles = sa.Table(
    "funding_cycles", metadata,
    sa.Column("cycle_id", sa.Text, primary_key=True),  # "<symbol>:<cycle_ts_unix_ms>"
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("cycle_ts_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("rate", NUMERIC, nullable=False),
    sa.Column("mark_price", NUMERIC, nullable=False),
    sa.Column("index_price", NUMERIC, nullable=False),
    sa.Column("prices_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("total_paid", NUMERIC, nullable=True),
    sa.Column("total_received", NUMERIC, nullable=True),
    sa.Column("total_collected", NUMERIC, nullable=True),
    sa.Column("total_credited", NUMERIC, nullable=True),
    sa.Column("shortfall", NUMERIC, nullable=True),
    sa.Column("shortfall_covered", NUMERIC, nullable=True),
    sa.Column("residual", NUMERIC, nullable=True),
    sa.Column("review_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("manually_sealed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("sealed_by", sa.Text, nullable=False, server_default=""),
    sa.Column("seal_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("snapshotted_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("sealed_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("symbol", "cycle_ts_unix_ms", name="funding_cycles_symbol_ts"),
)

funding_settlements = sa.Table(
    "funding_settlements", metadata,
    sa.Column("funding_id", sa.Text, primary_key=True),  # "funding:{cycle_ts}:{user_id}:{symbol}"
    sa.Column("cycle_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.funding_cycles.cycle_id"), nullable=False),
    sa.Column("cycle_ts_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("side", sa.Text, nullable=False),
    sa.Column("size", NUMERIC, nullable=False),
    sa.Column("rate", NUMERIC, nullable=False),
    sa.Column("mark_price", NUMERIC, nullable=False),
    sa.Column("amount", NUMERIC, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("published_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
)

# Who did what to a cycle by hand, and why (the admin override seal).
funding_audit = sa.Table(
    "funding_audit", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("cycle_id", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("previous_status", sa.Text, nullable=False),
    sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
