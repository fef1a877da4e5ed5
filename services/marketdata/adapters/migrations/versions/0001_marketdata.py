"""public trades, candles, latest prices, outbox, inbox"""
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
        "trades",
        sa.Column("trade_id", sa.Text, primary_key=True),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("engine_seq", sa.BigInteger, nullable=False),
        sa.Column("price", numeric, nullable=False),
        sa.Column("quantity", numeric, nullable=False),
        sa.Column("quote_quantity", numeric, nullable=False),
        sa.Column("taker_side", sa.Text, nullable=False),
        sa.Column("is_liquidation", sa.Boolean, nullable=False),
        sa.Column("executed_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_index("trades_symbol_seq", "trades", ["symbol", "engine_seq"], unique=True, schema=schema)
    op.create_table(
        "candles",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("interval", sa.Text, primary_key=True),
        sa.Column("open_time_unix_ms", sa.BigInteger, primary_key=True),
        sa.Column("open", numeric, nullable=False),
        sa.Column("high", numeric, nullable=False),
        sa.Column("low", numeric, nullable=False),
        sa.Column("close", numeric, nullable=False),
        sa.Column("volume", numeric, nullable=False),
        sa.Column("quote_volume", numeric, nullable=False),
        sa.Column("trade_count", sa.BigInteger, nullable=False),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "prices",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("mark_price", sa.Text, nullable=False, server_default=""),
        sa.Column("index_price", sa.Text, nullable=False, server_default=""),
        sa.Column("funding_rate", sa.Text, nullable=False, server_default=""),
        sa.Column("next_funding_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        schema=schema,
    )
    create_outbox_and_inbox(op, schema)
