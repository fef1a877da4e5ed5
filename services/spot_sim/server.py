"""The simulator's HTTP server (aiohttp, loopback only).

Routes, each under the exchange's ccxt id so one port serves all four (ccxt's `urls['api']`
are rewritten to http://127.0.0.1:<port>/<exchange id><original path>):

  GET  /binance/api/v3/ticker/24hr?symbol=BTCUSDT          (or symbols=["BTCUSDT","ETHUSDT"])
  GET  /coinbase/api/v3/brokerage/market/products/BTC-USDT/ticker
  GET  /kraken/0/public/Ticker?pair=XBTUSDT                   (or pair=XBTUSDT,ETHUSDT)
  GET  /okx/api/v5/market/ticker?instId=BTC-USDT
  GET  /okx/api/v5/market/tickers?instType=SPOT               (every market)
  A market that is down answers 503 alone and is left out of a batch answer.
  GET  /control                  the current prices and modes
  POST /control                  {"exchange": "kraken", "symbol": "BTC/USDT", "mode": "outlier",
                                  "factor": "1.5"} - modes: normal, stale (the quote freezes with
                                  its time; Kraken's ticker carries no time, so a stale Kraken
                                  answers 503 instead), outlier (price x factor), down (503);
                                  or {"symbol": "BTC/USDT", "price": "100"} to set the walk's
                                  level, optionally with "exchange" for that venue only (an
                                  unknown symbol with a price and no exchange is a new market);
                                  "walk": false stops the random walk of that symbol.

Prices: one random walk per spot pair (step every SPOT_SIM_STEP_S, relative volatility
SPOT_SIM_VOLATILITY; 0 keeps prices fixed), plus a fixed small offset per venue so venues differ
slightly, as real ones do. Decimal throughout; the walk's float noise is converted with str().
"""
from __future__ import annotations

import asyncio
import datetime
import json
import logging
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from aiohttp import web

log = logging.getLogger(__name__)

EXCHANGES = ("binance", "coinbase", "kraken", "okx")
DEFAULT_PRICES = {"BTC/USDT": "97000", "ETH/USDT": "3500", "USDT/INR": "88.5"}
# Venue offsets (fractions of the walk's level) so the four venues do not quote identically.
DEFAULT_OFFSETS = {"binance": "0", "coinbase": "0.0002", "kraken": "-0.0001", "okx": "0.0001"}
_Q = Decimal("1e-8")


def _kraken_asset(asset: str) -> str:
    return {"BTC": "XBT"}.get(asset, asset)


# The venue's market id of a unified spot symbol (ccxt's market["id"]).
MARKET_ID = {
    "binance": lambda base, quote: f"{base}{quote}",
    "coinbase": lambda base, quote: f"{base}-{quote}",
    "kraken": lambda base, quote: f"{_kraken_asset(base)}{_kraken_asset(quote)}",
    "okx": lambda base, quote: f"{base}-{quote}",
}


def market_id(exchange: str, symbol: str) -> str:
    base, _, quote = symbol.partition("/")
    return MARKET_ID[exchange](base, quote)


@dataclass
class VenueState:
    mode: str = "normal"
    factor: Decimal = Decimal("1.5")
    frozen_price: Decimal | None = None
    frozen_at_ms: int = 0
    level: Decimal | None = None  # a venue-specific level overriding the walk


@dataclass
class Market:
    symbol: str
    level: Decimal
    venues: dict[str, VenueState] = field(default_factory=lambda: {e: VenueState() for e in EXCHANGES})
    walk: bool = True  # False: the level only moves by control


class SpotSimulator:
    def __init__(self, prices: dict[str, str] | None = None, *, volatility: str = "0.0005",
                 step_s: float = 1.0, spread: str = "0.0001", offsets: dict[str, str] | None = None,
                 seed: int | None = None) -> None:
        self.markets = {s.upper(): Market(s.upper(), Decimal(p)) for s, p in (prices or DEFAULT_PRICES).items()}
        self.volatility = Decimal(volatility)
        self.step_s = step_s
        self.spread = Decimal(spread)
        self.offsets = {e: Decimal(v) for e, v in (offsets or DEFAULT_OFFSETS).items()}
        self._random = random.Random(seed)
        self._by_id = {(e, market_id(e, s)): s for e in EXCHANGES for s in self.markets}
        self._runner: web.AppRunner | None = None
        self._walk: asyncio.Task | None = None
        self.port = 0
        self.requests = 0

    # -- prices

    def step(self) -> None:
        if self.volatility == 0:
            return
        for market in list(self.markets.values()):
            if not market.walk:
                continue
            noise = Decimal(str(self._random.gauss(0.0, 1.0))) * self.volatility
            market.level = (market.level * (1 + noise)).quantize(_Q, rounding=ROUND_HALF_EVEN)

    def _live_price(self, exchange: str, market: Market) -> Decimal:
        venue = market.venues[exchange]
        level = venue.level if venue.level is not None else market.level * (1 + self.offsets.get(exchange, Decimal(0)))
        if venue.mode == "outlier":
            level *= venue.factor
        return level.quantize(_Q, rounding=ROUND_HALF_EVEN)

    def quote(self, exchange: str, symbol: str) -> tuple[Decimal, int] | None:
        """(price, quote time ms), or None when the venue is down."""
        market = self.markets[symbol]
        venue = market.venues[exchange]
        if venue.mode == "down":
            return None
        if venue.mode == "stale":
            if exchange == "kraken":
                return None
            return venue.frozen_price, venue.frozen_at_ms
        return self._live_price(exchange, market), int(time.time() * 1000)

    def add_market(self, symbol: str, price: Decimal) -> Market:
        base, sep, quote = symbol.partition("/")
        if not sep or not base or not quote or price <= 0:
            raise ValueError(f"a new market needs BASE/QUOTE and a positive price, got {symbol!r} {price}")
        market = self.markets[symbol] = Market(symbol, price)
        for exchange in EXCHANGES:
            self._by_id[(exchange, market_id(exchange, symbol))] = symbol
        return market

    def control(self, body: dict) -> dict:
        symbol = str(body.get("symbol", "")).upper()
        exchanges = [body["exchange"]] if body.get("exchange") else list(EXCHANGES)
        if symbol not in self.markets and "price" in body and not body.get("exchange"):
            self.add_market(symbol, Decimal(str(body["price"])))
        if symbol not in self.markets:
            raise ValueError(f"unknown symbol {symbol!r}")
        if "walk" in body:
            self.markets[symbol].walk = bool(body["walk"])
        for exchange in exchanges:
            if exchange not in EXCHANGES:
                raise ValueError(f"unknown exchange {exchange!r}")
        market = self.markets[symbol]
        if "price" in body:
            price = Decimal(str(body["price"]))
            if body.get("exchange"):
                market.venues[body["exchange"]].level = price
            else:
                market.level = price
                for venue in market.venues.values():
                    venue.level = None
        if "mode" in body:
            mode = str(body["mode"])
            if mode not in ("normal", "stale", "outlier", "down"):
                raise ValueError(f"unknown mode {mode!r}")
            for exchange in exchanges:
                venue = market.venues[exchange]
                if mode == "stale" and venue.mode != "stale":
                    venue.frozen_price = self._live_price(exchange, market)
                    venue.frozen_at_ms = int(time.time() * 1000)
                venue.mode = mode
                if "factor" in body:
                    venue.factor = Decimal(str(body["factor"]))
        return self.state()

    def state(self) -> dict:
        return {s: {"level": str(m.level),
                    "venues": {e: {"mode": v.mode, "price": str(self._live_price(e, m))} for e, v in m.venues.items()}}
                for s, m in self.markets.items()}

    # -- the four formats

    def _find(self, exchange: str, venue_id: str) -> str:
        symbol = self._by_id.get((exchange, venue_id))
        if symbol is None:
            raise web.HTTPBadRequest(text=json.dumps({"error": f"unknown market {venue_id}"}),
                                     content_type="application/json")
        return symbol

    def _spread(self, price: Decimal) -> tuple[Decimal, Decimal]:
        half = (price * self.spread / 2).quantize(_Q, rounding=ROUND_HALF_EVEN)
        return price - half, price + half

    def _quoted(self, exchange: str, venue_ids: list[str]) -> list[tuple[str, Decimal, Decimal, Decimal, int]]:
        """(venue id, price, bid, ask, quote time) of each market the venue quotes now; a market
        that is down is left out."""
        out = []
        for venue_id in venue_ids:
            quote = self.quote(exchange, self._find(exchange, venue_id))
            if quote is not None:
                price, at = quote
                out.append((venue_id, price, *self._spread(price), at))
        return out

    def _ids(self, exchange: str) -> list[str]:
        return [market_id(exchange, symbol) for symbol in self.markets]

    @staticmethod
    def _binance_ticker(venue_id: str, price: Decimal, bid: Decimal, ask: Decimal, at: int) -> dict:
        return {
            "symbol": venue_id, "priceChange": "0", "priceChangePercent": "0", "weightedAvgPrice": str(price),
            "prevClosePrice": str(price), "lastPrice": str(price), "lastQty": "0.01", "bidPrice": str(bid),
            "bidQty": "1", "askPrice": str(ask), "askQty": "1", "openPrice": str(price), "highPrice": str(price),
            "lowPrice": str(price), "volume": "100", "quoteVolume": str(price * 100), "openTime": at - 86_400_000,
            "closeTime": at, "firstId": 1, "lastId": 2, "count": 2}

    async def binance(self, request: web.Request) -> web.Response:
        if "symbols" in request.query:  # the batch form: a JSON list of ids, one ticker each
            try:
                venue_ids = [str(i) for i in json.loads(request.query["symbols"])]
            except (ValueError, TypeError):
                return web.json_response({"code": -1100, "msg": "symbols must be a JSON list"}, status=400)
            return web.json_response([self._binance_ticker(*q) for q in self._quoted("binance", venue_ids)])
        quoted = self._quoted("binance", [request.query.get("symbol", "")])
        if not quoted:
            return web.json_response({"code": -1003, "msg": "simulated outage"}, status=503)
        return web.json_response(self._binance_ticker(*quoted[0]))

    async def coinbase(self, request: web.Request) -> web.Response:
        quoted = self._quoted("coinbase", [request.match_info["product_id"]])
        if not quoted:
            return web.json_response({"error": "unavailable", "message": "simulated outage"}, status=503)
        venue_id, price, bid, ask, at = quoted[0]
        when = datetime.datetime.fromtimestamp(at / 1000, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return web.json_response({
            "trades": [{"trade_id": str(at), "product_id": venue_id, "price": str(price), "size": "0.01",
                        "time": when, "side": "BUY", "bid": "", "ask": ""}],
            "best_bid": str(bid), "best_ask": str(ask)})

    async def kraken(self, request: web.Request) -> web.Response:
        # One pair or several, comma-separated (the batch form); the result is keyed by pair.
        quoted = self._quoted("kraken", [p for p in request.query.get("pair", "").split(",") if p])
        if not quoted:
            return web.json_response({"error": ["EService:Unavailable"]}, status=503)
        result = {}
        for venue_id, price, bid, ask, _ in quoted:
            p = str(price)
            result[venue_id] = {"a": [str(ask), "1", "1.000"], "b": [str(bid), "1", "1.000"], "c": [p, "0.01"],
                                "v": ["100", "100"], "p": [p, p], "t": [2, 2], "l": [p, p], "h": [p, p], "o": p}
        return web.json_response({"error": [], "result": result})

    @staticmethod
    def _okx_ticker(venue_id: str, price: Decimal, bid: Decimal, ask: Decimal, at: int) -> dict:
        p = str(price)
        return {"instType": "SPOT", "instId": venue_id, "last": p, "lastSz": "0.01", "askPx": str(ask), "askSz": "1",
                "bidPx": str(bid), "bidSz": "1", "open24h": p, "high24h": p, "low24h": p,
                "volCcy24h": str(price * 100), "vol24h": "100", "ts": str(at), "sodUtc0": p, "sodUtc8": p}

    async def okx(self, request: web.Request) -> web.Response:
        quoted = self._quoted("okx", [request.query.get("instId", "")])
        if not quoted:
            return web.json_response({"code": "50001", "msg": "simulated outage", "data": []}, status=503)
        return web.json_response({"code": "0", "msg": "", "data": [self._okx_ticker(*quoted[0])]})

    async def okx_all(self, request: web.Request) -> web.Response:
        # The batch form: every SPOT market the venue quotes now.
        if request.query.get("instType") != "SPOT":
            return web.json_response({"code": "51000", "msg": "instType must be SPOT here", "data": []}, status=400)
        return web.json_response({"code": "0", "msg": "",
                                  "data": [self._okx_ticker(*q) for q in self._quoted("okx", self._ids("okx"))]})

    async def get_control(self, request: web.Request) -> web.Response:
        return web.json_response(self.state())

    async def post_control(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(self.control(await request.json()))
        except (ValueError, KeyError, ArithmeticError) as exc:
            return web.json_response({"error": str(exc)}, status=400)

    @web.middleware
    async def _count(self, request: web.Request, handler):
        self.requests += 1
        return await handler(request)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._count])
        app.router.add_get("/binance/api/v3/ticker/24hr", self.binance)
        app.router.add_get("/coinbase/api/v3/brokerage/market/products/{product_id}/ticker", self.coinbase)
        app.router.add_get("/kraken/0/public/Ticker", self.kraken)
        app.router.add_get("/okx/api/v5/market/ticker", self.okx)
        app.router.add_get("/okx/api/v5/market/tickers", self.okx_all)
        app.router.add_get("/control", self.get_control)
        app.router.add_post("/control", self.post_control)
        return app

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> int:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 -- the bound port when 0
        self._walk = asyncio.create_task(self._walk_forever())
        return self.port

    async def _walk_forever(self) -> None:
        while True:
            await asyncio.sleep(self.step_s)
            self.step()

    async def stop(self) -> None:
        if self._walk:
            self._walk.cancel()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
