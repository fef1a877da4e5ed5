"""orders.locked_under_own_id: true for the orders that exist now (placed before the order-margin
bucket, or at least not known to be after it: their close keeps sending the final ReleaseFunds),
false for every order placed from now on (its margin is in the bucket)."""
import sqlalchemy as sa
from alembic import op

from services.platform.migrations import schema_name

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    schema = schema_name()
    op.add_column("orders", sa.Column("locked_under_own_id", sa.Boolean, nullable=False, server_default=sa.true()),
                  schema=schema)
    op.alter_column("orders", "locked_under_own_id", server_default=sa.false(), schema=schema)


def downgrade() -> None:
    op.drop_column("orders", "locked_under_own_id", schema=schema_name())
