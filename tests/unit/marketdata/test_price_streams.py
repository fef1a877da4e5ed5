"""StreamIndexPrice / StreamMarkPrice / StreamFundingRate on the servicer, with the real app and hub
(fakes only for the database and cache, which price streams do not use): a subscriber gets the
held price, then each newer one; an older or repeated price is never sent; a subscriber that
overflowed gets the newest price; another symbol's or kind's price never reaches it."""
from __future__ import annotations

import asyncio

from tradex.marketdata.v1 import marketdata_pb2 as pb

from services.marketdata.api.servicer import MarketDataServicer
from services.marketdata.app import hub as hub_mod
from services.marketdata.app.hub import Hub
from services.marketdata.app.marketdata import MarketData

S = "PX-PERP"


def _app() -> MarketData:
    async def fetch(symbol):
        return None
    return MarketData(engine=None, store=None, cache=None, hub=Hub(), fetch_snapshot=fetch, wake_relay=lambda: None)


def _mark(price: str, at: int, symbol: str = S) -> pb.MarkPrice:
    return pb.MarkPrice(symbol=symbol, mark_price=price, computed_at_unix_ms=at)


async def _next(stream, timeout: float = 1.0):
    return await asyncio.wait_for(anext(stream), timeout)


async def test_held_price_then_newer_ones_never_older_and_no_other_symbol_or_kind():
    app = _app()
    servicer = MarketDataServicer(app)
    app.price_committed("mark", S, 100, _mark("10", 100))
    stream = servicer.StreamMarkPrice(pb.StreamMarkPriceRequest(symbol=S), None)
    first = await _next(stream)
    assert first.mark_price.mark_price == "10"
    app.price_committed("mark", S, 100, _mark("10", 100))  # a redelivery: nothing
    app.price_committed("mark", S, 90, _mark("9", 90))  # older: nothing
    app.price_committed("mark", "OTHER-PERP", 200, _mark("99", 200, "OTHER-PERP"))
    app.price_committed("index", S, 200, pb.IndexPrice(symbol=S, price="11", computed_at_unix_ms=200))
    app.price_committed("mark", S, 150, _mark("11.5", 150))
    assert (await _next(stream)).mark_price.mark_price == "11.5"
    index = servicer.StreamIndexPrice(pb.StreamIndexPriceRequest(symbol=S), None)
    assert (await _next(index)).index_price.price == "11"
    funding = servicer.StreamFundingRate(pb.StreamFundingRateRequest(symbol=S), None)
    pending = asyncio.ensure_future(_next(funding, 0.2))
    await asyncio.sleep(0.05)
    app.price_committed("funding", S, 300, pb.FundingRateEstimate(symbol=S, funding_rate="0.0001",
                                                                  computed_at_unix_ms=300))
    assert (await pending).funding_rate.funding_rate == "0.0001"
    for s in (stream, index, funding):
        await s.aclose()
    assert not app.hub.has("mark", S) and not app.hub.has("funding", S)


async def test_an_overflowing_subscriber_gets_the_newest_price():
    app = _app()
    stream = MarketDataServicer(app).StreamMarkPrice(pb.StreamMarkPriceRequest(symbol=S), None)
    app.price_committed("mark", S, 1, _mark("1", 1))
    assert (await _next(stream)).mark_price.mark_price == "1"
    last = hub_mod.QUEUE_SIZE + 10
    for at in range(2, last + 1):  # more prices than the queue holds, none read
        app.price_committed("mark", S, at, _mark(str(at), at))
    assert (await _next(stream)).mark_price.mark_price == str(last)
    await stream.aclose()
