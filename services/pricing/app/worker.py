"""The pricing loops.

index loop (every PRICING_INDEX_INTERVAL_S): fetch every configured (venue, pair) once through
ccxt, compute each instrument's index, then per instrument one transaction: the tick, its
components and md.index.v1 (outbox); then the Valkey cache.

mark loop (every PRICING_SAMPLE_INTERVAL_S): per instrument with an index, read the engine's
book, take a premium sample, compute the predicted funding rate and the mark; one transaction:
the tick, md.mark.v1 and md.funding.v1; then the cache.

Both record and publish a result only when what consumers read from it changed, or on the
heartbeat: an unchanged price every second would cost a transaction in Pricing and in each of
its five consumers, for nothing. The heartbeat falls due when the clock enters a new
PRICING_HEARTBEAT_S window (windows counted from the epoch), not PRICING_HEARTBEAT_S after each
symbol's own last publication, and a tick records everything it publishes in ONE transaction:
so a quiet market's heartbeats for every symbol leave together -- one transaction here, one
relay pass, one consumed batch (one transaction) in each consumer -- instead of one of each per
symbol at times of its own. Between two publications of an unchanged price there are at most
PRICING_HEARTBEAT_S plus one tick, inside the consumers' 30 s freshness limits.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from services.pricing.adapters import store
from services.pricing.domain.definitions import Unpriceable, build_definition
from services.pricing.domain.index import IndexCalculator, IndexDefinition, IndexResult, Source
from services.pricing.domain.mark import MarkResult, MarkState

log = logging.getLogger(__name__)

CACHE_INDEX = "pricing:index:{}"
CACHE_MARK = "pricing:mark:{}"
CACHE_FUNDING = "pricing:funding:{}"


def _now_ms() -> int:
    return int(time.time() * 1000)


# Below these a price or rate "changed" only in digits nobody reads: the mark's moving-average
# basis and the funding rate's premium average drift in their last decimals with every sample
# of a quiet market, and the mark's funding basis (index x (1 + F x time to funding / interval))
# moves with the clock alone -- ~2e-8 of the price per 5 s sample at the interest-rate floor --
# which would otherwise make every sample news (a mark publication every 5 s, each a transaction
# in Pricing and in four consumers). 1e-7 of the price is 0.01 USDT at 97,000, a tenth of a
# BTC-USDT-PERP tick; whatever moves less is published with the next heartbeat.
_RELATIVE_TOLERANCE = Decimal("1e-7")
_ABSOLUTE_TOLERANCE = Decimal("1e-12")


def _same(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, Decimal) and isinstance(y, Decimal):
            if abs(x - y) > max(_ABSOLUTE_TOLERANCE, max(abs(x), abs(y)) * _RELATIVE_TOLERANCE):
                return False
        elif x != y:
            return False
    return True


@dataclass
class PricedInstrument:
    symbol: str
    quote_asset: str
    definition: IndexDefinition


class PricingWorker:
    def __init__(self, *, engine: AsyncEngine, cache, venues, books, settings, on_committed=lambda: None) -> None:
        self.engine = engine
        self.cache = cache
        self.venues = venues
        self.books = books
        self.settings = settings
        self.on_committed = on_committed
        self.calculator = IndexCalculator(settings.index_policy)
        self.instruments: dict[str, PricedInstrument] = {}
        self.latest_index: dict[str, IndexResult] = {}
        self.marks: dict[str, MarkState] = {}
        self.last_trade: dict[str, tuple[int, Decimal]] = {}
        self.ready = asyncio.Event()
        self._unpriceable_logged: set[str] = set()
        self._published: dict[tuple[str, str], tuple[tuple, int]] = {}  # (kind, symbol) -> (what, when)

    def _is_news(self, kind: str, symbol: str, what: tuple, now: int) -> bool:
        last = self._published.get((kind, symbol))
        if last is None or not _same(last[0], what):
            return True
        heartbeat = self.settings.heartbeat_ms
        return now // heartbeat > last[1] // heartbeat  # a new heartbeat window (see the module docstring)

    def _published_now(self, kind: str, symbol: str, what: tuple, now: int) -> None:
        self._published[(kind, symbol)] = (what, now)

    # -- configuration (from Metadata's md.instrument.created.v1, stored in our schema)

    def put_instrument(self, symbol: str, base_asset: str, quote_asset: str, sources: list[dict]) -> None:
        try:
            parsed = [Source(exchange=s["exchange"], symbol=s["symbol"].upper(), weight=Decimal(str(s["weight"])))
                      for s in sources]
            definition = build_definition(symbol, base_asset, quote_asset, parsed)
        except (Unpriceable, KeyError, ArithmeticError) as exc:
            self.instruments.pop(symbol, None)
            if symbol not in self._unpriceable_logged:
                self._unpriceable_logged.add(symbol)
                log.error("cannot price %s from its index sources: %s", symbol, exc)
            return
        self._unpriceable_logged.discard(symbol)
        self.instruments[symbol] = PricedInstrument(symbol, quote_asset.upper(), definition)

    def put_trade(self, symbol: str, engine_seq: int, price: Decimal) -> None:
        current = self.last_trade.get(symbol)
        if current is None or engine_seq >= current[0]:
            self.last_trade[symbol] = (engine_seq, price)

    async def load(self) -> None:
        async with self.engine.connect() as conn:
            for row in await store.load_instruments(conn):
                self.put_instrument(row.symbol, row.base_asset, row.quote_asset, row.index_sources)
            for symbol, price in (await store.last_good_index(conn)).items():
                self.calculator.restore(symbol, price)
            for symbol, price in (await store.last_trades(conn)).items():
                self.last_trade.setdefault(symbol, (0, price))
        self.ready.set()

    # -- index

    async def index_tick(self, now_ms: int | None = None) -> list[IndexResult]:
        instruments = list(self.instruments.values())
        wanted = {(s.exchange, s.symbol) for i in instruments for leg in i.definition.legs for s in leg.sources}
        quotes = await self.venues.fetch_all(wanted) if wanted else {}
        now = now_ms if now_ms is not None else _now_ms()
        news: list[tuple[IndexResult, tuple]] = []
        for instrument in instruments:
            result = self.calculator.compute(instrument.definition, quotes, now)
            if result.price is None:
                continue  # never priced yet: nothing to hold, nothing to publish
            what = (result.price, result.degraded, tuple(sorted((c.exchange, c.symbol, c.exclusion.value)
                                                                for c in result.components)))
            if self._is_news("index", instrument.symbol, what, now):
                news.append((result, what))
        if not news:
            return []
        async with self.engine.begin() as conn:  # the whole tick: one commit, one relay pass
            payloads = [await store.record_index(conn, result) for result, _ in news]
        self.on_committed()
        for (result, what), payload in zip(news, payloads, strict=True):
            self._published_now("index", result.symbol, what, now)
            self.latest_index[result.symbol] = result
            await self._cache_set(CACHE_INDEX.format(result.symbol), payload)
        return [result for result, _ in news]

    async def run_index(self) -> None:
        await self.ready.wait()
        while True:
            started = time.monotonic()
            try:
                await self.index_tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("index tick failed")
            await asyncio.sleep(max(0.0, self.settings.index_interval_s - (time.monotonic() - started)))

    # -- mark and funding

    async def mark_tick(self, now_ms: int | None = None) -> list[MarkResult]:
        news: list[tuple[MarkResult, tuple, Decimal, int]] = []
        for symbol, index in list(self.latest_index.items()):
            instrument = self.instruments.get(symbol)
            if instrument is None or index.price is None:
                continue
            state = self.marks.get(symbol)
            if state is None:
                state = self.marks[symbol] = MarkState(symbol, self.settings.funding_policy)
            book = await self.books.book(symbol)
            notional = self.settings.impact_notional.get(instrument.quote_asset, Decimal(1000))
            trade = self.last_trade.get(symbol)
            now = now_ms if now_ms is not None else _now_ms()
            result = state.sample(now_unix_ms=now, index=index.price, index_stale=index.degraded, book=book,
                                  impact_notional=notional, last_trade=trade[1] if trade else None)
            what = (result.mark, result.index, result.index_stale, result.funding_rate, result.next_funding_unix_ms)
            if self._is_news("mark", symbol, what, now):
                news.append((result, what, notional, now))
        if not news:
            return []
        async with self.engine.begin() as conn:  # the whole sample: one commit, one relay pass
            recorded = [await store.record_mark(
                conn, result, interest_rate=self.settings.funding_policy.interest_rate,
                impact_notional=notional, interval_ms=self.settings.funding_policy.interval_ms)
                for result, _, notional, _ in news]
        self.on_committed()
        for (result, what, _, at), (mark, funding) in zip(news, recorded, strict=True):
            self._published_now("mark", result.symbol, what, at)
            await self._cache_set(CACHE_MARK.format(result.symbol), mark)
            await self._cache_set(CACHE_FUNDING.format(result.symbol), funding)
        return [result for result, *_ in news]

    async def run_mark(self) -> None:
        await self.ready.wait()
        while True:
            started = time.monotonic()
            try:
                await self.mark_tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("mark tick failed")
            await asyncio.sleep(max(0.0, self.settings.sample_interval_s - (time.monotonic() - started)))

    async def run_retention(self) -> None:
        """Ticks older than PRICING_RETENTION_S are deleted (the last good index a restart needs
        is at most a few seconds old)."""
        while True:
            await asyncio.sleep(60)
            try:
                async with self.engine.begin() as conn:
                    await store.prune(conn, _now_ms() - self.settings.retention_ms)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("pruning old ticks failed")

    async def _cache_set(self, key: str, payload: bytes) -> None:
        try:
            await self.cache.set(key, payload)
        except Exception:  # noqa: BLE001 -- the cache is a copy; PostgreSQL and Kafka have the tick
            log.warning("caching %s failed", key, exc_info=True)
