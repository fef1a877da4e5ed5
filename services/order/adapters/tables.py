"""The `orders` schema.

- `orders`: one row per placed order (committed together with its engine command).
- `fills`: the owner's side of each trade, unique by (trade_id, order_id).
- `placements`: in-flight PlaceOrder attempts, committed BEFORE Risk and the Wallet are called,
  so a retry after a crash finds the same order_id, and an attempt that never completed is
  found by the reconciler, which releases whatever it locked (see app/placement.py).
- `wallet_calls`: SettleTrade / ReleaseFunds requests owed to the Wallet, written in the same
  transaction as the fill or status change that causes them and drained with retries after
  the commit (a "wallet outbox": a crash never loses a settlement).
"""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "orders"
metadata = sa.MetaData(schema=SCHEMA)
_numeric = sa.Numeric(38, 18)

orders = sa.Table(
    "orders", metadata,
    sa.Column("order_id", sa.Text, primary_key=True),
    sa.Column("client_order_id", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("side", sa.Text, nullable=False),
    sa.Column("order_type", sa.Text, nullable=False),
    sa.Column("time_in_force", sa.Text, nullable=False),
    sa.Column("price", _numeric, nullable=True),
    sa.Column("quantity", _numeric, nullable=False),
    sa.Column("filled_quantity", _numeric, nullable=False),
    sa.Column("filled_notional", _numeric, nullable=False),
    sa.Column("leverage", _numeric, nullable=False),
    sa.Column("reduce_only", sa.Boolean, nullable=False),
    sa.Column("self_trade_prevention", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reject_reason", sa.Text, nullable=False),
    sa.Column("cancel_reason", sa.Text, nullable=False),
    sa.Column("expire_reason", sa.Text, nullable=False),
    sa.Column("status_message", sa.Text, nullable=False),
    sa.Column("margin_asset", sa.Text, nullable=False),
    sa.Column("margin_locked", _numeric, nullable=False),
    sa.Column("fees", _numeric, nullable=False),
    sa.Column("tick_size", _numeric, nullable=False),
    sa.Column("lot_size", _numeric, nullable=False),
    sa.Column("maker_fee_rate", _numeric, nullable=False),
    sa.Column("taker_fee_rate", _numeric, nullable=False),
    sa.Column("is_liquidation", sa.Boolean, nullable=False),
    sa.Column("liquidation_id", sa.Text, nullable=False),
    sa.Column("locked_under_own_id", sa.Boolean, nullable=False),
    sa.Column("request_fingerprint", sa.Text, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("accepted_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("cancel_requested_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("amend_requested_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("closed_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("amend_count", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

fills = sa.Table(
    "fills", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("trade_id", sa.Text, nullable=False),
    sa.Column("order_id", sa.Text, nullable=False),
    sa.Column("client_order_id", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("side", sa.Text, nullable=False),
    sa.Column("price", _numeric, nullable=False),
    sa.Column("quantity", _numeric, nullable=False),
    sa.Column("fee", _numeric, nullable=False),
    sa.Column("fee_asset", sa.Text, nullable=False),
    sa.Column("liquidity_role", sa.Text, nullable=False),
    sa.Column("margin", _numeric, nullable=False),
    sa.Column("is_liquidation", sa.Boolean, nullable=False),
    sa.Column("executed_at_unix_ms", sa.BigInteger, nullable=False),
)

placements = sa.Table(
    "placements", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("client_order_id", sa.Text, primary_key=True),
    sa.Column("order_id", sa.Text, nullable=False, unique=True),
    sa.Column("request_fingerprint", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    # The order's symbol: whose order-margin bucket an abandoned attempt may have locked into.
    sa.Column("symbol", sa.Text, nullable=False, server_default=""),
)

# Position sizes from position.updated.v1 / position.closed.v1 (highest version kept): the order
# margin of a (user, symbol) is net of the position (services/platform/money.py order_margin).
positions = sa.Table(
    "positions", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("size", sa.Numeric(38, 18), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

wallet_calls = sa.Table(
    "wallet_calls", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("call_key", sa.Text, nullable=False, unique=True),
    sa.Column("order_id", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("last_error", sa.Text, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("done_at_unix_ms", sa.BigInteger, nullable=True),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
