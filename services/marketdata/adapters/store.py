"""Trades, candles and latest prices in PostgreSQL (plain SQL, no TimescaleDB)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.marketdata.adapters.tables import SCHEMA, candles, prices, trades
from services.marketdata.domain.candles import ALL_INTERVALS, Candle, Interval, bar_open
from services.platform.db import insert_sql, qualified, set_excluded, sql_one, sql_run


@dataclass(frozen=True)
class TradeRow:
    trade_id: str
    symbol: str
    engine_seq: int
    price: Decimal
    quantity: Decimal
    quote_quantity: Decimal
    taker_side: str  # BUY / SELL
    is_liquidation: bool
    executed_at_unix_ms: int


@dataclass(frozen=True)
class Prices:
    symbol: str
    mark_price: str = ""
    index_price: str = ""
    funding_rate: str = ""
    next_funding_unix_ms: int = 0


@dataclass(frozen=True)
class Stats24h:
    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    volume: Decimal
    quote_volume: Decimal


# Plain SQL on the transaction's psycopg connection (services/platform/db.py): these run for every
# trade and every price event.
_INSERT_TRADE = (f'INSERT INTO "{SCHEMA}".trades (trade_id, symbol, engine_seq, price, quantity, quote_quantity, '
                 "taker_side, is_liquidation, executed_at_unix_ms) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                 "ON CONFLICT DO NOTHING RETURNING trade_id")
# Every interval's bar in one statement. Open and close follow the engine sequence, so a
# redelivered or reordered trade cannot move them.
_UPSERT_CANDLES = f"""
INSERT INTO "{SCHEMA}".candles AS c (symbol, interval, open_time_unix_ms, open, high, low, close, volume,
                                      quote_volume, trade_count, first_seq, last_seq)
SELECT %(symbol)s, bar.interval, bar.open_time, %(price)s, %(price)s, %(price)s, %(price)s, %(quantity)s,
       %(quote)s, 1, %(seq)s, %(seq)s
FROM unnest(%(intervals)s::text[], %(open_times)s::bigint[]) AS bar(interval, open_time)
ON CONFLICT (symbol, interval, open_time_unix_ms) DO UPDATE SET
  open = CASE WHEN EXCLUDED.first_seq < c.first_seq THEN EXCLUDED.open ELSE c.open END,
  high = GREATEST(c.high, EXCLUDED.high),
  low = LEAST(c.low, EXCLUDED.low),
  close = CASE WHEN EXCLUDED.last_seq > c.last_seq THEN EXCLUDED.close ELSE c.close END,
  volume = c.volume + EXCLUDED.volume,
  quote_volume = c.quote_volume + EXCLUDED.quote_volume,
  trade_count = c.trade_count + 1,
  first_seq = LEAST(c.first_seq, EXCLUDED.first_seq),
  last_seq = GREATEST(c.last_seq, EXCLUDED.last_seq)
"""


async def record_trade(conn: AsyncConnection, t: TradeRow) -> bool:
    """Stores a trade and folds it into every interval's bar; False if it was already stored."""
    inserted = await sql_one(conn, _INSERT_TRADE, (
        t.trade_id, t.symbol, t.engine_seq, t.price, t.quantity, t.quote_quantity, t.taker_side, t.is_liquidation,
        t.executed_at_unix_ms))
    if inserted is None:
        return False
    await sql_run(conn, _UPSERT_CANDLES, {
        "symbol": t.symbol, "price": t.price, "quantity": t.quantity, "quote": t.quote_quantity, "seq": t.engine_seq,
        "intervals": [i.key for i in ALL_INTERVALS],
        "open_times": [bar_open(t.executed_at_unix_ms, i) for i in ALL_INTERVALS]})
    return True


def _trade(row) -> TradeRow:
    return TradeRow(row.trade_id, row.symbol, row.engine_seq, row.price, row.quantity, row.quote_quantity,
                    row.taker_side, row.is_liquidation, row.executed_at_unix_ms)


def _candle(row, interval: Interval) -> Candle:
    return Candle(row.open_time_unix_ms, row.open_time_unix_ms + interval.ms, row.open, row.high, row.low,
                  row.close, row.volume, row.quote_volume, row.trade_count)


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def recent_trades(self, symbol: str, limit: int, before_seq: int | None) -> list[TradeRow]:
        query = sa.select(trades).where(trades.c.symbol == symbol)
        if before_seq is not None:
            query = query.where(trades.c.engine_seq < before_seq)
        query = query.order_by(trades.c.engine_seq.desc()).limit(limit)
        async with self._engine.connect() as conn:
            return [_trade(r) for r in (await conn.execute(query)).all()]

    async def last_trade(self, symbol: str) -> TradeRow | None:
        rows = await self.recent_trades(symbol, 1, None)
        return rows[0] if rows else None

    async def candles(self, symbol: str, interval: Interval, start: int, end: int,
                      limit: int) -> tuple[list[Candle], Decimal | None]:
        """Bars opening in [start, end) (at most ``limit``, oldest first) and the close of the last
        bar before ``start`` (to fill empty bars)."""
        base = sa.select(candles).where(candles.c.symbol == symbol, candles.c.interval == interval.key)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(base.where(candles.c.open_time_unix_ms >= start,
                                                  candles.c.open_time_unix_ms < end)
                                       .order_by(candles.c.open_time_unix_ms).limit(limit))).all()
            before = (await conn.execute(sa.select(candles.c.close).where(
                candles.c.symbol == symbol, candles.c.interval == interval.key,
                candles.c.open_time_unix_ms < start).order_by(candles.c.open_time_unix_ms.desc()).limit(1))).first()
        return [_candle(r, interval) for r in rows], (before.close if before else None)

    async def first_candle_time(self, symbol: str, interval: Interval) -> int | None:
        async with self._engine.connect() as conn:
            value = (await conn.execute(sa.select(sa.func.min(candles.c.open_time_unix_ms)).where(
                candles.c.symbol == symbol, candles.c.interval == interval.key))).scalar()
        return value

    async def stats_24h(self, symbol: str, now_unix_ms: int) -> Stats24h:
        """From the 1-minute bars of the last 24 hours (minute granularity)."""
        since = bar_open(now_unix_ms, Interval.ONE_MINUTE) - 24 * 60 * 60_000 + 60_000
        one = Interval.ONE_MINUTE.key
        async with self._engine.connect() as conn:
            agg = (await conn.execute(sa.select(
                sa.func.max(candles.c.high), sa.func.min(candles.c.low), sa.func.coalesce(sa.func.sum(candles.c.volume), 0),
                sa.func.coalesce(sa.func.sum(candles.c.quote_volume), 0)).where(
                candles.c.symbol == symbol, candles.c.interval == one, candles.c.open_time_unix_ms >= since))).one()
            first = (await conn.execute(sa.select(candles.c.open).where(
                candles.c.symbol == symbol, candles.c.interval == one, candles.c.open_time_unix_ms >= since)
                .order_by(candles.c.open_time_unix_ms).limit(1))).first()
        return Stats24h(first.open if first else None, agg[0], agg[1], Decimal(agg[2]), Decimal(agg[3]))

    async def known_symbols(self) -> list[str]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(sa.text(
                f'SELECT DISTINCT symbol FROM "{SCHEMA}".candles WHERE interval = :i '
                f'UNION SELECT symbol FROM "{SCHEMA}".prices'), {"i": Interval.ONE_DAY.key})).all()
        return sorted(r[0] for r in rows)

    async def prices(self, symbol: str) -> Prices:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(prices).where(prices.c.symbol == symbol))).first()
        if row is None:
            return Prices(symbol)
        return Prices(symbol, row.mark_price, row.index_price, row.funding_rate, row.next_funding_unix_ms)


async def save_price(conn: AsyncConnection, symbol: str, at_unix_ms: int, **values) -> None:
    """Upsert of some of mark_price / index_price / funding_rate / next_funding_unix_ms: the last
    event applied wins (each topic is keyed by symbol, so a symbol's events arrive in order)."""
    names = tuple(sorted(values))
    await sql_run(conn, _save_price_sql(names), (symbol, at_unix_ms, *(values[n] for n in names)))


@functools.cache  # one statement per set of columns a price event carries
def _save_price_sql(names: tuple[str, ...]) -> str:
    unknown = set(names) - {c.name for c in prices.columns}
    if unknown:
        raise ValueError(f"not columns of prices: {sorted(unknown)}")
    return (f"{insert_sql(prices, ('symbol', 'updated_at_unix_ms', *names))} ON CONFLICT (symbol) DO UPDATE SET "
            f"{set_excluded(names)}, "
            f"updated_at_unix_ms = GREATEST({qualified(prices)}.updated_at_unix_ms, EXCLUDED.updated_at_unix_ms)")
