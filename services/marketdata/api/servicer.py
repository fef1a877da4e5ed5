"""MarketDataService: books, trades, candles, tickers and the index / mark / funding-rate streams
(unary and server streaming). The unary price RPCs (GetIndexPrice, GetMarkPrice) belong to the
pricing service: the edge routes those two methods there (mesh/exchange.py), so this servicer
leaves them unimplemented. The price streams are served here, from md.index.v1 / md.mark.v1 /
md.funding.v1 as this service consumes them."""
from __future__ import annotations

import asyncio
import contextlib
import time
from decimal import Decimal

import grpc
from tradex.marketdata.v1 import marketdata_pb2 as pb
from tradex.marketdata.v1 import marketdata_pb2_grpc

from services.marketdata.adapters import mappers
from services.marketdata.app.marketdata import MarketData
from services.marketdata.domain.candles import Interval, bar_open, fill_gaps
from services.marketdata.domain.feed import BookDelta, window_changes
from services.platform.decimals import format_decimal
from services.platform.errors import InvalidArgument, Unavailable
from services.platform.paging import decode_token, encode_token
from services.platform.public_book import ASK, BID, PublicBook

DEFAULT_DEPTH, MAX_DEPTH = 100, 1000
DEFAULT_TRADES, MAX_TRADES = 100, 1000
DEFAULT_CANDLES, MAX_CANDLES = 500, 1500
TICKER_MIN_INTERVAL_S = 0.25


def _now_ms() -> int:
    return int(time.time() * 1000)


def _symbol(symbol: str) -> str:
    if not symbol or len(symbol) > 64:
        raise InvalidArgument("symbol is required (e.g. BTC-USDT-PERP)")
    return symbol


def _size(value: int, default: int, maximum: int, field: str) -> int:
    if value < 0:
        raise InvalidArgument(f"{field} must not be negative")
    return min(value or default, maximum)


def _interval(value: int) -> Interval:
    interval = mappers.INTERVALS.get(value)
    if interval is None:
        raise InvalidArgument("interval is required: one of CANDLE_INTERVAL_ONE_MINUTE ... CANDLE_INTERVAL_ONE_DAY")
    return interval


def _text(value: Decimal | None) -> str:
    return format_decimal(value) if value is not None else ""


def ticker_pb(t: dict) -> pb.Ticker:
    stats, prices, bid, ask = t["stats"], t["prices"], t["bid"], t["ask"]
    return pb.Ticker(
        symbol=t["symbol"], last_price=_text(t["last"]), mark_price=prices.mark_price, index_price=prices.index_price,
        best_bid_price=_text(bid.price if bid else None), best_bid_quantity=_text(bid.quantity if bid else None),
        best_ask_price=_text(ask.price if ask else None), best_ask_quantity=_text(ask.quantity if ask else None),
        open_price_24h=_text(stats.open), high_price_24h=_text(stats.high), low_price_24h=_text(stats.low),
        volume_24h=format_decimal(stats.volume), quote_volume_24h=format_decimal(stats.quote_volume),
        price_change_24h=_text(t["change"]), price_change_rate_24h=_text(t["rate"]),
        funding_rate=prices.funding_rate, next_funding_unix_ms=prices.next_funding_unix_ms,
        updated_at_unix_ms=t["updated"])


class MarketDataServicer(marketdata_pb2_grpc.MarketDataServiceServicer):
    def __init__(self, app: MarketData) -> None:
        self._app = app

    # ------------------------------------------------------------------------------ unary

    async def GetOrderBook(self, request: pb.GetOrderBookRequest, context) -> pb.GetOrderBookResponse:
        symbol = _symbol(request.symbol)
        depth = _size(request.depth, DEFAULT_DEPTH, MAX_DEPTH, "depth")
        book = await self._app.cached_book(symbol)
        return pb.GetOrderBookResponse(book=mappers.book_pb(book, depth))

    async def ListTrades(self, request: pb.ListTradesRequest, context) -> pb.ListTradesResponse:
        symbol = _symbol(request.symbol)
        size = _size(request.page_size, DEFAULT_TRADES, MAX_TRADES, "page_size")
        cursor = decode_token(request.page_token)
        before = cursor.get("before_seq")
        if before is not None and not isinstance(before, int):
            raise InvalidArgument("page_token is not a token this API issued")
        rows = await self._app.store.recent_trades(symbol, size + 1, before)
        page, more = rows[:size], len(rows) > size
        return pb.ListTradesResponse(trades=[mappers.trade_pb(t) for t in page],
                                     next_page_token=encode_token({"before_seq": page[-1].engine_seq}) if more else "")

    async def ListCandles(self, request: pb.ListCandlesRequest, context) -> pb.ListCandlesResponse:
        symbol = _symbol(request.symbol)
        interval = _interval(request.interval)
        size = _size(request.page_size, DEFAULT_CANDLES, MAX_CANDLES, "page_size")
        if request.start_unix_ms < 0 or request.end_unix_ms < 0:
            raise InvalidArgument("start_unix_ms and end_unix_ms must not be negative")
        now = _now_ms()
        end = request.end_unix_ms or (bar_open(now, interval) + interval.ms)
        start = request.start_unix_ms
        cursor = decode_token(request.page_token)
        if cursor:
            if not isinstance(cursor.get("start"), int):
                raise InvalidArgument("page_token is not a token this API issued")
            start = cursor["start"]
        if not start:
            start = max(0, bar_open(end - 1, interval) - (size - 1) * interval.ms)
        if start >= end:
            raise InvalidArgument("start_unix_ms must be before end_unix_ms")
        first = bar_open(start, interval) if start % interval.ms == 0 else bar_open(start, interval) + interval.ms
        window_end = min(end, first + size * interval.ms)
        bars, previous_close = await self._app.store.candles(symbol, interval, first, window_end, size)
        filled = fill_gaps(bars, interval, first, window_end, previous_close, now)
        return pb.ListCandlesResponse(candles=[mappers.candle_pb(c) for c in filled],
                                      next_page_token=encode_token({"start": window_end}) if window_end < end else "")

    async def GetTicker(self, request: pb.GetTickerRequest, context) -> pb.GetTickerResponse:
        symbol = _symbol(request.symbol)
        return pb.GetTickerResponse(ticker=ticker_pb(await self._app.ticker(symbol, _now_ms())))

    async def ListTickers(self, request: pb.ListTickersRequest, context) -> pb.ListTickersResponse:
        symbols = sorted(set(await self._app.store.known_symbols()) | set(self._app.feeds))
        now = _now_ms()
        return pb.ListTickersResponse(tickers=[ticker_pb(await self._app.ticker(s, now)) for s in symbols])

    # ------------------------------------------------------------------------------ streams

    async def StreamOrderBook(self, request: pb.StreamOrderBookRequest, context):
        symbol = _symbol(request.symbol)
        if request.depth < 0 or request.depth > MAX_DEPTH:
            raise InvalidArgument(f"depth must be 0 (the whole book) or 1..{MAX_DEPTH}")
        window = _Window(request.depth) if request.depth else None
        with self._app.hub.subscribe("book", symbol) as sub:
            held = -1  # engine_seq of what the client holds; -1: nothing yet
            try:
                book = await self._app.book(symbol)
                held = book.seq
                yield pb.StreamOrderBookResponse(snapshot=window.snapshot(book) if window else mappers.book_pb(book))
            except Unavailable:
                pass  # resyncing: the snapshot message after the repair starts the client
            while True:
                kind, payload = await sub.get()
                if kind == "delta":
                    if held < 0 or payload.last_seq <= held:
                        continue
                    held = payload.last_seq
                    yield pb.StreamOrderBookResponse(delta=mappers.delta_pb(window.delta(payload) if window
                                                                            else payload))
                    continue
                if kind != "snapshot":  # the client fell behind: a fresh snapshot replaces its book
                    try:
                        payload = await self._app.book(symbol)
                    except Unavailable:
                        held = -1
                        continue
                held = payload.seq
                yield pb.StreamOrderBookResponse(snapshot=window.snapshot(payload) if window
                                                 else mappers.book_pb(payload))

    async def StreamTrades(self, request: pb.StreamTradesRequest, context):
        symbol = _symbol(request.symbol)
        with self._app.hub.subscribe("trades", symbol) as sub:
            while True:
                kind, payload = await sub.get()
                if kind != "trade":
                    await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                        "the client fell too far behind the trade stream; reconnect")
                yield pb.StreamTradesResponse(trade=mappers.trade_pb(payload))

    async def StreamTicker(self, request: pb.StreamTickerRequest, context):
        symbol = _symbol(request.symbol)
        with self._app.hub.subscribe("ticker", symbol) as sub:
            while True:
                yield pb.StreamTickerResponse(ticker=ticker_pb(await self._app.ticker(symbol, _now_ms())))
                await asyncio.sleep(TICKER_MIN_INTERVAL_S)  # throttle: changes meanwhile make one update
                await sub.get()
                while not sub.queue.empty():
                    sub.queue.get_nowait()

    async def StreamCandles(self, request: pb.StreamCandlesRequest, context):
        symbol = _symbol(request.symbol)
        interval = _interval(request.interval)
        with self._app.hub.subscribe("candles", symbol) as sub:
            while True:
                candle = await self._app.current_candle(symbol, interval, _now_ms())
                if candle is not None:
                    yield pb.StreamCandlesResponse(symbol=symbol, interval=request.interval,
                                                   candle=mappers.candle_pb(candle))
                await asyncio.sleep(TICKER_MIN_INTERVAL_S)
                await sub.get()
                while not sub.queue.empty():
                    sub.queue.get_nowait()


    async def _prices(self, kind: str, symbol: str):
        """The held price of (kind, symbol), then every newer one; after an overflow, the newest."""
        with self._app.hub.subscribe(kind, symbol) as sub:
            sent = -1
            held = self._app.latest_price(kind, symbol)
            while True:
                if held is not None and held[0] > sent:
                    sent = held[0]
                    yield held[1]
                tag, payload = await sub.get()
                held = payload if tag == "price" else self._app.latest_price(kind, symbol)

    async def StreamIndexPrice(self, request: pb.StreamIndexPriceRequest, context):
        async with contextlib.aclosing(self._prices("index", _symbol(request.symbol))) as prices:
            async for price in prices:
                yield pb.StreamIndexPriceResponse(index_price=price)

    async def StreamMarkPrice(self, request: pb.StreamMarkPriceRequest, context):
        async with contextlib.aclosing(self._prices("mark", _symbol(request.symbol))) as prices:
            async for price in prices:
                yield pb.StreamMarkPriceResponse(mark_price=price)

    async def StreamFundingRate(self, request: pb.StreamFundingRateRequest, context):
        async with contextlib.aclosing(self._prices("funding", _symbol(request.symbol))) as prices:
            async for price in prices:
                yield pb.StreamFundingRateResponse(funding_rate=price)


class _Window:
    """A depth-N book stream: the stream keeps the whole book and sends what changes in its top N
    (levels entering with their full aggregate, leaving with "0"), so the client's window is exact.
    The checksum stays that of the whole book (verifiable by the client when N >= 25)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.book: PublicBook | None = None

    def snapshot(self, book: PublicBook) -> pb.OrderBook:
        self.book = book.copy()
        return mappers.book_pb(book, self.depth)

    def delta(self, d: BookDelta) -> BookDelta:
        book = self.book
        before_bids, before_asks = book.bids(self.depth), book.asks(self.depth)
        for level in d.bids:
            book.set(BID, level)
        for level in d.asks:
            book.set(ASK, level)
        book.seq = d.last_seq
        return BookDelta(d.symbol, d.first_seq, d.last_seq, d.prev_seq,
                         window_changes(before_bids, book.bids(self.depth), bid=True),
                         window_changes(before_asks, book.asks(self.depth), bid=False), d.at_unix_ms, d.checksum)
