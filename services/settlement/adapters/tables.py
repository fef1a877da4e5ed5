"""The `settlement` schema: one record per liquidation (its steps, working and receipt), the
liquidation orders' engine events, marks, the insurance fund's liquidation history, outbox, inbox."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from services.platform.db import inbox_table, outbox_table

SCHEMA = "settlement"
metadata = sa.MetaData(schema=SCHEMA)
_numeric = sa.Numeric(38, 18)

records = sa.Table(
    "settlement_records", metadata,
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Column("liquidation_id", sa.Text, nullable=False, unique=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("position_side", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("resolution", sa.Text, nullable=True),
    # The risk.liquidation.v1 event and what Settlement knew at the trigger (JSON of strings).
    sa.Column("trigger", JSONB, nullable=False),
    # Bankruptcy working, then the outcome (JSON of decimal strings).
    sa.Column("working", JSONB, nullable=True),
    sa.Column("result", JSONB, nullable=True),
    sa.Column("liquidation_order_id", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("failure_reason", sa.Text, nullable=True),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("completed_at_unix_ms", sa.BigInteger, nullable=True),
)

# Engine events of liquidation orders (by order id): fills and the final state.
liquidation_orders = sa.Table(
    "liquidation_orders", metadata,
    sa.Column("order_id", sa.Text, primary_key=True),
    sa.Column("liquidation_id", sa.Text, nullable=False),
    sa.Column("final", sa.Boolean, nullable=False),
    sa.Column("final_reason", sa.Text, nullable=True),
)

liquidation_fills = sa.Table(
    "liquidation_fills", metadata,
    sa.Column("trade_id", sa.Text, primary_key=True),
    sa.Column("order_id", sa.Text, nullable=False),
    sa.Column("liquidation_id", sa.Text, nullable=False),
    sa.Column("engine_seq", sa.BigInteger, nullable=False),
    sa.Column("price", _numeric, nullable=False),
    sa.Column("quantity", _numeric, nullable=False),
)

marks = sa.Table(
    "marks", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("mark_price", _numeric, nullable=False),
    sa.Column("index_price", sa.Text, nullable=False),
    sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("event_id", sa.Text, nullable=False),
)

index_ticks = sa.Table(
    "index_ticks", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("index_price", sa.Text, nullable=False),
    sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("event_id", sa.Text, nullable=False),
    sa.Column("components", JSONB, nullable=False),
)

engine_seqs = sa.Table(
    "engine_seqs", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("engine_seq", sa.BigInteger, nullable=False),
)

fund_history = sa.Table(
    "insurance_fund_history", metadata,
    sa.Column("entry_id", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("amount", _numeric, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("liquidation_id", sa.Text, nullable=False),
    sa.Column("record_id", sa.Text, nullable=False),
    sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
