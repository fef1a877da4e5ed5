"""positions (the size per user and symbol, from position.updated.v1 / position.closed.v1),
placements.symbol and the ORDER_MARGIN_SYNC wallet call: the per-(user, symbol) order-margin
bucket (app/order_margin.py)."""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    schema = schema_name()
    op.create_table(
        "positions",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("symbol", sa.Text, primary_key=True),
        # Signed: positive long, negative short.
        sa.Column("size", sa.Numeric(38, 18), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.add_column("placements", sa.Column("symbol", sa.Text, nullable=False, server_default=""), schema=schema)
    # The queue also carries the re-levelling of an order-margin bucket (app/order_margin.py).
    op.drop_constraint("wallet_call_kind", "wallet_calls", schema=schema)
    op.create_check_constraint("wallet_call_kind", "wallet_calls",
                               "kind IN ('SETTLE_TRADE', 'RELEASE_FUNDS', 'ORDER_MARGIN_SYNC')", schema=schema)


def downgrade() -> None:
    schema = schema_name()
    op.drop_constraint("wallet_call_kind", "wallet_calls", schema=schema)
    op.create_check_constraint("wallet_call_kind", "wallet_calls", "kind IN ('SETTLE_TRADE', 'RELEASE_FUNDS')",
                               schema=schema)
    op.drop_column("placements", "symbol", schema=schema)
    op.drop_table("positions", schema=schema)
