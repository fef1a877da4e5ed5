"""instrument cache, outbox, inbox"""
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
        sa.Column("quote_asset", sa.Text, nullable=False),
        sa.Column("tick_size", numeric, nullable=False),
        sa.Column("lot_size", numeric, nullable=False),
        sa.Column("min_notional", numeric, nullable=False),
        sa.Column("max_leverage", numeric, nullable=False),
        sa.Column("maintenance_margin_rate", numeric, nullable=False),
        sa.Column("taker_fee_rate", numeric, nullable=False),
        sa.Column("price_band_rate", numeric, nullable=False),
        sa.Column("max_order_quantity", numeric, nullable=False),
        sa.Column("source_event_id", sa.Text, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    create_outbox_and_inbox(op, schema)
