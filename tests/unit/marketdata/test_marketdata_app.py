"""The Market Data use cases with fakes for the database, Valkey and the engine: a batch goes live
only after its commit (a failed batch leaves the live book untouched), a gap makes GET answer
UNAVAILABLE BOOK_RESYNCING until the engine's snapshot repaired the book, and stream subscribers
then get a snapshot."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from tradex.common.v1 import trading_pb2 as t
from tradex.engine.v1 import events_pb2 as engine_pb

from services.marketdata.app.hub import Hub
from services.marketdata.app.marketdata import MarketData
from services.marketdata.domain.feed import EngineItem
from services.platform.errors import Unavailable
from services.platform.public_book import BID, Level

S = "APP-PERP"


class FakeConn:
    def __init__(self) -> None:
        self.statements = []

    async def execute(self, statement, *args):
        self.statements.append(statement)


class FakeEngine:
    def __init__(self) -> None:
        self.conn = FakeConn()

    @asynccontextmanager
    async def begin(self):
        yield self.conn


class FakeCache:
    def __init__(self) -> None:
        self.saved = {}

    async def save(self, feeds):
        for f in feeds:
            self.saved[f.symbol] = f.copy()

    async def load(self, symbol):
        return self.saved.get(symbol)

    async def load_all(self):
        return list(self.saved.values())


def _snapshot(seq: int, qty: str) -> engine_pb.BookSnapshot:
    return engine_pb.BookSnapshot(symbol=S, engine_seq=seq, taken_at_unix_ms=5, bids=[engine_pb.RestingOrder(
        order_id="o1", user_id="u1", side=t.SIDE_BUY, price="10", quantity=qty, price_ticks=10, quantity_lots=1)])


def _level(seq: int, price: int, qty: int) -> EngineItem:
    return EngineItem(seq, 1_000 + seq, BID, Level(Decimal(price), Decimal(qty), 1), True)


def _app(fetch) -> MarketData:
    return MarketData(FakeEngine(), store=None, cache=FakeCache(), hub=Hub(), fetch_snapshot=fetch,
                      wake_relay=lambda: None)


async def _batch(app: MarketData, items, fail: bool = False) -> None:
    async with app.lock:
        app.begin_batch()
        try:
            for item in items:
                await app.on_engine_event(FakeConn(), S, item, None)
            if fail:
                raise RuntimeError("the transaction rolled back")
        except RuntimeError:
            app.abort_batch()
            return
        await app.commit_batch()


def test_a_failed_batch_leaves_the_live_book_untouched():
    async def scenario():
        app = _app(fetch=None)
        await _batch(app, [_level(1, 10, 1)])
        await _batch(app, [_level(2, 11, 1)], fail=True)
        assert [lv.price for lv in (await app.book(S)).bids()] == [Decimal(10)]
        await _batch(app, [_level(2, 11, 1)])  # redelivered after the rollback: applies now
        assert [lv.price for lv in (await app.book(S)).bids()] == [Decimal(11), Decimal(10)]
        assert app._cache.saved[S].book.seq == 2  # Valkey holds the committed book
    asyncio.run(scenario())


def test_gap_makes_get_say_resyncing_until_the_engine_snapshot_repairs_it():
    async def scenario():
        release = asyncio.Event()

        async def fetch(symbol):
            await release.wait()
            return _snapshot(5, "3")

        app = _app(fetch)
        await _batch(app, [_level(1, 10, 1)])
        with app.hub.subscribe("book", S) as sub:
            await _batch(app, [_level(5, 12, 1)])  # 2..4 missing
            with pytest.raises(Unavailable) as exc:
                await app.cached_book(S)
            assert exc.value.reason == "BOOK_RESYNCING"
            with pytest.raises(Unavailable):
                await app.book(S)
            release.set()
            for _ in range(50):
                await asyncio.sleep(0.01)
                if app.resyncs:
                    break
            book = await app.cached_book(S)
            assert [(lv.price, lv.quantity) for lv in book.bids()] == [(Decimal(10), Decimal(3))]
            assert book.seq == 5
            kind, payload = sub.queue.get_nowait()
            assert kind == "snapshot" and payload.seq == 5
        # The next engine event continues the chain from the snapshot.
        await _batch(app, [_level(6, 11, 2)])
        assert [lv.price for lv in (await app.book(S)).bids()] == [Decimal(11), Decimal(10)]
    asyncio.run(scenario())


def test_unknown_symbol_is_an_empty_book_and_not_kept():
    async def scenario():
        async def fetch(symbol):
            return None
        app = _app(fetch)
        book = await app.book("NOPE")
        assert book.bids() == [] and book.seq == 0 and "NOPE" not in app.feeds
    asyncio.run(scenario())
