"""Market data end to end, through Envoy (REST and native gRPC on the same port): a trade appears
in trades, candles, ticker and the book; a client rebuilding the book from the gRPC stream's
snapshot + deltas matches GET .../book and every checksum; a sequence gap injected into
engine.event.v1 makes the service resync (a fresh snapshot on the stream) instead of serving a
wrong book."""
from __future__ import annotations

import queue
import threading
import time
from decimal import Decimal

import grpc
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.marketdata.v1 import marketdata_pb2 as pb
from tradex.marketdata.v1 import marketdata_pb2_grpc

from services.platform.public_book import ASK, BID, Level, PublicBook, checksum
from tests.e2e.order_support import (
    approved_instrument,
    call,
    funded_user,
    limit_order,
    placed,
    resting,
    wait_for,
)
from tests.e2e.wallet_support import produce


def _levels(raw) -> list[Level]:
    return [Level(Decimal(lv["price"]), Decimal(lv["quantity"]), int(lv.get("order_count", 0))) for lv in raw]


def get_book(exchange, symbol: str) -> dict:
    response = call(exchange.http_url, "GET", f"/v1/markets/{symbol}/book?depth=1000")
    assert response.status == 200, response.body
    return response.body["book"]


class BookStream:
    """A gRPC client of StreamOrderBook that rebuilds the book and checks every checksum."""

    def __init__(self, exchange, symbol: str) -> None:
        self.channel = grpc.insecure_channel(exchange.grpc_target)
        stub = marketdata_pb2_grpc.MarketDataServiceStub(self.channel)
        self.call = stub.StreamOrderBook(pb.StreamOrderBookRequest(symbol=symbol))
        self.book = PublicBook(symbol)
        self.snapshots = 0
        self.deltas = 0
        self.errors: list[str] = []
        self.updates: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for message in self.call:
                if message.HasField("snapshot"):
                    s = message.snapshot
                    self.book = PublicBook.from_levels(s.symbol, s.engine_seq, _pb_levels(s.bids), _pb_levels(s.asks))
                    self.snapshots += 1
                    if self.book.checksum() != s.checksum:
                        self.errors.append(f"snapshot checksum at {s.engine_seq}")
                else:
                    d = message.delta
                    if d.last_engine_seq <= self.book.seq:
                        continue
                    if d.prev_last_engine_seq != self.book.seq:
                        self.errors.append(f"chain broken: held {self.book.seq}, delta prev {d.prev_last_engine_seq}")
                    for lv in _pb_levels(d.bids):
                        self.book.set(BID, lv)
                    for lv in _pb_levels(d.asks):
                        self.book.set(ASK, lv)
                    self.book.seq = d.last_engine_seq
                    self.deltas += 1
                    if self.book.checksum() != d.checksum:
                        self.errors.append(f"delta checksum at {d.last_engine_seq}")
                self.updates.put(self.book.seq)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                self.errors.append(f"stream failed: {exc.code()} {exc.details()}")

    def close(self) -> None:
        self.call.cancel()
        self.channel.close()


def _pb_levels(levels) -> list[Level]:
    return [Level(Decimal(lv.price), Decimal(lv.quantity), lv.order_count) for lv in levels]


def test_trade_reaches_trades_candles_ticker_and_book_and_stream_matches(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    _, seller = funded_user(exchange, "1000")
    _, buyer = funded_user(exchange, "1000")
    stream = BookStream(exchange, symbol)
    try:
        wait_for(lambda: stream.snapshots >= 1, timeout=20)
        resting(exchange, seller, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
        resting(exchange, seller, limit_order(symbol, "SELL", "101.00", "2", leverage="10"))
        resting(exchange, buyer, limit_order(symbol, "BUY", "98.00", "1.5", leverage="10"))
        placed(exchange, buyer, limit_order(symbol, "BUY", "100.00", "0.4", leverage="10"))

        def book_settled():
            b = get_book(exchange, symbol)
            asks = _levels(b.get("asks", []))
            return b if asks and asks[0].quantity == Decimal("0.6") else None
        book = wait_for(book_settled, timeout=20)
        assert _levels(book["asks"]) == [Level(Decimal(100), Decimal("0.6"), 1), Level(Decimal(101), Decimal(2), 1)]
        assert _levels(book["bids"]) == [Level(Decimal(98), Decimal("1.5"), 1)]
        assert "user_id" not in str(book) and "order_id" not in str(book)
        assert int(book["checksum"]) == checksum(_levels(book["bids"]), _levels(book["asks"]))

        trades = wait_for(lambda: call(exchange.http_url, "GET", f"/v1/markets/{symbol}/trades").body.get("trades"))
        assert len(trades) == 1 and Decimal(trades[0]["price"]) == 100 and Decimal(trades[0]["quantity"]) == Decimal("0.4")
        assert trades[0]["taker_side"] == "SIDE_BUY"

        candles = call(exchange.http_url, "GET",
                       f"/v1/markets/{symbol}/candles?interval=CANDLE_INTERVAL_ONE_MINUTE").body["candles"]
        traded = [c for c in candles if int(c.get("trade_count", 0)) > 0]
        assert len(traded) == 1 and Decimal(traded[0]["close"]) == 100 and Decimal(traded[0]["volume"]) == Decimal("0.4")

        ticker = call(exchange.http_url, "GET", f"/v1/markets/{symbol}/ticker").body["ticker"]
        assert Decimal(ticker["last_price"]) == 100 and Decimal(ticker["volume_24h"]) == Decimal("0.4")
        assert Decimal(ticker["best_bid_price"]) == 98 and Decimal(ticker["best_ask_price"]) == 100

        # The stream's rebuilt book equals GET book, and every checksum on the way matched.
        wait_for(lambda: stream.book.seq >= int(book["engine_seq"]), timeout=20)
        assert stream.errors == []
        assert stream.book.bids() == _levels(book["bids"]) and stream.book.asks() == _levels(book["asks"])
        assert stream.deltas >= 4

        # An injected gap: an event far ahead of the engine's sequence (its id unlike any real one).
        seq = int(book["engine_seq"])
        bogus = engine_pb.EngineEvent(event_id=f"gap-test:{symbol}", symbol=symbol, engine_seq=seq + 1000,
                                      occurred_at_unix_ms=int(time.time() * 1000), last_in_command=True,
                                      book_delta=engine_pb.BookDelta(side=1, price="1.00", quantity="5",
                                                                     order_count=1))
        before = stream.snapshots
        produce(exchange, "engine.event.v1", symbol, bogus, event_id=bogus.event_id)
        wait_for(lambda: stream.snapshots > before, timeout=30)  # the resync's fresh snapshot
        after = get_book(exchange, symbol)
        assert _levels(after["bids"]) == [Level(Decimal(98), Decimal("1.5"), 1)]  # the bogus level is not there
        # Trading continues on the repaired book.
        resting(exchange, buyer, limit_order(symbol, "BUY", "99.00", "1", leverage="10"))
        wait_for(lambda: _levels(get_book(exchange, symbol)["bids"])[:1] == [Level(Decimal(99), Decimal(1), 1)])
        wait_for(lambda: stream.book.bids()[:1] == [Level(Decimal(99), Decimal(1), 1)])
        assert stream.errors == []
    finally:
        stream.close()
