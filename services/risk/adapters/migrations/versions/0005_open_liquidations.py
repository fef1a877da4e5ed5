"""the liquidations the margin watch emitted and Settlement has not completed yet"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "open_liquidations",
        sa.Column("liquidation_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("triggered_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema_name(),
    )
    op.create_index("open_liquidations_account", "open_liquidations", ["user_id", "asset"], schema=schema_name())
