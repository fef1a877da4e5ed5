"""orders, fills, placements, wallet_calls, outbox, inbox"""
import sqlalchemy as sa
from alembic import op

from services.platform.db import create_outbox_and_inbox
from services.platform.migrations import schema_name

revision = "0001"
down_revision = None

STATUSES = "'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'"


def upgrade() -> None:
    schema = schema_name()
    numeric = sa.Numeric(38, 18)
    op.create_table(
        "orders",
        sa.Column("order_id", sa.Text, primary_key=True),
        sa.Column("client_order_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("side", sa.Text, nullable=False),
        sa.Column("order_type", sa.Text, nullable=False),
        sa.Column("time_in_force", sa.Text, nullable=False),
        sa.Column("price", numeric, nullable=True),
        sa.Column("quantity", numeric, nullable=False),
        sa.Column("filled_quantity", numeric, nullable=False),
        sa.Column("filled_notional", numeric, nullable=False),
        sa.Column("leverage", numeric, nullable=False),
        sa.Column("reduce_only", sa.Boolean, nullable=False),
        sa.Column("self_trade_prevention", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reject_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("cancel_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("expire_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("status_message", sa.Text, nullable=False, server_default=""),
        sa.Column("margin_asset", sa.Text, nullable=False),
        sa.Column("margin_locked", numeric, nullable=False),
        sa.Column("fees", numeric, nullable=False),
        sa.Column("tick_size", numeric, nullable=False),
        sa.Column("lot_size", numeric, nullable=False),
        sa.Column("maker_fee_rate", numeric, nullable=False),
        sa.Column("taker_fee_rate", numeric, nullable=False),
        sa.Column("is_liquidation", sa.Boolean, nullable=False),
        sa.Column("liquidation_id", sa.Text, nullable=False, server_default=""),
        sa.Column("request_fingerprint", sa.Text, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("accepted_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("cancel_requested_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("amend_requested_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("closed_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("amend_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="order_status"),
        sa.CheckConstraint("quantity > 0 AND filled_quantity >= 0 AND filled_quantity <= quantity",
                           name="order_quantities"),
        sa.CheckConstraint("margin_locked >= 0", name="order_margin_locked"),
        schema=schema,
    )
    # client_order_id is the caller's idempotency key, unique per user (the database enforces it
    # too, so two concurrent placements can never both commit).
    op.create_index("orders_client_order_id", "orders", ["user_id", "client_order_id"], unique=True,
                    schema=schema)
    op.create_index("orders_liquidation_id", "orders", ["liquidation_id"], unique=True, schema=schema,
                    postgresql_where=sa.text("liquidation_id <> ''"))
    op.create_index("orders_by_user", "orders", ["user_id", "order_id"], schema=schema)
    op.create_index("orders_open_by_user", "orders", ["user_id", "symbol"], schema=schema,
                    postgresql_where=sa.text("status IN ('NEW', 'PARTIALLY_FILLED')"))
    op.create_table(
        "fills",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("trade_id", sa.Text, nullable=False),
        sa.Column("order_id", sa.Text, nullable=False),
        sa.Column("client_order_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("symbol", sa.Text, nullable=False),
        sa.Column("side", sa.Text, nullable=False),
        sa.Column("price", numeric, nullable=False),
        sa.Column("quantity", numeric, nullable=False),
        sa.Column("fee", numeric, nullable=False),
        sa.Column("fee_asset", sa.Text, nullable=False),
        sa.Column("liquidity_role", sa.Text, nullable=False),
        sa.Column("margin", numeric, nullable=False),
        sa.Column("is_liquidation", sa.Boolean, nullable=False),
        sa.Column("executed_at_unix_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("trade_id", "order_id", name="fills_trade_order"),
        schema=schema,
    )
    op.create_index("fills_by_user", "fills", ["user_id", "id"], schema=schema)
    op.create_table(
        "placements",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("client_order_id", sa.Text, primary_key=True),
        sa.Column("order_id", sa.Text, nullable=False, unique=True),
        sa.Column("request_fingerprint", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
        schema=schema,
    )
    op.create_table(
        "wallet_calls",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("call_key", sa.Text, nullable=False, unique=True),
        sa.Column("order_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("done_at_unix_ms", sa.BigInteger, nullable=True),
        sa.CheckConstraint("kind IN ('SETTLE_TRADE', 'RELEASE_FUNDS')", name="wallet_call_kind"),
        schema=schema,
    )
    op.create_index("wallet_calls_pending", "wallet_calls", ["id"], schema=schema,
                    postgresql_where=sa.text("done_at_unix_ms IS NULL"))
    create_outbox_and_inbox(op, schema)
