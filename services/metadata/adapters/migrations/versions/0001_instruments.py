"""instruments, outbox, inbox"""
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
        "instruments",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("base_asset", sa.Text, nullable=False),
        sa.Column("quote_asset", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("tick_size", numeric, nullable=False),
        sa.Column("lot_size", numeric, nullable=False),
        sa.Column("min_notional", numeric, nullable=False),
        sa.Column("max_leverage", numeric, nullable=False),
        sa.Column("maintenance_margin_rate", numeric, nullable=False),
        sa.Column("maker_fee_rate", numeric, nullable=False),
        sa.Column("taker_fee_rate", numeric, nullable=False),
        sa.Column("price_band_rate", numeric, nullable=False),
        sa.Column("max_order_quantity", numeric, nullable=False),
        sa.Column("index_sources", sa.JSON, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("reviewed_by", sa.Text, nullable=False, server_default=""),
        sa.Column("reviewed_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("rejection_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("status IN ('PENDING', 'ACTIVE', 'REJECTED')", name="instrument_status"),
        sa.CheckConstraint("tick_size > 0 AND lot_size > 0 AND min_notional >= 0", name="instrument_steps"),
        schema=schema,
    )
    create_outbox_and_inbox(op, schema)
