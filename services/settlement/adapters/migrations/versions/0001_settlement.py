"""settlement records, liquidation orders and fills, marks, engine sequences, insurance fund history, outbox, inbox"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None


def upgrade() -> None:
    schema = schema_name()
    numeric = sa.Numeric(38, 18)
    op.create_table(
        "settlement_records",
        sa.Column("record_id", sa.Text, primary_key=True),
        sa.Column("liquidation_id", sa.Text, nullable=False, unique=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("position_side", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("trigger", JSONB, nullable=False),
        sa.Column("working", JSONB, nullable=True),
        sa.Column("result", JSONB, nullable=True),
        sa.Column("liquidation_order_id", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failure_reason", sa.Text, nullable=True),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("completed_at_unix_ms", sa.BigInteger, nullable=True),
        sa.CheckConstraint("status IN ('INITIATED', 'ORDER_SUBMITTED', 'FILLED', 'ADL_TRIGGERED', 'COMPLETED', "
                           "'FAILED')", name="record_status"),
        schema=schema,
    )
    op.create_index("settlement_records_open", "settlement_records", ["user_id", "record_id"], schema=schema,
                    postgresql_where=sa.text("status NOT IN ('COMPLETED', 'FAILED')"))
    op.create_index("settlement_records_order", "settlement_records", ["liquidation_order_id"], schema=schema)
    op.create_table(
        "liquidation_orders",
        sa.Column("order_id", sa.Text, primary_key=True),
        sa.Column("liquidation_id", sa.Text, nullable=False),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("final_reason", sa.Text, nullable=True),
        schema=schema,
    )
    op.create_table(
        "liquidation_fills",
        sa.Column("trade_id", sa.Text, primary_key=True),
        sa.Column("order_id", sa.Text, nullable=False),
        sa.Column("liquidation_id", sa.Text, nullable=False),
        sa.Column("engine_seq", sa.BigInteger, nullable=False),
        sa.Column("price", numeric, nullable=False),
        sa.Column("quantity", numeric, nullable=False),
        schema=schema,
    )
    op.create_index("liquidation_fills_liquidation", "liquidation_fills", ["liquidation_id"], schema=schema)
    op.create_table(
        "marks",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("mark_price", numeric, nullable=False),
        sa.Column("index_price", sa.Text, nullable=False),
        sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        schema=schema,
    )
    op.create_table(
        "engine_seqs",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("engine_seq", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "insurance_fund_history",
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("amount", numeric, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("liquidation_id", sa.Text, nullable=False),
        sa.Column("record_id", sa.Text, nullable=False),
        sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_index("insurance_fund_history_at", "insurance_fund_history", ["at_unix_ms"], schema=schema)
    create_outbox_and_inbox(op, schema)
