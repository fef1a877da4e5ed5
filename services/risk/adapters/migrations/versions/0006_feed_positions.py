"""the event feed's positions, stored with each checkpoint of the state they produced"""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "feed_positions",
        sa.Column("feed", sa.Text, primary_key=True),
        sa.Column("topic", sa.Text, primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("next_offset", sa.BigInteger, nullable=False),
        schema=schema_name(),
    )
