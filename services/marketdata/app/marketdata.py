"""The Market Data use cases: books sequenced from the engine, trades and candles, tickers, and the
fan-out to streams.

Live first, durable after (docs/ARCHITECTURE.md → Market data). A consumed batch of engine events is
applied to the in-memory feeds at once and its book deltas go to stream subscribers right away; the
same batch is then queued for the durable writer, which records trades and candles and writes the
outbox (md.trades.v1, md.orderbook.delta.v1) with the inbox rows in one transaction. Only after that
commit are the Kafka offsets of the batch stored, the trade/ticker/candle streams told, and the feeds
saved to Valkey (as copied when the batch was applied, so Valkey never holds a book the database has
not caught up with). A database stall (a slow WAL fsync on a busy disk) therefore delays the trade
history, never the book stream; the writer keeps the queue's order, so the outbox carries exactly the
deltas the streams sent, in the same order.

Failure cases: a failed transaction is retried with the same precomputed rows (nothing is recomputed
from feeds that have moved on); a crash loses only uncommitted batches, whose offsets were not stored:
Kafka redelivers them, the feeds (resumed from Valkey, i.e. from the last commit) apply them again,
and the inbox keeps anything already written from being written twice.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tradex.marketdata.v1 import events_pb2 as md_events

from services.marketdata.adapters import mappers
from services.marketdata.adapters import store as store_mod
from services.marketdata.adapters.book_cache import BookCache
from services.marketdata.adapters.store import Store, TradeRow
from services.marketdata.adapters.tables import inbox, outbox
from services.marketdata.app.hub import Hub
from services.marketdata.domain.candles import Interval, bar_open
from services.marketdata.domain.feed import (
    BookDelta,
    BookHashCheck,
    EngineItem,
    EngineSnapshot,
    Outcome,
    SymbolFeed,
    engine_hash,
)
from services.platform.errors import Unavailable
from services.platform.ids import new_id
from services.platform.inbox import claim_many
from services.platform.outbox import add_event
from services.platform.public_book import PublicBook

log = logging.getLogger(__name__)

TOPIC_TRADES = "md.trades.v1"
TOPIC_BOOK = "md.orderbook.delta.v1"
REPAIR_RETRY_S = 2.0
ENGINE_CONSUMER = "marketdata.engine"
# Batches applied live but not yet committed before the consumer waits for the writer.
MAX_UNWRITTEN_BATCHES = 64
WRITE_RETRY_MAX_S = 5.0


@dataclass(frozen=True)
class LiveEvent:
    """One consumed engine event, decoded at the edge."""

    event_id: str
    symbol: str
    item: EngineItem
    trade: TradeRow | None


@dataclass
class _Unwritten:
    """What a batch (or a repair) must still write once it is applied live."""

    event_ids: list[str] = field(default_factory=list)
    trades: list[tuple[str, TradeRow]] = field(default_factory=list)  # (event id, row)
    # (event id, delta, is a reset); a reset written by a repair has no event id
    deltas: list[tuple[str | None, BookDelta, bool]] = field(default_factory=list)
    feeds: dict[str, SymbolFeed] = field(default_factory=dict)  # copies for Valkey
    after: list[tuple[str, str, tuple]] = field(default_factory=list)  # publications after the commit
    on_durable: Callable[[], None] | None = None  # stores the batch's Kafka offsets


class MarketData:
    def __init__(self, engine: AsyncEngine, store: Store, cache: BookCache, hub: Hub,
                 fetch_snapshot: Callable[[str], Awaitable[object]], wake_relay: Callable[[], None]) -> None:
        self._engine = engine
        self.store = store
        self._cache = cache
        self.hub = hub
        self._fetch_snapshot = fetch_snapshot  # symbol -> engine_pb.BookSnapshot | None
        self._wake_relay = wake_relay
        self.feeds: dict[str, SymbolFeed] = {}
        self.lock = asyncio.Lock()  # the live feeds: one batch, repair or check at a time
        self._repairs: dict[str, asyncio.Task] = {}
        self.resyncs = 0  # repairs completed (tests, metrics)
        # (kind, symbol) -> (computed_at_unix_ms, the price as published) for the price streams;
        # kind is "index", "mark" or "funding". Memory only: pricing republishes every few seconds.
        self._prices: dict[tuple[str, str], tuple[int, object]] = {}
        self._unwritten: deque[_Unwritten] = deque()
        self._queued = asyncio.Event()
        self._written = asyncio.Event()  # set whenever the writer finished a transaction
        self._writing = 0  # batches taken by the writer, not yet committed
        self.claim = claim_many  # the inbox (replaced by a fake in unit tests)

    async def start(self) -> None:
        """Resumes the books saved in Valkey (a half-applied command makes that book repair)."""
        try:
            for feed in await self._cache.load_all():
                self.feeds[feed.symbol] = feed
                if not feed.live:
                    self._schedule_repair(feed.symbol)
        except Exception:  # noqa: BLE001 - a cold cache only means repairs from the engine
            log.warning("could not load books from the cache; books start from engine snapshots", exc_info=True)
        log.info("market data resumed %d books from the cache", len(self.feeds))

    # --------------------------------------------------------------------- live: engine events

    async def apply_live(self, events: list[LiveEvent], on_durable: Callable[[], None]) -> None:
        """Applies a consumed batch to the feeds and streams its book changes now; queues what it
        must write. `on_durable` runs once the batch is committed (every batch is queued, even one
        with nothing to write, so offsets are stored in consumption order)."""
        while len(self._unwritten) + self._writing >= MAX_UNWRITTEN_BATCHES:
            self._written.clear()
            await self._written.wait()  # the writer is behind: hold the consumer (bounded memory)
        async with self.lock:
            work = _Unwritten(on_durable=on_durable)
            touched: dict[str, SymbolFeed] = {}
            for event in events:
                feed = self.feeds.get(event.symbol)
                if feed is None:
                    feed = self.feeds[event.symbol] = SymbolFeed(event.symbol)
                touched[event.symbol] = feed
                work.event_ids.append(event.event_id)
                if event.trade is not None:
                    work.trades.append((event.event_id, event.trade))
                self._outcome(work, feed, feed.apply(event.item), event.event_id)
            for symbol, feed in touched.items():
                work.feeds[symbol] = feed.copy()
                if not feed.live:
                    self._schedule_repair(symbol)
            self._queue(work)

    def _outcome(self, work: _Unwritten, feed: SymbolFeed, out: Outcome, event_id: str | None) -> None:
        if out.gap:
            log.error("engine.event.v1 gap: symbol %s expected seq %d, got %d; book resyncing from the engine",
                      feed.symbol, out.gap[0], out.gap[1],
                      extra={"symbol": feed.symbol, "expected_seq": out.gap[0], "engine_seq": out.gap[1]})
        if out.mismatch:
            log.error("book check failed: symbol %s at seq %d: %s", feed.symbol, feed.applied_seq, out.mismatch,
                      extra={"symbol": feed.symbol, "engine_seq": feed.applied_seq})
        if out.delta is not None:
            work.deltas.append((event_id, out.delta, False))
            self.hub.publish("book", feed.symbol, ("delta", out.delta))
            if out.delta.bids[:1] or out.delta.asks[:1]:
                work.after.append(("ticker", feed.symbol, ("changed", None)))
        if out.repair is not None:
            if out.repair.bids or out.repair.asks:
                work.deltas.append((event_id, out.repair, True))
            # Stream clients get the repaired book whole (a snapshot), not a same-seq delta.
            self.hub.publish("book", feed.symbol, ("snapshot", feed.book.copy()))
            work.after.append(("ticker", feed.symbol, ("changed", None)))

    def _queue(self, work: _Unwritten) -> None:
        """Under the lock, so the writer sees batches and repairs in the order they went live."""
        self._unwritten.append(work)
        self._queued.set()

    # --------------------------------------------------------------------- durable: the writer

    async def run_writer(self) -> None:
        """Writes queued batches in order, as many per transaction as are waiting."""
        while True:
            while not self._unwritten:
                self._queued.clear()
                await self._queued.wait()
            batch = list(self._unwritten)
            self._unwritten.clear()
            self._writing = len(batch)
            delay = 0.1
            while True:
                try:
                    recorded = await self._write(batch)
                    break
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - rolled back; the same rows are written again
                    log.exception("writing %d market-data batches failed; retrying", len(batch))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, WRITE_RETRY_MAX_S)
            await self._after_commit(batch, recorded)
            self._writing = 0  # only now: drained() promises the books are saved too
            self._written.set()

    async def _write(self, batch: list[_Unwritten]) -> list[TradeRow]:
        ids = [event_id for work in batch for event_id in work.event_ids]
        deltas = [d for work in batch for d in work.deltas]
        trades = [t for work in batch for t in work.trades]
        recorded: list[TradeRow] = []
        if not ids and not deltas:
            return recorded
        async with self._engine.begin() as conn:
            fresh = await self.claim(conn, inbox, ENGINE_CONSUMER, ids) if ids else set()
            for event_id, trade in trades:
                if event_id in fresh and await store_mod.record_trade(conn, trade):
                    await add_event(conn, outbox, topic=TOPIC_TRADES, key=trade.symbol,
                                    event=md_events.TradeRecorded(trade=mappers.trade_pb(trade)),
                                    event_id=f"md-trade:{trade.trade_id}",
                                    occurred_at_unix_ms=trade.executed_at_unix_ms)
                    recorded.append(trade)
            for event_id, delta, reset in deltas:
                if event_id is None or event_id in fresh:
                    await self._publish_delta(conn, delta, reset=reset)
        return recorded

    async def _after_commit(self, batch: list[_Unwritten], recorded: list[TradeRow]) -> None:
        if recorded or any(work.deltas for work in batch):
            self._wake_relay()
        for trade in recorded:
            self.hub.publish("trades", trade.symbol, ("trade", trade))
            self.hub.publish("ticker", trade.symbol, ("changed", None))
            self.hub.publish("candles", trade.symbol, ("changed", None))
        feeds: dict[str, SymbolFeed] = {}
        for work in batch:
            for channel, symbol, message in work.after:
                self.hub.publish(channel, symbol, message)
            feeds.update(work.feeds)  # the newest copy of each book
            if work.on_durable is not None:
                work.on_durable()
        await self._save(list(feeds.values()))

    async def drained(self) -> None:
        """Returns once everything applied so far is committed (tests, shutdown)."""
        while self._unwritten or self._writing:
            self._written.clear()
            await self._written.wait()

    async def _publish_delta(self, conn: AsyncConnection, delta: BookDelta, *, reset: bool = False) -> None:
        # A delta's id is deterministic (its place in the chain); a repair's is unique (it is not
        # a replayable step and may cover the same seqs as a delta published before the repair).
        event_id = (f"md-book-reset:{delta.symbol}:{delta.last_seq}:{new_id()}" if reset
                    else f"md-book:{delta.symbol}:{delta.prev_seq}:{delta.last_seq}")
        await add_event(conn, outbox, topic=TOPIC_BOOK, key=delta.symbol,
                        event=md_events.OrderBookUpdated(delta=mappers.delta_pb(delta)),
                        event_id=event_id, occurred_at_unix_ms=delta.at_unix_ms)

    async def _save(self, feeds: list[SymbolFeed]) -> None:
        try:
            await self._cache.save(feeds)
        except Exception:  # noqa: BLE001 - the in-memory book still serves; logged
            log.warning("could not write books to the cache", exc_info=True)

    # --------------------------------------------------------------------- snapshots and hashes

    async def on_engine_snapshot(self, snapshot: EngineSnapshot) -> None:
        if snapshot.book_hash and engine_hash(snapshot) != snapshot.book_hash:
            log.error("engine snapshot %s seq %d does not match its own book hash", snapshot.symbol, snapshot.seq)
            return
        async with self.lock:
            feed = self.feeds.get(snapshot.symbol)
            if feed is None:
                return  # nothing to compare yet: the first event or a GET will start it
            out = feed.offer_snapshot(snapshot)
            self._after_check(feed, out)

    async def on_engine_hash(self, check: BookHashCheck) -> None:
        async with self.lock:
            feed = self.feeds.get(check.symbol)
            if feed is None:
                return
            out = feed.offer_hash(check)
            self._after_check(feed, out)

    def _after_check(self, feed: SymbolFeed, out: Outcome) -> None:
        """Under the lock."""
        if not out.mismatch:
            return
        log.error("book check failed: symbol %s at seq %d: %s", feed.symbol, feed.applied_seq, out.mismatch)
        work = _Unwritten(feeds={feed.symbol: feed.copy()})
        if out.repair is not None:
            self._reset_live(work, feed, out.repair)
        if not feed.live:
            self._schedule_repair(feed.symbol)
        self._queue(work)

    def _reset_live(self, work: _Unwritten, feed: SymbolFeed, delta: BookDelta) -> None:
        """A check or a repair replaced the book: streams get it whole now, the reset delta is written
        in queue order."""
        if delta.bids or delta.asks:
            work.deltas.append((None, delta, True))
        self.hub.publish("book", feed.symbol, ("snapshot", feed.book.copy()))
        work.after.append(("ticker", feed.symbol, ("changed", None)))

    # --------------------------------------------------------------------- repair

    def _schedule_repair(self, symbol: str) -> None:
        task = self._repairs.get(symbol)
        if task is None or task.done():
            self._repairs[symbol] = asyncio.get_running_loop().create_task(self._repair(symbol))

    async def _repair(self, symbol: str) -> None:
        while True:
            try:
                raw = await self._fetch_snapshot(symbol)
                snapshot = mappers.engine_snapshot(raw) if raw is not None else EngineSnapshot(symbol, 0, 0, (), ())
                async with self.lock:
                    feed = self.feeds.get(symbol)
                    if feed is None or feed.live:
                        return
                    if snapshot.seq < feed.applied_seq:
                        # The engine is behind what we saw (e.g. a bogus future event): its state is
                        # the truth, events after it will follow in order.
                        log.warning("resync %s: engine snapshot seq %d is below the seq seen %d",
                                    symbol, snapshot.seq, feed.gap_seq)
                    delta, dropped = feed.reset(snapshot)
                    log.warning("book %s resynced from engine snapshot at seq %d (%d buffered events dropped)",
                                symbol, snapshot.seq, dropped)
                    self.resyncs += 1
                    work = _Unwritten(feeds={symbol: feed.copy()})
                    self._reset_live(work, feed, delta)
                    self._queue(work)
                return
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - retried: the book stays RESYNCING, never served stale
                log.exception("resync of %s failed; retrying in %.0f s", symbol, REPAIR_RETRY_S)
                await asyncio.sleep(REPAIR_RETRY_S)

    # --------------------------------------------------------------------- reads

    async def book(self, symbol: str) -> PublicBook:
        """The current book, or Unavailable while it is being repaired. A symbol never seen is
        started from the engine (an empty book if the engine has none)."""
        feed = self.feeds.get(symbol)
        if feed is None:
            feed = await self._bootstrap(symbol)
        if not feed.live:
            raise Unavailable(f"the {symbol} book is being resynchronised from the engine after a gap at seq "
                              f"{feed.gap_seq}; retry shortly", reason="BOOK_RESYNCING")
        return feed.book

    async def cached_book(self, symbol: str) -> PublicBook:
        """GetOrderBook's read: Valkey first (what every replica shares), memory if it is down."""
        try:
            feed = await self._cache.load(symbol)
        except Exception:  # noqa: BLE001
            feed = None
        if feed is None:
            return await self.book(symbol)
        if not feed.live:
            raise Unavailable(f"the {symbol} book is being resynchronised from the engine after a gap at seq "
                              f"{feed.gap_seq}; retry shortly", reason="BOOK_RESYNCING")
        return feed.book

    async def _bootstrap(self, symbol: str) -> SymbolFeed:
        raw = await self._fetch_snapshot(symbol)
        async with self.lock:
            feed = self.feeds.get(symbol)
            if feed is not None:
                return feed
            feed = SymbolFeed(symbol)
            if raw is None:
                return feed  # no such book (yet): an empty one, not kept (any name can be asked for)
            feed.reset(mappers.engine_snapshot(raw))
            self.feeds[symbol] = feed
            self._queue(_Unwritten(feeds={symbol: feed.copy()}))
            return feed

    def status(self, symbol: str) -> str:
        feed = self.feeds.get(symbol)
        return feed.status.value if feed else "UNKNOWN"

    async def ticker(self, symbol: str, now_unix_ms: int) -> dict:
        stats = await self.store.stats_24h(symbol, now_unix_ms)
        last = await self.store.last_trade(symbol)
        prices = await self.store.prices(symbol)
        feed = self.feeds.get(symbol)
        bid = feed.book.best_bid() if feed and feed.live else None
        ask = feed.book.best_ask() if feed and feed.live else None
        change = rate = None
        if last is not None and stats.open:
            change = last.price - stats.open
            rate = (change / stats.open).quantize(Decimal("0.00000001"))
        updated = max([x for x in (last.executed_at_unix_ms if last else 0,
                                    feed.book.updated_at_unix_ms if feed else 0)])
        return {"symbol": symbol, "last": last.price if last else None, "stats": stats, "prices": prices,
                "bid": bid, "ask": ask, "change": change, "rate": rate, "updated": updated}

    async def current_candle(self, symbol: str, interval: Interval, now_unix_ms: int):
        start = bar_open(now_unix_ms, interval)
        bars, _ = await self.store.candles(symbol, interval, start, start + interval.ms, 1)
        if bars:
            return bars[0]
        last = await self.store.recent_trades(symbol, 1, None)
        if not last:
            return None
        at = last[0].executed_at_unix_ms
        bars, _ = await self.store.candles(symbol, interval, bar_open(at, interval), bar_open(at, interval) + interval.ms, 1)
        return bars[0] if bars else None

    # --------------------------------------------------------------------- prices from the pricing service

    async def on_price(self, conn: AsyncConnection, symbol: str, at_unix_ms: int, **values) -> None:
        """Inside the price consumer's transaction (its own consumer: not part of an engine batch)."""
        await store_mod.save_price(conn, symbol, at_unix_ms, **values)

    def price_committed(self, kind: str, symbol: str, at_unix_ms: int, price: object) -> None:
        """After the price consumer's commit: keeps the newest price of (kind, symbol) and sends it
        to that stream's subscribers; an older or equal one (a redelivery) changes nothing."""
        held = self._prices.get((kind, symbol))
        if held is not None and held[0] >= at_unix_ms:
            return
        self._prices[(kind, symbol)] = (at_unix_ms, price)
        self.hub.publish(kind, symbol, ("price", (at_unix_ms, price)))

    def latest_price(self, kind: str, symbol: str) -> tuple[int, object] | None:
        return self._prices.get((kind, symbol))
