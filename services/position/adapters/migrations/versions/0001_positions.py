"""position ledger (append-only), positions, marks, exposure debounce state, outbox, inbox"""
import sqlalchemy as sa
from alembic import op

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None


def upgrade() -> None:
    schema = schema_name()
    numeric = sa.Numeric(38, 18)
    op.create_table(
        "position_ledger",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("entry_id", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("source_event_id", sa.Text, nullable=False),
        sa.Column("trade_id", sa.Text, nullable=False),
        sa.Column("order_id", sa.Text, nullable=False),
        sa.Column("quantity", numeric, nullable=False),
        sa.Column("price", numeric, nullable=False),
        sa.Column("cost", numeric, nullable=False),
        sa.Column("realized_pnl", numeric, nullable=False),
        sa.Column("fee", numeric, nullable=False),
        sa.Column("funding", numeric, nullable=False),
        sa.Column("margin", numeric, nullable=False),
        sa.Column("leverage", numeric, nullable=True),
        sa.CheckConstraint("kind IN ('TRADE', 'FUNDING')", name="ledger_kind"),
        schema=schema,
    )
    op.create_index("position_ledger_symbol", "position_ledger", ["symbol", "id"], schema=schema)
    op.create_index("position_ledger_user", "position_ledger", ["user_id", "symbol", "id"], schema=schema)
    op.execute(f"""
        CREATE FUNCTION "{schema}".position_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'position_ledger is append-only'; END $$;
        CREATE TRIGGER position_ledger_append_only BEFORE UPDATE OR DELETE ON "{schema}".position_ledger
        FOR EACH ROW EXECUTE FUNCTION "{schema}".position_ledger_append_only();
    """)
    op.create_table(
        "positions",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("asset", sa.Text, nullable=False),
        sa.Column("size", numeric, nullable=False),
        sa.Column("cost", numeric, nullable=False),
        sa.Column("margin", numeric, nullable=False),
        sa.Column("realized_pnl", numeric, nullable=False),
        sa.Column("fees", numeric, nullable=False),
        sa.Column("funding", numeric, nullable=False),
        sa.Column("leverage", numeric, nullable=False),
        sa.Column("opened_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.CheckConstraint("margin >= 0", name="position_margin_non_negative"),
        schema=schema,
    )
    op.create_table(
        "marks",
        sa.Column("symbol", sa.Text, primary_key=True),
        sa.Column("mark_price", numeric, nullable=False),
        sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "exposure_state",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("dirty", sa.Boolean, nullable=False),
        sa.Column("last_published_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_index("exposure_dirty", "exposure_state", ["user_id"], schema=schema,
                    postgresql_where=sa.text("dirty"))
    create_outbox_and_inbox(op, schema)
