"""the order-margin buckets' levels each balance was published with (symbol -> level), so a
restart knows what the Wallet booked per symbol (domain/cover.py)"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.add_column("balances", sa.Column("order_margin", sa.Text, nullable=False, server_default="{}"),
                  schema=schema_name())


def downgrade() -> None:
    op.drop_column("balances", "order_margin", schema=schema_name())
