"""margin watch: the accounts (user, asset) currently breached, so a restart never triggers twice"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "margin_watch",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("breached", sa.Boolean, nullable=False),
        sa.Column("changed_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema_name(),
    )
