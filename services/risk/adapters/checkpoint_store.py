"""One checkpoint (app/checkpoint.py) in the risk schema: the changed rows and the feed's
positions, in the caller's transaction."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import qualified, sql_run
from services.risk.adapters import account_store, balance_store, order_store, position_store, price_store
from services.risk.adapters.tables import feed_positions
from services.risk.domain.accounts import Account, Balance, TierLimits
from services.risk.domain.orders import WorkingOrder
from services.risk.domain.positions import Exposure
from services.risk.domain.prices import SymbolPrices

_PUT_POSITIONS = (f"INSERT INTO {qualified(feed_positions)} (feed, topic, partition, next_offset) "
                  "SELECT %s::text, * FROM unnest(%s::text[], %s::int[], %s::bigint[]) "
                  "ON CONFLICT (feed, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset")


@dataclass
class Snapshot:
    accounts: list[Account] = field(default_factory=list)
    tiers: list[tuple[TierLimits, str]] = field(default_factory=list)  # with the event that published it
    balances: list[Balance] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)
    prices: list[SymbolPrices] = field(default_factory=list)
    open_orders: list[tuple[WorkingOrder, str]] = field(default_factory=list)
    closed_orders: list[str] = field(default_factory=list)


async def write(conn: AsyncConnection, feed: str, rows: Snapshot, positions: dict[tuple[str, int], int]) -> None:
    # Every store below keeps the newer of what it holds and what it is given (versions, times),
    # so writing a value an older checkpoint already wrote changes nothing.
    for account in rows.accounts:
        await account_store.save(conn, account)
    for limits, event_id in rows.tiers:
        await account_store.upsert_tier(conn, limits, event_id)
    for balance in rows.balances:
        await balance_store.upsert(conn, balance)
    for exposure in rows.exposures:
        await position_store.replace(conn, exposure)
    for prices in rows.prices:
        await price_store.upsert_both(conn, prices)
    await order_store.put_all(conn, rows.open_orders)
    await order_store.remove_all(conn, rows.closed_orders)
    if positions:
        (topics, partitions), offsets = zip(*positions, strict=True), list(positions.values())
        await sql_run(conn, _PUT_POSITIONS, (feed, list(topics), list(partitions), offsets))


async def load_positions(conn: AsyncConnection, feed: str) -> dict[tuple[str, int], int]:
    rows = (await conn.execute(sa.select(feed_positions).where(feed_positions.c.feed == feed))).all()
    return {(r.topic, r.partition): r.next_offset for r in rows}
