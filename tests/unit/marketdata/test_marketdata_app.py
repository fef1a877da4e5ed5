"""The Market Data use cases with fakes for the database, Valkey and the engine: a batch streams its
book deltas at once and is written after (offsets stored and Valkey saved only after the commit, a
failed write retried with the same rows), a gap makes GET answer UNAVAILABLE BOOK_RESYNCING until the
engine's snapshot repaired the book, and stream subscribers then get a snapshot."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from tradex.common.v1 import trading_pb2 as t
from tradex.engine.v1 import events_pb2 as engine_pb

from services.marketdata.app.hub import Hub
from services.marketdata.app.marketdata import LiveEvent, MarketData
from services.marketdata.domain.feed import EngineItem
from services.platform.errors import Unavailable
from services.platform.public_book import BID, Level

S = "APP-PERP"


class FakeConn:
    """Both the SQLAlchemy connection and the psycopg one under it (services/platform/db.py)."""

    def __init__(self) -> None:
        self.statements = []
        self.driver_connection = self

    async def get_raw_connection(self):
        return self

    async def execute(self, statement, *args):
        self.statements.append(statement)


class FakeEngine:
    """Transactions that can be held (`gate`) or fail (`failures` times); statements of committed
    transactions only are kept in `committed`."""

    def __init__(self) -> None:
        self.committed = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.failures = 0
        self.attempts = 0

    @asynccontextmanager
    async def begin(self):
        self.attempts += 1
        await self.gate.wait()
        conn = FakeConn()
        yield conn
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the transaction rolled back")
        self.committed.extend(conn.statements)


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
    app = MarketData(FakeEngine(), store=None, cache=FakeCache(), hub=Hub(), fetch_snapshot=fetch,
                     wake_relay=lambda: None)

    async def claim(conn, inbox, consumer, ids):  # every id is new (the inbox has its own tests)
        return set(ids)

    app.claim = claim
    asyncio.get_running_loop().create_task(app.run_writer())
    return app


def _events(items) -> list[LiveEvent]:
    return [LiveEvent(f"{S}:{item.seq}", S, item, None) for item in items]


async def _batch(app: MarketData, items, durable: list | None = None) -> None:
    await app.apply_live(_events(items), on_durable=lambda: durable.append(items) if durable is not None else None)
    await app.drained()


def test_deltas_stream_before_the_commit_and_offsets_wait_for_it():
    async def scenario():
        app = _app(fetch=None)
        durable = []
        await _batch(app, [_level(1, 10, 1)], durable)
        app._engine.gate.clear()  # the database stalls (a slow fsync)
        with app.hub.subscribe("book", S) as sub:
            await app.apply_live(_events([_level(2, 11, 1)]), on_durable=lambda: durable.append("2"))
            kind, delta = sub.queue.get_nowait()  # streamed without waiting for the commit
            assert kind == "delta" and delta.last_seq == 2 and delta.prev_seq == 1
        await asyncio.sleep(0.05)
        assert durable == [[_level(1, 10, 1)]]  # the stalled batch's offsets are not stored
        assert app._cache.saved[S].book.seq == 1  # and Valkey still holds the committed book
        app._engine.gate.set()
        await app.drained()
        assert durable == [[_level(1, 10, 1)], "2"] and app._cache.saved[S].book.seq == 2
    asyncio.run(scenario())


def test_a_failed_write_is_retried_with_the_same_rows_in_order():
    async def scenario():
        app = _app(fetch=None)
        durable = []
        app._engine.failures = 2
        await app.apply_live(_events([_level(1, 10, 1)]), on_durable=lambda: durable.append(1))
        await app.apply_live(_events([_level(2, 11, 1)]), on_durable=lambda: durable.append(2))
        await app.drained()
        assert durable == [1, 2] and app._engine.attempts >= 3
        # Two deltas written once each (the outbox rows of the rolled-back attempts are gone).
        outbox_rows = [st for st in app._engine.committed if "outbox" in str(st)]
        assert len(outbox_rows) == 2
        assert [lv.price for lv in (await app.book(S)).bids()] == [Decimal(11), Decimal(10)]
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
            await app.apply_live(_events([_level(5, 12, 1)]), on_durable=lambda: None)  # 2..4 missing
            await app.drained()
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
            await app.drained()
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
