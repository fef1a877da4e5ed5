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
from tradex.marketdata.v1 import events_pb2 as md_events
from tradex.marketdata.v1 import marketdata_pb2 as pb
from tradex.marketdata.v1 import marketdata_pb2_grpc

from services.platform.public_book import ASK, BID, Level, PublicBook, checksum
from tests.e2e.kafka_support import all_records
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

    def __init__(self, exchange, symbol: str, depth: int = 0) -> None:
        self.channel = grpc.insecure_channel(exchange.grpc_target)
        stub = marketdata_pb2_grpc.MarketDataServiceStub(self.channel)
        self.call = stub.StreamOrderBook(pb.StreamOrderBookRequest(symbol=symbol, depth=depth))
        self.verify = depth == 0 or depth >= 25  # the checksum covers the top 25 of the whole book
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
                    if self.verify and self.book.checksum() != s.checksum:
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
                    if self.verify and self.book.checksum() != d.checksum:
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
    top = BookStream(exchange, symbol, depth=1)  # a depth-1 window
    try:
        wait_for(lambda: stream.snapshots >= 1 and top.snapshots >= 1, timeout=20)
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
        wait_for(lambda: top.book.seq >= int(book["engine_seq"]), timeout=20)
        assert top.errors == [] and top.book.bids() == _levels(book["bids"])[:1]
        assert top.book.asks() == _levels(book["asks"])[:1]

        # Re-published: md.trades.v1 has the trade, md.orderbook.delta.v1 chains to the same book.
        recorded = [md_events.TradeRecorded.FromString(r.value()).trade
                    for r in all_records(exchange.stack.kafka_bootstrap, "md.trades.v1") if r.key() == symbol.encode()]
        assert [t.trade_id for t in recorded] == [trades[0]["trade_id"]] and recorded[0].price == "100"

        def published():
            found = [md_events.OrderBookUpdated.FromString(r.value()).delta
                     for r in all_records(exchange.stack.kafka_bootstrap, "md.orderbook.delta.v1")
                     if r.key() == symbol.encode()]
            return found if found and found[-1].last_engine_seq == int(book["engine_seq"]) else None
        topic_book = PublicBook(symbol)
        for d in wait_for(published):
            assert d.prev_last_engine_seq == topic_book.seq
            for lv in _pb_levels(d.bids):
                topic_book.set(BID, lv)
            for lv in _pb_levels(d.asks):
                topic_book.set(ASK, lv)
            topic_book.seq = d.last_engine_seq
            assert topic_book.checksum() == d.checksum
        assert topic_book.bids() == _levels(book["bids"]) and topic_book.asks() == _levels(book["asks"])

        # An injected gap: an event far ahead of the engine's sequence (its id unlike any real one).
        seq = int(book["engine_seq"])
        bogus = engine_pb.EngineEvent(event_id=f"gap-test:{symbol}", symbol=symbol, engine_seq=seq + 1000,
                                      occurred_at_unix_ms=int(time.time() * 1000), last_in_command=True,
                                      book_delta=engine_pb.BookDelta(side=1, price="1.00", quantity="5",
                                                                     order_count=1))
        before = stream.snapshots
        produce(exchange, "engine.event.v1", symbol, bogus, event_id=bogus.event_id)
        wait_for(lambda: stream.snapshots > before, timeout=30)  # the resync's fresh snapshot
        log = (exchange.root / "logs" / "marketdata.log").read_text()
        assert f"gap: symbol {symbol} expected seq {seq + 1}, got {seq + 1000}" in log
        assert f"book {symbol} resynced from engine snapshot at seq {seq}" in log
        # GET book reads the copy in Valkey, saved once the repair's batch is written ("live first,
        # durable after", docs/ARCHITECTURE.md): it may answer BOOK_RESYNCING (503, "retry shortly")
        # for a moment after the stream already has the repaired book.
        def served():
            response = call(exchange.http_url, "GET", f"/v1/markets/{symbol}/book?depth=1000")
            assert response.status in (200, 503), response.body
            return response.body["book"] if response.status == 200 else None
        after = wait_for(served, timeout=20)
        assert _levels(after["bids"]) == [Level(Decimal(98), Decimal("1.5"), 1)]  # the bogus level is not there
        # Trading continues on the repaired book.
        resting(exchange, buyer, limit_order(symbol, "BUY", "99.00", "1", leverage="10"))
        wait_for(lambda: _levels(get_book(exchange, symbol)["bids"])[:1] == [Level(Decimal(99), Decimal(1), 1)])
        wait_for(lambda: stream.book.bids()[:1] == [Level(Decimal(99), Decimal(1), 1)])
        assert stream.errors == []
    finally:
        stream.close()
        top.close()


# ------------------------------------------------------------------------------------- WebSocket


class WsClient:
    """A WebSocket client of gateway/ws.py on a thread: every frame lands in a queue."""

    def __init__(self, exchange) -> None:
        from websockets.sync.client import connect
        assert exchange.ws_url, "the mesh did not start the WebSocket gateway"
        self.ws = connect(exchange.ws_url, open_timeout=10)
        self.frames: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import json

        from websockets.exceptions import ConnectionClosed
        try:
            for raw in self.ws:
                self.frames.put(json.loads(raw))
        except ConnectionClosed:
            pass

    def send(self, frame) -> None:
        import json
        self.ws.send(frame if isinstance(frame, (str, bytes)) else json.dumps(frame))

    def next(self, predicate=lambda f: True, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.frames.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(frame)
            if predicate(frame):
                return frame
        raise AssertionError(f"no matching frame within {timeout:.0f} s; last frames {self.seen[-5:]}")

    def drain(self) -> list[dict]:
        out = []
        while True:
            try:
                out.append(self.frames.get_nowait())
            except queue.Empty:
                self.seen.extend(out)
                return out

    def close(self) -> None:
        self.ws.close()


def _ws_levels(raw) -> list[Level]:
    return [Level(Decimal(p), Decimal(q), n) for p, q, n in raw]


class WsBook:
    """Rebuilds a book from WebSocket snapshot + delta frames, checking chain and checksums."""

    def __init__(self, symbol: str) -> None:
        self.book = PublicBook(symbol)
        self.errors: list[str] = []
        self.snapshots = 0

    def apply(self, f: dict) -> None:
        if f.get("channel") != "book" or f.get("symbol") != self.book.symbol:
            return
        if f["type"] == "snapshot":
            self.snapshots += 1
            self.book = PublicBook.from_levels(self.book.symbol, f["seq"], _ws_levels(f["bids"]), _ws_levels(f["asks"]))
        elif f["type"] == "delta":
            if f["seq"] <= self.book.seq:
                return
            if f["prev_seq"] != self.book.seq:
                self.errors.append(f"chain broken at {f['seq']}")
            for lv in _ws_levels(f["bids"]):
                self.book.set(BID, lv)
            for lv in _ws_levels(f["asks"]):
                self.book.set(ASK, lv)
            self.book.seq = f["seq"]
        else:
            return
        if self.book.checksum() != f["checksum"]:
            self.errors.append(f"checksum mismatch at {f['seq']}")


def test_websocket_public_channels_snapshot_deltas_checksums_and_garbage_frames(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    _, seller = funded_user(exchange, "1000")
    _, buyer = funded_user(exchange, "1000")
    watcher, noisy = WsClient(exchange), WsClient(exchange)
    try:
        watcher.send({"op": "subscribe", "id": 1, "channels": ["book", "trades"], "symbols": [symbol]})
        assert watcher.next(lambda f: f["type"] == "subscribed")["id"] == 1
        watcher.next(lambda f: f["type"] == "snapshot")

        # Garbage on another connection: an error frame for each, and that connection still works.
        for garbage in ("not json", "[1, 2]", b"\x00\x01", {"op": "dance"}, {"op": "subscribe", "channels": ["nope"],
                                                                               "symbols": [symbol]},
                        {"op": "subscribe", "channels": ["orders"]}, {"op": "auth", "token": "x.y.z"}):
            noisy.send(garbage)
        errors = [noisy.next(lambda f: f["type"] == "error") for _ in range(7)]
        assert [e["code"] for e in errors] == ["BAD_FRAME", "BAD_FRAME", "BAD_FRAME", "UNKNOWN_OP", "BAD_CHANNEL",
                                               "UNAUTHENTICATED", "UNAUTHENTICATED"]
        noisy.send({"op": "ping", "id": "p1"})
        assert noisy.next(lambda f: f["type"] == "pong")["id"] == "p1"

        resting(exchange, seller, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
        resting(exchange, buyer, limit_order(symbol, "BUY", "97.00", "2", leverage="10"))
        placed(exchange, buyer, limit_order(symbol, "BUY", "100.00", "0.3", leverage="10"))
        trade = watcher.next(lambda f: f["type"] == "trade")
        assert trade["symbol"] == symbol and Decimal(trade["trade"]["price"]) == 100
        assert "user_id" not in json_text(trade) and "order_id" not in json_text(trade)

        def settled():
            book = get_book(exchange, symbol)
            return book if _levels(book.get("asks", []))[:1] == [Level(Decimal(100), Decimal("0.7"), 1)] else None
        book = wait_for(settled)
        rebuilt = WsBook(symbol)
        for frame in list(watcher.seen):  # every frame so far, in order (the snapshot first)
            rebuilt.apply(frame)
        while rebuilt.book.seq < int(book["engine_seq"]):
            rebuilt.apply(watcher.next(lambda f: f.get("channel") == "book"))
        assert rebuilt.snapshots == 1
        assert rebuilt.errors == []
        assert rebuilt.book.bids() == _levels(book["bids"]) and rebuilt.book.asks() == _levels(book["asks"])

        # Unsubscribe: no more book frames for that symbol.
        watcher.send({"op": "unsubscribe", "id": 2, "channels": ["book", "trades"], "symbols": [symbol]})
        watcher.next(lambda f: f["type"] == "unsubscribed")
        resting(exchange, buyer, limit_order(symbol, "BUY", "96.00", "1", leverage="10"))
        time.sleep(1.0)
        assert [f for f in watcher.drain() if f.get("channel") == "book"] == []
    finally:
        watcher.close()
        noisy.close()


def json_text(frame) -> str:
    import json
    return json.dumps(frame)


def test_websocket_private_channels_show_each_user_only_their_own(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    first_id, first = funded_user(exchange, "1000")
    second_id, second = funded_user(exchange, "1000")
    _, counterparty = funded_user(exchange, "1000")
    a, b = WsClient(exchange), WsClient(exchange)
    try:
        for client, token, user_id in ((a, first, first_id), (b, second, second_id)):
            client.send({"op": "auth", "id": "a", "token": token})
            assert client.next(lambda f: f["type"] in ("authenticated", "error")) == {
                "type": "authenticated", "id": "a", "user_id": user_id}
            client.send({"op": "subscribe", "id": "s", "channels": ["orders", "fills"]})
            client.next(lambda f: f["type"] == "subscribed")
        time.sleep(1.0)  # the private upstream streams are open
        resting(exchange, counterparty, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
        order = placed(exchange, first, limit_order(symbol, "BUY", "100.00", "0.5", leverage="10"))
        fill = a.next(lambda f: f["type"] == "fill")
        assert fill["fill"]["order_id"] == order["order_id"] and fill["fill"]["user_id"] == first_id
        assert any(f["type"] == "order" and f["order"]["order_id"] == order["order_id"] for f in a.seen)
        # The second user also acts, and sees only that.
        own = resting(exchange, second, limit_order(symbol, "BUY", "95.00", "0.2", leverage="10"))
        b.next(lambda f: f["type"] == "order" and f["order"]["order_id"] == own["order_id"])
        time.sleep(1.0)
        frames_b = b.seen + b.drain()
        frames_a = a.seen + a.drain()
        private_b = [f for f in frames_b if f["type"] in ("order", "fill")]
        assert private_b and all(f[f["type"]]["user_id"] == second_id for f in private_b)
        assert all(f[f["type"]]["user_id"] == first_id for f in frames_a if f["type"] in ("order", "fill"))
        assert order["order_id"] not in json_text(frames_b)
    finally:
        a.close()
        b.close()


def test_ticker_carries_mark_index_and_funding_from_pricing(exchange, admins):
    from tests.e2e.test_prices import priced_instrument
    symbol = priced_instrument(exchange, admins, price="100")["symbol"]

    def priced():
        ticker = call(exchange.http_url, "GET", f"/v1/markets/{symbol}/ticker").body["ticker"]
        return ticker if ticker.get("mark_price") and ticker.get("index_price") and ticker.get("funding_rate") \
            else None
    ticker = wait_for(priced, timeout=60)
    assert Decimal(ticker["index_price"]) == 100
    assert abs(Decimal(ticker["mark_price"]) - 100) < 5
    assert int(ticker["next_funding_unix_ms"]) % (8 * 3600 * 1000) == 0
    listed = call(exchange.http_url, "GET", "/v1/markets/tickers").body["tickers"]
    assert symbol in [t["symbol"] for t in listed]
