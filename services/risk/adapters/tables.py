"""The `risk` schema: Risk's copies of other services' state, built from their events.

Every row remembers how new it is (a version or the event's time), so that a redelivered or
late event never overwrites newer state.
"""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "risk"
metadata = sa.MetaData(schema=SCHEMA)
_numeric = sa.Numeric(38, 18)

instruments = sa.Table(
    "instruments", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("quote_asset", sa.Text, nullable=False),
    sa.Column("tick_size", _numeric, nullable=False),
    sa.Column("lot_size", _numeric, nullable=False),
    sa.Column("min_notional", _numeric, nullable=False),
    sa.Column("max_leverage", _numeric, nullable=False),
    sa.Column("maintenance_margin_rate", _numeric, nullable=False),
    sa.Column("taker_fee_rate", _numeric, nullable=False),
    sa.Column("price_band_rate", _numeric, nullable=False),
    sa.Column("max_order_quantity", _numeric, nullable=False),
    sa.Column("source_event_id", sa.Text, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
)

# Tier limits as last published by user.kyc_updated.v1 (configured defaults are not stored).
kyc_tiers = sa.Table(
    "kyc_tiers", metadata,
    sa.Column("tier", sa.Integer, primary_key=True),
    sa.Column("max_leverage", _numeric, nullable=False),
    # [{"asset", "max_order_notional", "max_position_notional"}], decimal strings.
    sa.Column("asset_limits", sa.JSON, nullable=False),
    sa.Column("as_of_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("source_event_id", sa.Text, nullable=False),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("kyc_tier", sa.Integer, nullable=False),
    sa.Column("tier_as_of_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_as_of_unix_ms", sa.BigInteger, nullable=False),
)

balances = sa.Table(
    "balances", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, primary_key=True),
    sa.Column("available", _numeric, nullable=False),
    sa.Column("locked", _numeric, nullable=False),
    sa.Column("position_margin", _numeric, nullable=False),
    sa.Column("total", _numeric, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    # JSON {symbol: level} (balance_store.py); migration 0007.
    sa.Column("order_margin", sa.Text, nullable=False, server_default="{}"),
)

exposures = sa.Table(
    "exposures", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("as_of_unix_ms", sa.BigInteger, nullable=False),
)

positions = sa.Table(
    "positions", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, nullable=False),
    # Signed: positive LONG, negative SHORT.
    sa.Column("size", _numeric, nullable=False),
    sa.Column("entry_price", _numeric, nullable=False),
    sa.Column("mark_price", _numeric, nullable=False),
    sa.Column("margin", _numeric, nullable=False),
)

prices = sa.Table(
    "prices", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("mark_price", _numeric, nullable=True),
    sa.Column("mark_stale", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("mark_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("index_price", _numeric, nullable=True),
    sa.Column("index_stale", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("index_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
)

# Orders resting on (or passing through) the engine's books, from engine.event.v1.
open_orders = sa.Table(
    "open_orders", metadata,
    sa.Column("order_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("side", sa.Text, nullable=False),
    sa.Column("price", _numeric, nullable=True),
    sa.Column("remaining", _numeric, nullable=False),
    sa.Column("leverage", _numeric, nullable=False),
    sa.Column("reduce_only", sa.Boolean, nullable=False),
    sa.Column("source_event_id", sa.Text, nullable=False),
)

# Where the event feed stood when the rows above were last written (app/checkpoint.py): a start
# loads the rows and reads on from here.
feed_positions = sa.Table(
    "feed_positions", metadata,
    sa.Column("feed", sa.Text, primary_key=True),
    sa.Column("topic", sa.Text, primary_key=True),
    sa.Column("partition", sa.Integer, primary_key=True),
    sa.Column("next_offset", sa.BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
