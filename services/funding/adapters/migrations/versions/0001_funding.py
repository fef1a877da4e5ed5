"""funding cycles, the settlement work queue, the admin audit trail, outbox, inbox"""
import sqlalchemy as sa
from alembic import op

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None


def upgrade() -> None:
    schema = schema_name()
    numeric = sa.Numeric(38, 18)
    op.create_table(
        "funding_cycles",
        sa.Column("cycle_id", sa.Text, primary_key=True),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("cycle_ts_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("rate", numeric, nullable=False),
        sa.Column("mark_price", numeric, nullable=False),
        sa.Column("index_price", numeric, nullable=False),
        sa.Column("prices_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("total_paid", numeric, nullable=True),
        sa.Column("total_received", numeric, nullable=True),
        sa.Column("total_collected", numeric, nullable=True),
        sa.Column("total_credited", numeric, nullable=True),
        sa.Column("shortfall", numeric, nullable=True),
        sa.Column("shortfall_covered", numeric, nullable=True),
        sa.Column("residual", numeric, nullable=True),
        sa.Column("review_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("manually_sealed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sealed_by", sa.Text, nullable=False, server_default=""),
        sa.Column("seal_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("snapshotted_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("sealed_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("symbol", "cycle_ts_unix_ms", name="funding_cycles_symbol_ts"),
        schema=schema,
    )
    op.create_index("funding_cycles_status", "funding_cycles", ["status"], schema=schema)
    op.create_table(
        "funding_settlements",
        sa.Column("funding_id", sa.Text, primary_key=True),
        sa.Column("cycle_id", sa.Text, sa.ForeignKey(f"{schema}.funding_cycles.cycle_id"), nullable=False),
        sa.Column("cycle_ts_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("side", sa.Text, nullable=False),
        sa.Column("size", numeric, nullable=False),
        sa.Column("rate", numeric, nullable=False),
        sa.Column("mark_price", numeric, nullable=False),
        sa.Column("amount", numeric, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("published_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        schema=schema,
    )
    op.create_index("funding_settlements_cycle", "funding_settlements", ["cycle_id", "status"], schema=schema)
    op.create_index("funding_settlements_user", "funding_settlements", ["user_id", "cycle_ts_unix_ms"],
                    schema=schema)
    op.create_index("funding_settlements_pending", "funding_settlements", ["next_attempt_at_unix_ms"],
                    schema=schema, postgresql_where=sa.text("status = 'PENDING'"))
    op.create_table(
        "funding_audit",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("cycle_id", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("previous_status", sa.Text, nullable=False),
        sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    create_outbox_and_inbox(op, schema)


def downgrade() -> None:
    schema = schema_name()
    for table in ("funding_audit", "funding_settlements", "funding_cycles", "outbox", "inbox"):
        op.drop_table(table, schema=schema)
