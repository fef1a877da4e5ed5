"""AsyncClient streams against the exchange: the caller's order updates, and a book stream that
keeps a verified local book across deltas while two users trade (plus the public trade stream)."""
from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest
from tradex_sdk import AsyncClient

from tests.e2e.order_support import approved_instrument

pytestmark = pytest.mark.e2e
PASSWORD = "a-Good-passw0rd!"


async def funded(target: str) -> AsyncClient:
    client = AsyncClient(target)
    await client.auth.signup(f"stream-{uuid.uuid4().hex[:10]}@example.com", PASSWORD)
    await client.wallet.deposit("USDT", Decimal("1000"))  # WALLET_NOT_OPEN is retried by the SDK
    for _ in range(150):
        if any(a.available_margin for a in await client.positions.account_risk()):
            return client
        await asyncio.sleep(0.2)
    raise AssertionError("the deposit never reached the risk check")


async def scenario(target: str, symbol: str) -> None:
    maker, taker = await funded(target), await funded(target)
    try:
        updates = maker.orders.stream_updates(symbol)
        book = maker.market_data.stream_book(symbol)
        trades = taker.market_data.stream_trades(symbol)
        first = await book.__anext__()
        assert first.is_snapshot
        next_trade = asyncio.ensure_future(trades.__anext__())
        await asyncio.sleep(0.5)  # let the subscriptions start before anything happens

        bid = await maker.orders.place(symbol, "BUY", Decimal("2"), price=Decimal("100"))
        seen = await asyncio.wait_for(updates.__anext__(), 15)
        assert seen.order is not None and seen.order.order_id == bid.order_id

        async def until(predicate):
            async for update in book:
                if predicate(update):
                    return update
        rested = await asyncio.wait_for(until(lambda u: u.best_bid is not None), 15)
        assert rested.best_bid.quantity == Decimal("2")

        await taker.orders.place(symbol, "SELL", Decimal("0.5"), price=Decimal("100"), time_in_force="IOC")
        after = await asyncio.wait_for(until(lambda u: u.best_bid and u.best_bid.quantity == Decimal("1.5")), 15)
        assert after.seq > rested.seq and after.checksum == book.book.checksum()
        trade = await asyncio.wait_for(next_trade, 15)
        assert (trade.price, trade.quantity) == (Decimal("100"), Decimal("0.5"))
        fills = []
        while not fills:
            update = await asyncio.wait_for(updates.__anext__(), 15)
            if update.fill is not None:
                fills.append(update.fill)
        assert fills[0].order_id == bid.order_id and fills[0].quantity == Decimal("0.5")

        await maker.orders.cancel_all(symbol)
        await asyncio.wait_for(until(lambda u: u.best_bid is None), 15)
        assert book.resyncs == []
        book.close()
    finally:
        await maker.close()
        await taker.close()


def test_async_streams(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    asyncio.run(scenario(exchange.grpc_target, symbol))
