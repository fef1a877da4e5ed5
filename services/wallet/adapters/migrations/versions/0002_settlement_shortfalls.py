"""settlement_shortfalls: the reconciliation rows of settlement.v1 instructions that the user's
equity could not fully cover (and what the insurance fund covered of them)"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    money = sa.Numeric(38, 18)
    op.create_table(
        "settlement_shortfalls",
        sa.Column("settlement_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("pnl_short", money, nullable=False),
        sa.Column("fee_short", money, nullable=False),
        sa.Column("margin_short", money, nullable=False),
        sa.Column("covered_by_insurance", money, nullable=False),
        sa.Column("uncovered", money, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema_name(),
    )
