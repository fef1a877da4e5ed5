"""The `metadata` schema."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "metadata"
metadata = sa.MetaData(schema=SCHEMA)

instruments = sa.Table(
    "instruments", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("base_asset", sa.Text, nullable=False),
    sa.Column("quote_asset", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("tick_size", sa.Numeric(38, 18), nullable=False),
    sa.Column("lot_size", sa.Numeric(38, 18), nullable=False),
    sa.Column("min_notional", sa.Numeric(38, 18), nullable=False),
    sa.Column("max_leverage", sa.Numeric(38, 18), nullable=False),
    sa.Column("maintenance_margin_rate", sa.Numeric(38, 18), nullable=False),
    sa.Column("maker_fee_rate", sa.Numeric(38, 18), nullable=False),
    sa.Column("taker_fee_rate", sa.Numeric(38, 18), nullable=False),
    sa.Column("price_band_rate", sa.Numeric(38, 18), nullable=False),
    sa.Column("max_order_quantity", sa.Numeric(38, 18), nullable=False),
    sa.Column("index_sources", sa.JSON, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("reviewed_by", sa.Text, nullable=False, server_default=""),
    sa.Column("reviewed_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rejection_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("version", sa.Integer, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
