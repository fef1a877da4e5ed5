"""The `position` schema: the append-only ledger, the live positions folded from it, marks,
the exposure debounce state, outbox and inbox."""
from __future__ import annotations

import sqlalchemy as sa

from services.platform.db import inbox_table, outbox_table

SCHEMA = "position"
metadata = sa.MetaData(schema=SCHEMA)
_numeric = sa.Numeric(38, 18)

ledger = sa.Table(
    "position_ledger", metadata,
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
    sa.Column("quantity", _numeric, nullable=False),
    sa.Column("price", _numeric, nullable=False),
    sa.Column("cost", _numeric, nullable=False),
    sa.Column("realized_pnl", _numeric, nullable=False),
    sa.Column("fee", _numeric, nullable=False),
    sa.Column("funding", _numeric, nullable=False),
    sa.Column("margin", _numeric, nullable=False),
    sa.Column("leverage", _numeric, nullable=True),
)

positions = sa.Table(
    "positions", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("size", _numeric, nullable=False),
    sa.Column("cost", _numeric, nullable=False),
    sa.Column("margin", _numeric, nullable=False),
    sa.Column("realized_pnl", _numeric, nullable=False),
    sa.Column("fees", _numeric, nullable=False),
    sa.Column("funding", _numeric, nullable=False),
    sa.Column("leverage", _numeric, nullable=False),
    sa.Column("opened_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_at_unix_ms", sa.BigInteger, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

marks = sa.Table(
    "marks", metadata,
    sa.Column("symbol", sa.Text, primary_key=True),
    sa.Column("mark_price", _numeric, nullable=False),
    sa.Column("at_unix_ms", sa.BigInteger, nullable=False),
)

exposure_state = sa.Table(
    "exposure_state", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("dirty", sa.Boolean, nullable=False),
    sa.Column("last_published_at_unix_ms", sa.BigInteger, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
