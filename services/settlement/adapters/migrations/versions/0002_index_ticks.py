"""the latest index tick per symbol, for a receipt's trigger"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from services.platform.migrations import schema_name

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "index_ticks",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("index_price", sa.Text, nullable=False),
        sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("components", JSONB, nullable=False),
        schema=schema_name(),
    )
