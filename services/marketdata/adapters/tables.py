"""The `marketdata` schema: public trades, candles folded from them, the latest prices from the
pricing service (md.mark.v1 / md.index.v1 / md.funding.v1), outbox and inbox. Plain tables and
SQL (no TimescaleDB): the same statements run where TimescaleDB exists."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "marketdata"
metadata = sa.MetaData(schema=SCHEMA)
_numeric = sa.Numeric(38, 18)

trades = sa.Table(
    "trades", metadata,
    sa.Column("trade_id", sa.Text, primary_key=True),
    sa.Column("symbol", sa.Text, nullable=False),
    sa.Column("engine_seq", sa.BigInteger, nullable=False),
    sa.Column("price", _numeric, nullable=False),
    sa.Column("quantity", _numeric, nullable=False),
    sa.Column("quote_quantity", _numeric, nullable=False),
    sa.Column("taker_side", sa.Text, nullable=False),
    sa.Column("is_liquidation", sa.Boolean, nullable=False),
    sa.Column("executed_at_unix_ms", sa.BigInteger, nullable=False),
)

candles = sa.Table(
    "candles", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("interval", sa.Text, primary_key=True),
    sa.Column("open_time_unix_ms", sa.BigInteger, primary_key=True),
    sa.Column("open", _numeric, nullable=False),
    sa.Column("high", _numeric, nullable=False),
    sa.Column("low", _numeric, nullable=False),
    sa.Column("close", _numeric, nullable=False),
    sa.Column("volume", _numeric, nullable=False),
    sa.Column("quote_volume", _numeric, nullable=False),
    sa.Column("trade_count", sa.BigInteger, nullable=False),
    sa.Column("first_seq", sa.BigInteger, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)

prices = sa.Table(
    "prices", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("mark_price", sa.Text, nullable=False, server_default=""),
    sa.Column("index_price", sa.Text, nullable=False, server_default=""),
    sa.Column("funding_rate", sa.Text, nullable=False, server_default=""),
    sa.Column("next_funding_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False, server_default="0"),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
