"""MarketDataService's price RPCs (GetIndexPrice, GetMarkPrice), answered from the Valkey cache
the workers fill. The rest of MarketDataService (books, trades, candles, tickers) belongs to the
Market Data service, which is not built yet: those RPCs answer UNIMPLEMENTED here."""
from __future__ import annotations

from tradex.marketdata.v1 import marketdata_pb2 as md
from tradex.marketdata.v1 import marketdata_pb2_grpc

from services.platform.errors import InvalidArgument, NotFound
from services.pricing.app.worker import CACHE_INDEX, CACHE_MARK


class PricingServicer(marketdata_pb2_grpc.MarketDataServiceServicer):
    def __init__(self, cache) -> None:
        self.cache = cache

    async def _cached(self, key: str, symbol: str, what: str) -> bytes:
        if not symbol:
            raise InvalidArgument("symbol is required")
        payload = await self.cache.get(key.format(symbol))
        if payload is None:
            raise NotFound(f"no {what} price for {symbol} yet")
        return payload

    async def GetIndexPrice(self, request: md.GetIndexPriceRequest, context) -> md.GetIndexPriceResponse:
        payload = await self._cached(CACHE_INDEX, request.symbol, "index")
        return md.GetIndexPriceResponse(index_price=md.IndexPrice.FromString(payload))

    async def GetMarkPrice(self, request: md.GetMarkPriceRequest, context) -> md.GetMarkPriceResponse:
        payload = await self._cached(CACHE_MARK, request.symbol, "mark")
        return md.GetMarkPriceResponse(mark_price=md.MarkPrice.FromString(payload))
