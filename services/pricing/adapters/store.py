"""Writes every tick with its components and its event (outbox) in one transaction; reads the
instruments' index sources and the last good values back at start-up."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.marketdata.v1 import events_pb2

from services.platform.decimals import format_decimal
from services.platform.ids import now_ms
from services.platform.outbox import add_event
from services.pricing.adapters.mappers import funding_to_pb, index_to_pb, mark_to_pb
from services.pricing.adapters.tables import index_components, index_ticks, instruments, mark_ticks, outbox
from services.pricing.domain.index import IndexResult
from services.pricing.domain.mark import MarkResult

TOPIC_INDEX = "md.index.v1"
TOPIC_MARK = "md.mark.v1"
TOPIC_FUNDING = "md.funding.v1"


async def upsert_instrument(conn: AsyncConnection, *, symbol: str, base_asset: str, quote_asset: str,
                            index_sources: list[dict], event_id: str) -> None:
    values = {"base_asset": base_asset, "quote_asset": quote_asset, "index_sources": index_sources,
              "source_event_id": event_id, "updated_at_unix_ms": now_ms()}
    statement = insert(instruments).values(symbol=symbol, **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["symbol"], set_=values))


async def load_instruments(conn: AsyncConnection) -> list:
    return (await conn.execute(sa.select(instruments).order_by(instruments.c.symbol))).all()


async def last_good_index(conn: AsyncConnection) -> dict[str, Decimal]:
    latest = (sa.select(index_ticks.c.symbol, sa.func.max(index_ticks.c.id).label("id"))
              .where(index_ticks.c.degraded.is_(False), index_ticks.c.price.is_not(None))
              .group_by(index_ticks.c.symbol).subquery())
    rows = (await conn.execute(sa.select(index_ticks.c.symbol, index_ticks.c.price)
                               .join(latest, latest.c.id == index_ticks.c.id))).all()
    return {r.symbol: Decimal(r.price) for r in rows}


async def last_trades(conn: AsyncConnection) -> dict[str, Decimal]:
    latest = (sa.select(mark_ticks.c.symbol, sa.func.max(mark_ticks.c.id).label("id"))
              .where(mark_ticks.c.last_trade_price.is_not(None)).group_by(mark_ticks.c.symbol).subquery())
    rows = (await conn.execute(sa.select(mark_ticks.c.symbol, mark_ticks.c.last_trade_price)
                               .join(latest, latest.c.id == mark_ticks.c.id))).all()
    return {r.symbol: Decimal(r.last_trade_price) for r in rows}


def _str(value: Decimal | None) -> str | None:
    return format_decimal(value) if value is not None else None


async def record_index(conn: AsyncConnection, result: IndexResult) -> bytes:
    """Stores the tick and its components, adds md.index.v1 to the outbox; returns the
    serialized IndexPrice (for the cache)."""
    tick_id = await conn.scalar(index_ticks.insert().values(
        symbol=result.symbol, price=result.price, degraded=result.degraded,
        legs=[{"pair": leg.pair, "price": _str(leg.price), "degraded": leg.degraded} for leg in result.legs],
        computed_at_unix_ms=result.computed_at_unix_ms).returning(index_ticks.c.id))
    await conn.execute(index_components.insert(), [{
        "tick_id": tick_id, "position": i, "leg": c.leg, "exchange": c.exchange, "venue_symbol": c.symbol,
        "price": c.price, "quoted_at_unix_ms": c.at_unix_ms, "weight": c.weight,
        "effective_weight": c.effective_weight, "exclusion_reason": c.exclusion.value}
        for i, c in enumerate(result.components)])
    message = index_to_pb(result)
    await add_event(conn, outbox, topic=TOPIC_INDEX, key=result.symbol,
                    event=events_pb2.IndexPriceUpdated(index_price=message),
                    event_id=f"index:{result.symbol}:{result.computed_at_unix_ms}",
                    occurred_at_unix_ms=result.computed_at_unix_ms)
    return message.SerializeToString()


async def record_mark(conn: AsyncConnection, result: MarkResult, *, interest_rate: Decimal,
                      impact_notional: Decimal, interval_ms: int) -> tuple[bytes, bytes]:
    await conn.execute(mark_ticks.insert().values(
        symbol=result.symbol, mark_price=result.mark, index_price=result.index, index_stale=result.index_stale,
        funding_basis_price=result.funding_basis, moving_average_basis_price=result.moving_average_basis,
        last_trade_price=result.last_trade, funding_rate=result.funding_rate,
        premium_index=result.average_premium, premium_samples=result.premium_samples,
        impact_bid_price=result.impact_bid, impact_ask_price=result.impact_ask,
        next_funding_unix_ms=result.next_funding_unix_ms, computed_at_unix_ms=result.computed_at_unix_ms))
    mark = mark_to_pb(result)
    funding = funding_to_pb(result, interest_rate=interest_rate, impact_notional=impact_notional,
                            interval_ms=interval_ms)
    at = result.computed_at_unix_ms
    await add_event(conn, outbox, topic=TOPIC_MARK, key=result.symbol,
                    event=events_pb2.MarkPriceUpdated(mark_price=mark), event_id=f"mark:{result.symbol}:{at}",
                    occurred_at_unix_ms=at)
    await add_event(conn, outbox, topic=TOPIC_FUNDING, key=result.symbol,
                    event=events_pb2.FundingRateUpdated(funding_rate=funding),
                    event_id=f"funding:{result.symbol}:{at}", occurred_at_unix_ms=at)
    return mark.SerializeToString(), funding.SerializeToString()


async def prune(conn: AsyncConnection, older_than_unix_ms: int) -> int:
    """Drops ticks (index components go with their tick) computed before the cut-off."""
    index = await conn.execute(index_ticks.delete().where(index_ticks.c.computed_at_unix_ms < older_than_unix_ms))
    mark = await conn.execute(mark_ticks.delete().where(mark_ticks.c.computed_at_unix_ms < older_than_unix_ms))
    return index.rowcount + mark.rowcount
