"""instruments (index sources), index ticks and components, mark ticks, outbox, inbox"""
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
        sa.Column("index_sources", sa.JSON, nullable=False),
        sa.Column("source_event_id", sa.Text, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "index_ticks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("price", numeric, nullable=True),
        sa.Column("degraded", sa.Boolean, nullable=False),
        sa.Column("legs", sa.JSON, nullable=False),
        sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_index("index_ticks_symbol_time", "index_ticks", ["symbol", "computed_at_unix_ms"], schema=schema)
    op.create_table(
        "index_components",
        sa.Column("tick_id", sa.BigInteger, sa.ForeignKey(f"{schema}.index_ticks.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("leg", sa.Text, nullable=False),
        sa.Column("exchange", sa.Text, nullable=False),
        sa.Column("venue_symbol", sa.Text, nullable=False),
        sa.Column("price", numeric, nullable=True),
        sa.Column("quoted_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("weight", numeric, nullable=False),
        sa.Column("effective_weight", numeric, nullable=False),
        sa.Column("exclusion_reason", sa.Text, nullable=False),
        sa.CheckConstraint("exclusion_reason IN ('NONE', 'NO_QUOTE', 'STALE', 'OUTLIER')",
                           name="index_component_exclusion"),
        schema=schema,
    )
    op.create_table(
        "mark_ticks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("mark_price", numeric, nullable=False),
        sa.Column("index_price", numeric, nullable=False),
        sa.Column("index_stale", sa.Boolean, nullable=False),
        sa.Column("funding_basis_price", numeric, nullable=False),
        sa.Column("moving_average_basis_price", numeric, nullable=True),
        sa.Column("last_trade_price", numeric, nullable=True),
        sa.Column("funding_rate", numeric, nullable=False),
        sa.Column("premium_index", numeric, nullable=False),
        sa.Column("premium_samples", sa.Integer, nullable=False),
        sa.Column("impact_bid_price", numeric, nullable=True),
        sa.Column("impact_ask_price", numeric, nullable=True),
        sa.Column("next_funding_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_index("mark_ticks_symbol_time", "mark_ticks", ["symbol", "computed_at_unix_ms"], schema=schema)
    create_outbox_and_inbox(op, schema)
