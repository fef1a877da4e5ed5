"""leverage as a per-(user, symbol) setting"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "leverage_settings",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("leverage", sa.Numeric(38, 18), nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema_name(),
    )
