"""The `risk` schema."""
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

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
