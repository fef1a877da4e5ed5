"""Start-up: load the risk schema into memory before any consumer runs or any check is served."""
from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from services.risk.adapters import (
    account_store,
    balance_store,
    instrument_store,
    order_store,
    position_store,
    price_store,
)
from services.risk.domain.state import RiskState

log = logging.getLogger(__name__)


async def warm_up(engine: AsyncEngine, state: RiskState) -> None:
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
    state.ready = True
    log.info("risk state loaded", extra={"instruments": len(state.instruments.symbols()),
                                         "accounts": len(state.accounts), "balances": len(state.balances),
                                         "exposures": len(state.exposures), "open_orders": len(state.open_orders)})
