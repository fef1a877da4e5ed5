"""The `pricing` schema: instruments' index sources (from Metadata events), every index tick
with its components, every mark/funding tick, outbox and inbox."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "pricing"
metadata = sa.MetaData(schema=SCHEMA)
NUMERIC = sa.Numeric(38, 18)

instruments = sa.Table(
    "instruments", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("base_asset", sa.Text, nullable=False),
    sa.Column("quote_asset", sa.Text, nullable=False),
    # [{"exchange": "binance", "symbol": "BTC/USDT", "weight": "0.4"}, ...] (decimal strings)
    sa.Column("index_sources", sa.JSON, nullable=False),
    sa.Column("source_event_id", sa.Text, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
)

index_ticks = sa.Table(
    "index_ticks", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("price", NUMERIC, nullable=True),
    sa.Column("degraded", sa.Boolean, nullable=False),
    # [{"pair": "USDT/INR", "price": "88.5", "degraded": false}, ...]
    sa.Column("legs", sa.JSON, nullable=False),
    sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
)

index_components = sa.Table(
    "index_components", metadata,
    sa.Column("tick_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.index_ticks.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("leg", sa.Text, nullable=False),
    sa.Column("exchange", sa.Text, nullable=False),
    sa.Column("venue_symbol", sa.Text, nullable=False),
    sa.Column("price", NUMERIC, nullable=True),
    sa.Column("quoted_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("weight", NUMERIC, nullable=False),
    sa.Column("effective_weight", NUMERIC, nullable=False),
    # NONE (used), NO_QUOTE, STALE, OUTLIER
    sa.Column("exclusion_reason", sa.Text, nullable=False),
)

mark_ticks = sa.Table(
    "mark_ticks", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("mark_price", NUMERIC, nullable=False),
    sa.Column("index_price", NUMERIC, nullable=False),
    sa.Column("index_stale", sa.Boolean, nullable=False),
    sa.Column("funding_basis_price", NUMERIC, nullable=False),
    sa.Column("moving_average_basis_price", NUMERIC, nullable=True),
    sa.Column("last_trade_price", NUMERIC, nullable=True),
    sa.Column("funding_rate", NUMERIC, nullable=False),
    sa.Column("premium_index", NUMERIC, nullable=False),
    sa.Column("premium_samples", sa.Integer, nullable=False),
    sa.Column("impact_bid_price", NUMERIC, nullable=True),
    sa.Column("impact_ask_price", NUMERIC, nullable=True),
    sa.Column("next_funding_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("computed_at_unix_ms", sa.BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
