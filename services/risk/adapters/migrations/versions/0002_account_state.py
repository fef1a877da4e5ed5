"""the state PreTradeCheck reads: tiers, accounts, balances, exposure, prices, open orders"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    schema = schema_name()
    numeric = sa.Numeric(38, 18)
    op.create_table(
        "kyc_tiers",
        sa.Column("tier", sa.Integer, primary_key=True),
        sa.Column("max_leverage", numeric, nullable=False),
        sa.Column("asset_limits", sa.JSON, nullable=False),
        sa.Column("as_of_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("source_event_id", sa.Text, nullable=False),
        schema=schema,
    )
    op.create_table(
        "accounts",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("kyc_tier", sa.Integer, nullable=False),
        sa.Column("tier_as_of_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("status_as_of_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint("status IN ('ACTIVE', 'SUSPENDED')", name="account_status"),
        schema=schema,
    )
    op.create_table(
        "balances",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("available", numeric, nullable=False),
        sa.Column("locked", numeric, nullable=False),
        sa.Column("position_margin", numeric, nullable=False),
        sa.Column("total", numeric, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "exposures",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("as_of_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "positions",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("size", numeric, nullable=False),
        sa.Column("entry_price", numeric, nullable=False),
        sa.Column("mark_price", numeric, nullable=False),
        sa.Column("margin", numeric, nullable=False),
        schema=schema,
    )
    op.create_table(
        "prices",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("mark_price", numeric, nullable=True),
        sa.Column("mark_stale", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("mark_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("index_price", numeric, nullable=True),
        sa.Column("index_stale", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("index_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        schema=schema,
    )
    op.create_table(
        "open_orders",
        sa.Column("order_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("side", sa.Text, nullable=False),
        sa.Column("price", numeric, nullable=True),
        sa.Column("remaining", numeric, nullable=False),
        sa.Column("leverage", numeric, nullable=False),
        sa.Column("reduce_only", sa.Boolean, nullable=False),
        sa.Column("source_event_id", sa.Text, nullable=False),
        sa.CheckConstraint("side IN ('BUY', 'SELL')", name="open_order_side"),
        schema=schema,
    )
    op.create_index("open_orders_by_user", "open_orders", ["user_id"], schema=schema)
