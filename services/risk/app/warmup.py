"""Start-up: load the risk schema (the last checkpoint, app/checkpoint.py) into memory before any
consumer runs or any check is served, and where the event feed stood when it was written."""
from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from services.risk.adapters import (
    account_store,
    balance_store,
    checkpoint_store,
    instrument_store,
    order_store,
    position_store,
    price_store,
)
from services.risk.domain.state import RiskState

log = logging.getLogger(__name__)


async def warm_up(engine: AsyncEngine, state: RiskState, feed: str) -> dict[tuple[str, int], int]:
    """Fills `state` from the schema; returns the feed's stored positions (where to read on from).
    The state is not `ready` yet: the feed must first catch up from those positions."""
    async with engine.connect() as conn:
        for limits in await instrument_store.load_all(conn):
            state.instruments.put(limits)
        for tier in await account_store.load_tiers(conn):
            state.put_tier(tier)  # an event's limits win over the configured defaults
        for account in await account_store.load_accounts(conn):
            state.put_account(account)
        for balance in await balance_store.load_all(conn):
            state.put_balance(balance)
        for exposure in await position_store.load_all(conn):
            state.put_exposure(exposure)
        for prices in await price_store.load_all(conn):
            state.prices[prices.symbol] = prices
        for order in await order_store.load_all(conn):
            state.put_open_order(order)
        positions = await checkpoint_store.load_positions(conn, feed)
    log.info("risk state loaded", extra={"instruments": len(state.instruments.symbols()),
                                         "accounts": len(state.accounts), "balances": len(state.balances),
                                         "exposures": len(state.exposures), "open_orders": len(state.open_orders),
                                         "feed_positions": len(positions)})
    return positions
