"""accounts, refresh tokens, outbox, inbox"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None


def upgrade() -> None:
    schema = schema_name()
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("roles", ARRAY(sa.Text), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        schema=schema,
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("family_id", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("issued_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_at_unix_ms", sa.BigInteger, nullable=False),
        sa.CheckConstraint("status IN ('ACTIVE', 'ROTATED', 'REVOKED')", name="refresh_status"),
        schema=schema,
    )
    op.create_index("refresh_tokens_family", "refresh_tokens", ["family_id"], schema=schema)
    op.create_index("refresh_tokens_account", "refresh_tokens", ["account_id"], schema=schema)
    create_outbox_and_inbox(op, schema)
