"""Spot tickers through ccxt (async). The only place floats exist: ccxt returns float prices and
times, and every one is converted with str() to Decimal right here, before anything else sees it.

Exchange classes come from an explicit table (no lookups by name). With `api_base_url` set (the
local simulator), every URL in each exchange's `urls['api']` is rewritten to
<api_base_url>/<exchange id><original path>, so ccxt's own request building and ticker parsing
run unchanged. ccxt's market table is preloaded from the venue's id format (`set_markets`) so the
only call per tick is the ticker; with `load_markets=True` ccxt loads the real market list
instead (for real venues whose ids differ from the table below).

A tick asks each venue ONCE for all of its wanted symbols (ccxt `fetch_tickers`) where the
venue's batch answer carries what a single ticker does -- bid, ask and the venue's own time:
Binance (`ticker/24hr?symbols=[...]`), Kraken (`Ticker?pair=A,B`) and OKX (`tickers?instType=SPOT`).
Coinbase's batch listing has neither bid/ask nor a time (its staleness could not be seen), so
it is asked per symbol. Why: every request costs ccxt's request machinery and an HTTP exchange
on both ends, about 0.35 ms of CPU each (the parse is a twentieth of it); three pairs on four
venues were 12 requests a second, an idle exchange's largest single cost after Kafka.

A failure is logged once per source and failure streak (again only after the source recovered
and failed anew), never raised: the worker carries on with the quotes it has. A symbol a batch
answer leaves out is a failure of that source alone. A batch that fails as a whole is asked
again one symbol at a time in the same tick -- on a real venue one unknown or delisted symbol
fails the whole batch, and it must not take the others with it. A failing source is asked again
after a back-off (0.5 s doubling up to 5 s), not on every tick, and alone until it answers.
"""
from __future__ import annotations

import asyncio
import logging
import time
from decimal import Decimal, InvalidOperation
from urllib.parse import urlparse

import ccxt.async_support as ccxt_async

from services.pricing.domain.index import SpotQuote

log = logging.getLogger(__name__)

# Venues whose batch ticker answer has bid/ask and the venue's time (see the module docstring).
BATCHED = frozenset({"binance", "kraken", "okx"})

EXCHANGE_CLASSES = {
    "binance": ccxt_async.binance,
    "coinbase": ccxt_async.coinbase,
    "kraken": ccxt_async.kraken,
    "okx": ccxt_async.okx,
}


def _kraken_asset(asset: str) -> str:
    return {"BTC": "XBT"}.get(asset, asset)


MARKET_ID = {
    "binance": lambda base, quote: f"{base}{quote}",
    "coinbase": lambda base, quote: f"{base}-{quote}",
    "kraken": lambda base, quote: f"{_kraken_asset(base)}{_kraken_asset(quote)}",
    "okx": lambda base, quote: f"{base}-{quote}",
}


def to_decimal(value) -> Decimal | None:
    """ccxt's float (or None) -> Decimal through its shortest repr; None for absent/invalid."""
    if value is None:
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def ticker_quote(ticker: dict, received_at_ms: int) -> SpotQuote | None:
    """The mid of bid/ask when both are there, else the last price; the venue's own time when
    it gives one (an old time makes the source stale), else the receive time."""
    bid, ask, last = (to_decimal(ticker.get(k)) for k in ("bid", "ask", "last"))
    if bid and ask and bid > 0 and ask > 0:
        price = (bid + ask) / 2
    elif last and last > 0:
        price = last
    else:
        return None
    at = ticker.get("timestamp")
    return SpotQuote(price=price, at_unix_ms=int(at) if isinstance(at, int) and at > 0 else received_at_ms)


def _quote_of(ticker: dict) -> SpotQuote:
    quote = ticker_quote(ticker, int(time.time() * 1000))
    if quote is None:
        raise ValueError("ticker has neither bid/ask nor last")
    return quote


def _rewrite(urls, base: str, exchange: str):
    if isinstance(urls, str):
        return f"{base.rstrip('/')}/{exchange}{urlparse(urls).path}"
    if isinstance(urls, dict):
        return {k: _rewrite(v, base, exchange) for k, v in urls.items()}
    return urls


class VenueClients:
    def __init__(self, *, api_base_url: str = "", load_markets: bool = False, timeout_ms: int = 3000,
                 max_backoff_s: float = 5.0) -> None:
        self.api_base_url = api_base_url
        self.load_markets = load_markets
        self.timeout_ms = timeout_ms
        self._clients: dict[str, object] = {}
        self._symbols: dict[str, set[str]] = {}
        self._failing: set[tuple[str, str]] = set()
        self._last: dict[tuple[str, str], SpotQuote] = {}
        # A failing source is retried after 0.5 s, 1 s, 2 s ... at most max_backoff_s.
        self.max_backoff_s = max_backoff_s
        self._streak: dict[tuple[str, str], int] = {}
        self._retry_at: dict[tuple[str, str], float] = {}

    def _client(self, exchange: str, symbols: list[str]):
        cls = EXCHANGE_CLASSES.get(exchange)
        if cls is None:
            raise KeyError(f"exchange {exchange!r} is not supported (supported: {', '.join(EXCHANGE_CLASSES)})")
        client = self._clients.get(exchange)
        if client is None:
            client = cls({"enableRateLimit": False, "timeout": self.timeout_ms})
            if self.api_base_url:
                client.urls["api"] = _rewrite(client.urls["api"], self.api_base_url, exchange)
            self._clients[exchange] = client
            self._symbols[exchange] = set()
        if not self.load_markets and not self._symbols[exchange].issuperset(symbols):
            self._symbols[exchange].update(symbols)
            client.set_markets([_market(exchange, s) for s in sorted(self._symbols[exchange])])
        return client

    def _backing_off(self, key: tuple[str, str], now: float) -> bool:
        return self._retry_at.get(key, 0.0) > now

    def _failed(self, key: tuple[str, str], now: float, problem: str) -> None:
        streak = self._streak[key] = self._streak.get(key, 0) + 1
        self._retry_at[key] = now + min(self.max_backoff_s, 0.5 * 2 ** (streak - 1))
        if key not in self._failing:
            self._failing.add(key)
            log.warning("index source failing: %s %s: %s", *key, problem[:300],
                        extra={"exchange": key[0], "symbol": key[1]})

    def _answered(self, key: tuple[str, str]) -> None:
        self._streak.pop(key, None)
        self._retry_at.pop(key, None)
        if key in self._failing:
            self._failing.discard(key)
            log.info("index source recovered: %s %s", *key, extra={"exchange": key[0], "symbol": key[1]})

    async def fetch(self, exchange: str, symbol: str) -> SpotQuote | None:
        """One source's quote through its own ticker request (None: failing or backing off)."""
        return (await self.fetch_venue(exchange, [symbol], batch=False)).get(symbol)

    async def fetch_venue(self, exchange: str, symbols: list[str], *, batch: bool = True) -> dict[str, SpotQuote]:
        """The quotes of `symbols` on one venue. Where the venue allows it (BATCHED), the sources
        answering well share one request; a failing source is retried alone (one unknown or
        delisted symbol fails a whole batch on a real venue), and a batch that fails as a whole
        is asked again one by one at once, to find which source it was. Sources backing off are
        not asked."""
        now = time.monotonic()
        asked = [s for s in symbols if not self._backing_off((exchange, s), now)]
        if not asked:
            return {}
        answers: dict[str, SpotQuote | str] = {}
        alone = asked
        healthy = [s for s in asked if (exchange, s) not in self._failing]
        if batch and exchange in BATCHED and len(healthy) > 1:
            batched = await self._tickers(exchange, healthy)
            if batched is not None:
                answers = batched
                alone = [s for s in asked if (exchange, s) in self._failing]
        if alone:
            answers.update(zip(alone, await asyncio.gather(*(self._ticker(exchange, s) for s in alone)),
                               strict=True))
        quotes = {}
        for symbol in asked:
            answer = answers.get(symbol, "the venue's answer left it out")
            if isinstance(answer, SpotQuote):
                self._answered((exchange, symbol))
                quotes[symbol] = answer
            else:
                self._failed((exchange, symbol), now, answer)
        return quotes

    async def _ticker(self, exchange: str, symbol: str) -> SpotQuote | str:
        """A quote, or what went wrong."""
        try:
            client = self._client(exchange, [symbol])
            return _quote_of(await client.fetch_ticker(symbol))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 -- any venue failure is a missing quote, never a crash
            return f"{type(exc).__name__}: {exc}"

    async def _tickers(self, exchange: str, symbols: list[str]) -> dict[str, SpotQuote | str] | None:
        """Quotes or problems per symbol; None if the request failed as a whole."""
        try:
            client = self._client(exchange, symbols)
            tickers = await client.fetch_tickers(symbols)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 -- never a crash: the caller asks one by one
            log.debug("batch ticker request failed: %s %s", exchange, symbols, exc_info=True)
            return None
        answers: dict[str, SpotQuote | str] = {}
        for symbol in symbols:
            if symbol in tickers:
                try:
                    answers[symbol] = _quote_of(tickers[symbol])
                except ValueError as exc:
                    answers[symbol] = f"{type(exc).__name__}: {exc}"
        return answers

    async def fetch_all(self, sources: set[tuple[str, str]]) -> dict[tuple[str, str], SpotQuote]:
        """The newest quote of every source: fetched now, else the last one it gave (which the
        calculator will find STALE once it is older than the window); absent if it never answered."""
        by_venue: dict[str, list[str]] = {}
        for exchange, symbol in sorted(sources):
            by_venue.setdefault(exchange, []).append(symbol)
        venues = list(by_venue)
        for exchange, quotes in zip(venues, await asyncio.gather(
                *(self.fetch_venue(e, by_venue[e]) for e in venues)), strict=True):
            for symbol, quote in quotes.items():
                self._last[(exchange, symbol)] = quote
        return {k: self._last[k] for k in sorted(sources) if k in self._last}

    async def close(self) -> None:
        for client in self._clients.values():
            try:
                await client.close()
            except Exception:  # noqa: BLE001
                log.debug("closing a ccxt client failed", exc_info=True)


def _market(exchange: str, symbol: str) -> dict:
    base, _, quote = symbol.partition("/")
    return {"id": MARKET_ID[exchange](base, quote), "symbol": symbol, "base": base, "quote": quote,
            "baseId": base, "quoteId": quote, "type": "spot", "spot": True, "active": True,
            "precision": {}, "limits": {}}
