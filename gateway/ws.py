"""The WebSocket market-data gateway (``python -m gateway.ws``), protocol in docs/WEBSOCKET.md.

Beside Envoy, and a client of it: every upstream is a gRPC stream through the edge
(``TRADEX_WS_UPSTREAM``, Envoy's port), so the gateway needs no mesh identity and the services see
ordinary edge traffic.

* Public channels (book, trades, ticker, candles, index, mark, funding) share ONE upstream stream
  per (channel, symbol) however many clients subscribe; its messages are encoded to JSON and
  framed once, and the same bytes go to every subscriber. The gateway keeps each subscribed book (snapshot + deltas, chain
  and checksum verified), so a new subscriber gets a snapshot at once and then the deltas.
* Private channels (orders, fills, positions, balances) need ``{"op": "auth", "token": <access JWT>}``
  first: the token is verified here (RS256 against the Auth JWKS, like services/platform/auth.py)
  and then forwarded on the connection's own upstream streams (OrderService.StreamOrderUpdates for
  orders and fills, PositionService.StreamPositionUpdates, WalletService.StreamBalanceUpdates),
  which only ever return the caller's own updates.
* Every client has a bounded send queue drained by its own writer task: a slow client never
  delays the others. When its queue overflows it loses what was queued; if it only holds
  resyncable channels (book, ticker, candles, index, mark, funding) it gets a ``resync`` frame and
  fresh snapshots (or the latest values), otherwise (trades or private channels: lost messages cannot be recovered) it is closed with
  code 4008 and the reason.
"""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import random
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import grpc
import websockets
from google.protobuf.json_format import MessageToDict
from tradex.marketdata.v1 import marketdata_pb2 as md_pb
from tradex.marketdata.v1 import marketdata_pb2_grpc
from tradex.order.v1 import order_pb2, order_pb2_grpc
from tradex.position.v1 import position_pb2, position_pb2_grpc
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc
from websockets.asyncio.server import broadcast as ws_broadcast
from websockets.protocol import State

from services.platform.auth import TokenVerifier
from services.platform.decimals import format_decimal
from services.platform.errors import Unauthenticated
from services.platform.gc_tuning import settle
from services.platform.public_book import ASK, BID, Level, PublicBook

log = logging.getLogger("gateway.ws")

PUBLIC_CHANNELS = ("book", "trades", "ticker", "candles", "index", "mark", "funding")
PRIVATE_CHANNELS = ("orders", "fills", "positions", "balances")
# The connection's own upstream stream behind each private channel (one per upstream, shared by
# the channels it feeds).
PRIVATE_UPSTREAMS = {"orders": "orders", "fills": "orders", "positions": "positions", "balances": "balances"}
RESYNCABLE = frozenset(("book", "ticker", "candles", "index", "mark", "funding"))
QUEUE_SIZE = int(os.environ.get("WS_QUEUE_SIZE", "1000"))
MAX_FRAME_BYTES = 64 * 1024
MAX_SUBSCRIPTIONS = 200
MAX_ERRORS = 50
# A frame is written straight to the socket (no queue, no task switch) while the client's queue is
# empty, its writer idle and its socket buffer below this; otherwise it goes through the queue.
FAST_PATH_BUFFER_BYTES = 256 * 1024
CLOSE_SLOW = 4008
CLOSE_KEEPALIVE = 1011
PING_INTERVAL_S = 20.0
PING_TIMEOUT_S = 20.0
CLOSE_TOO_MANY_ERRORS = 4009
UPSTREAM_RETRY_S = 1.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h
CANDLE_INTERVALS = {"1m": md_pb.CANDLE_INTERVAL_ONE_MINUTE, "5m": md_pb.CANDLE_INTERVAL_FIVE_MINUTES,
                    "15m": md_pb.CANDLE_INTERVAL_FIFTEEN_MINUTES, "1h": md_pb.CANDLE_INTERVAL_ONE_HOUR,
                    "4h": md_pb.CANDLE_INTERVAL_FOUR_HOURS, "1d": md_pb.CANDLE_INTERVAL_ONE_DAY}


def _dumps(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"))


def _levels_json(levels: list[Level]) -> list[list]:
    return [[format_decimal(lv.price), format_decimal(lv.quantity), lv.order_count] for lv in levels]


def _pb_levels(levels) -> list[Level]:
    return [Level(Decimal(lv.price), Decimal(lv.quantity), lv.order_count) for lv in levels]


def text_frame(text: str) -> bytes:
    """`text` as one unfragmented, unmasked WebSocket text frame (RFC 6455 5.2), the bytes a server
    with no extension writes: the same for every connection, so a broadcast builds it once."""
    payload = text.encode()
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return bytes((0x81, 126)) + n.to_bytes(2, "big") + payload
    return bytes((0x81, 127)) + n.to_bytes(8, "big") + payload


def _message(msg) -> dict:
    return MessageToDict(msg, preserving_proto_field_name=True)


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ------------------------------------------------------------------------------------- clients


@dataclass(eq=False)
class Client:
    ws: object
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    topics: set = field(default_factory=set)  # (channel, symbol)
    user_id: str | None = None
    token: str | None = None
    private: set = field(default_factory=set)  # subscribed private channels
    private_symbols: set = field(default_factory=set)  # empty: all symbols
    private_tasks: dict = field(default_factory=dict)  # upstream name -> task
    errors: int = 0
    closing: str | None = None
    sending: bool = False  # the writer task is in the middle of a send

    def fast(self) -> bool:
        """Whether a frame may be written to the socket directly, in order and without blocking:
        nothing queued or being sent by the writer, the connection open, its socket buffer small."""
        ws = self.ws
        if ws is None or self.closing or self.sending or not self.queue.empty() or ws.protocol.state is not State.OPEN:
            return False
        return ws.transport.get_write_buffer_size() < FAST_PATH_BUFFER_BYTES

    def write_now(self, frame: str, raw: bytes) -> None:
        """Writes a frame on the fast path: `raw` is `text_frame(frame)`, written as is when the
        connection negotiated no extension (the gateway offers none), else framed by websockets."""
        if self.ws.protocol.extensions:
            ws_broadcast([self.ws], frame)
        else:
            self.ws.transport.write(raw)

    def send(self, frame: str | tuple) -> None:
        """Sends or queues a frame (never blocks). Overflow: resync or close (module docstring)."""
        if self.closing:
            return
        if isinstance(frame, str) and self.fast():
            self.write_now(frame, text_frame(frame))
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            channels = {c for c, _ in self.topics} | self.private
            if channels <= RESYNCABLE:
                self.queue.put_nowait(("resync",))
            else:
                self.close(f"slow consumer: more than {QUEUE_SIZE} frames behind")

    def close(self, reason: str) -> None:
        """Closes after what is queued (dropped if the queue is full) with ``reason``."""
        if self.closing:
            return
        if self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
        self.closing = reason
        self.queue.put_nowait(("close",))


# ------------------------------------------------------------------------------------- upstreams


# channel -> (MarketDataService RPC, its request, the response's field)
PRICE_STREAMS = {
    "index": ("StreamIndexPrice", md_pb.StreamIndexPriceRequest, "index_price"),
    "mark": ("StreamMarkPrice", md_pb.StreamMarkPriceRequest, "mark_price"),
    "funding": ("StreamFundingRate", md_pb.StreamFundingRateRequest, "funding_rate"),
}


class Topic:
    """One public (channel, symbol): its subscribers and its single upstream stream."""

    def __init__(self, hub: Hub, channel: str, symbol: str) -> None:
        self.hub = hub
        self.channel = channel
        self.symbol = symbol
        self.clients: set[Client] = set()
        self.book: PublicBook | None = None
        self.last: str | None = None  # the latest ticker/candle frame (sent to new subscribers)
        self.task = asyncio.get_running_loop().create_task(self._run())

    def add(self, client: Client) -> None:
        self.clients.add(client)
        initial = self.initial_frame()
        if initial is not None:
            client.send(initial)

    def initial_frame(self) -> str | None:
        if self.channel == "book":
            return self.snapshot_frame() if self.book is not None else None
        return self.last

    def snapshot_frame(self) -> str:
        b = self.book
        return _dumps({"type": "snapshot", "channel": "book", "symbol": self.symbol, "seq": b.seq,
                       "checksum": b.checksum(), "bids": _levels_json(b.bids()), "asks": _levels_json(b.asks())})

    def broadcast(self, frame: str) -> None:
        """The frame is encoded once (JSON, then WebSocket framing); idle clients get the same bytes
        written to their socket at once, the others queued."""
        raw = None
        for client in list(self.clients):
            if client.fast():
                if raw is None:
                    raw = text_frame(frame)
                client.write_now(frame, raw)
            else:
                client.send(frame)

    async def _run(self) -> None:
        while True:
            try:
                await self._stream()
            except asyncio.CancelledError:
                raise
            except grpc.aio.AioRpcError as exc:
                log.warning("upstream %s %s ended: %s %s", self.channel, self.symbol, exc.code().name, exc.details())
            except Exception:  # noqa: BLE001 - the stream restarts; subscribers get a fresh snapshot
                log.exception("upstream %s %s failed", self.channel, self.symbol)
            self.book = None
            await asyncio.sleep(UPSTREAM_RETRY_S)

    async def _stream(self) -> None:
        stub = self.hub.md_stub
        if self.channel == "book":
            async for message in stub.StreamOrderBook(md_pb.StreamOrderBookRequest(symbol=self.symbol)):
                self._on_book(message)
        elif self.channel == "trades":
            async for message in stub.StreamTrades(md_pb.StreamTradesRequest(symbol=self.symbol)):
                self.broadcast(_dumps({"type": "trade", "channel": "trades", "symbol": self.symbol,
                                       "trade": _message(message.trade)}))
        elif self.channel == "ticker":
            async for message in stub.StreamTicker(md_pb.StreamTickerRequest(symbol=self.symbol)):
                self.last = _dumps({"type": "ticker", "channel": "ticker", "symbol": self.symbol,
                                    "ticker": _message(message.ticker)})
                self.broadcast(self.last)
        elif self.channel in PRICE_STREAMS:
            rpc, request_class, field_name = PRICE_STREAMS[self.channel]
            async for message in getattr(stub, rpc)(request_class(symbol=self.symbol)):
                self.last = _dumps({"type": self.channel, "channel": self.channel, "symbol": self.symbol,
                                    self.channel: _message(getattr(message, field_name))})
                self.broadcast(self.last)
        else:  # candles:<interval>
            symbol, _, interval = self.symbol.partition("@")
            request = md_pb.StreamCandlesRequest(symbol=symbol, interval=CANDLE_INTERVALS[interval])
            async for message in stub.StreamCandles(request):
                self.last = _dumps({"type": "candle", "channel": "candles", "symbol": symbol, "interval": interval,
                                    "candle": _message(message.candle)})
                self.broadcast(self.last)

    def _on_book(self, message: md_pb.StreamOrderBookResponse) -> None:
        if message.HasField("snapshot"):
            s = message.snapshot
            self.book = PublicBook.from_levels(self.symbol, s.engine_seq, _pb_levels(s.bids), _pb_levels(s.asks),
                                               s.updated_at_unix_ms)
            if self.book.checksum() != s.checksum:
                raise RuntimeError(f"upstream snapshot checksum mismatch at {s.engine_seq}")
            self.broadcast(self.snapshot_frame())
            return
        d = message.delta
        if self.book is None or d.last_engine_seq <= self.book.seq:
            return
        if d.prev_last_engine_seq != self.book.seq:
            raise RuntimeError(f"upstream chain broken: held {self.book.seq}, delta prev {d.prev_last_engine_seq}")
        bids, asks = _pb_levels(d.bids), _pb_levels(d.asks)
        for lv in bids:
            self.book.set(BID, lv)
        for lv in asks:
            self.book.set(ASK, lv)
        self.book.seq = d.last_engine_seq
        if self.book.checksum() != d.checksum:
            raise RuntimeError(f"upstream delta checksum mismatch at {d.last_engine_seq}")
        self.broadcast(_dumps({"type": "delta", "channel": "book", "symbol": self.symbol,
                               "first_seq": d.first_engine_seq, "seq": d.last_engine_seq,
                               "prev_seq": d.prev_last_engine_seq, "checksum": d.checksum,
                               "bids": _levels_json(bids), "asks": _levels_json(asks)}))


class Hub:
    def __init__(self, upstream: str, verifier: TokenVerifier | None) -> None:
        self.channel = grpc.aio.insecure_channel(upstream)
        self.md_stub = marketdata_pb2_grpc.MarketDataServiceStub(self.channel)
        self.order_stub = order_pb2_grpc.OrderServiceStub(self.channel)
        self.position_stub = position_pb2_grpc.PositionServiceStub(self.channel)
        self.wallet_stub = wallet_pb2_grpc.WalletServiceStub(self.channel)
        self.verifier = verifier
        self.topics: dict[tuple[str, str], Topic] = {}
        self.connections = 0

    def subscribe(self, client: Client, channel: str, symbol: str) -> None:
        key = (channel, symbol)
        if key in client.topics:
            return
        topic = self.topics.get(key)
        if topic is None:
            topic = self.topics[key] = Topic(self, channel, symbol)
        client.topics.add(key)
        topic.add(client)

    def unsubscribe(self, client: Client, key: tuple[str, str]) -> None:
        client.topics.discard(key)
        topic = self.topics.get(key)
        if topic is None:
            return
        topic.clients.discard(client)
        if not topic.clients:
            topic.task.cancel()
            del self.topics[key]

    def resync(self, client: Client) -> None:
        for key in client.topics:
            topic = self.topics.get(key)
            frame = topic.initial_frame() if topic else None
            if frame is not None:
                client.send(frame)

    async def close(self) -> None:
        for topic in self.topics.values():
            topic.task.cancel()
        await self.channel.close()


# ------------------------------------------------------------------------------------- connection


def _list(frame: dict, name: str) -> list[str]:
    value = frame.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in value):
        raise ProtocolError("BAD_FRAME", f"{name} must be a list of non-empty strings")
    return value


class Connection:
    def __init__(self, hub: Hub, ws) -> None:
        self.hub = hub
        self.ws = ws
        self.client = Client(ws)
        self._ops: dict[str, Callable] = {
            "subscribe": self.op_subscribe, "unsubscribe": self.op_unsubscribe, "auth": self.op_auth,
            "ping": self.op_ping,
        }

    async def run(self) -> None:
        writer = asyncio.get_running_loop().create_task(self._write())
        keepalive = asyncio.get_running_loop().create_task(self._keepalive())
        self.hub.connections += 1
        try:
            async for raw in self.ws:
                self._handle(raw)
                if self.client.closing:
                    break
        except websockets.ConnectionClosed:
            pass
        finally:
            keepalive.cancel()
            self.hub.connections -= 1
            for key in list(self.client.topics):
                self.hub.unsubscribe(self.client, key)
            for task in self.client.private_tasks.values():
                task.cancel()
            if not self.client.closing:
                writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, websockets.ConnectionClosed):
                await writer

    async def _keepalive(self) -> None:
        """A WebSocket ping every PING_INTERVAL_S, from a random phase: clients that connected
        together (a reconnect storm after a restart, a benchmark's subscribers) would otherwise all
        be pinged in the same instant every interval, a CPU burst that delays the frames sent then.
        No pong within PING_TIMEOUT_S closes the connection (1011)."""
        with contextlib.suppress(websockets.ConnectionClosed):
            await asyncio.sleep(random.uniform(0, PING_INTERVAL_S))
            while True:
                pong = await self.ws.ping()
                try:
                    async with asyncio.timeout(PING_TIMEOUT_S):
                        await pong
                except TimeoutError:
                    await self.ws.close(CLOSE_KEEPALIVE, "keepalive ping timeout")
                    return
                await asyncio.sleep(PING_INTERVAL_S)

    async def _write(self) -> None:
        client = self.client
        while True:
            frame = await client.queue.get()
            if isinstance(frame, tuple):
                if frame[0] == "close":
                    await self.ws.close(CLOSE_SLOW if "slow" in (client.closing or "") else CLOSE_TOO_MANY_ERRORS,
                                        client.closing or "closing")
                    return
                await self.ws.send(_dumps({"type": "resync", "reason": "slow consumer: queue overflowed, "
                                                                          "fresh snapshots follow"}))
                self.hub.resync(client)
                continue
            client.sending = True
            try:
                await self.ws.send(frame)
            finally:
                client.sending = False

    def _error(self, code: str, message: str, request_id=None) -> None:
        self.client.errors += 1
        frame = {"type": "error", "code": code, "message": message}
        if request_id is not None:
            frame["id"] = request_id
        self.client.send(_dumps(frame))
        if self.client.errors >= MAX_ERRORS:
            self.client.close(f"too many bad frames ({MAX_ERRORS})")

    def _handle(self, raw) -> None:
        request_id = None
        try:
            if isinstance(raw, bytes):
                raise ProtocolError("BAD_FRAME", "frames are JSON text, not binary")
            try:
                frame = json.loads(raw)
            except ValueError:
                raise ProtocolError("BAD_FRAME", "not JSON") from None
            if not isinstance(frame, dict):
                raise ProtocolError("BAD_FRAME", "a frame is a JSON object")
            request_id = frame.get("id")
            if request_id is not None and not isinstance(request_id, (int, str)):
                request_id = None
                raise ProtocolError("BAD_FRAME", "id must be a number or a string")
            op = self._ops.get(frame.get("op"))
            if op is None:
                raise ProtocolError("UNKNOWN_OP", f"op must be one of {sorted(self._ops)}")
            op(frame, request_id)
        except ProtocolError as exc:
            self._error(exc.code, exc.message, request_id)

    def _ack(self, kind: str, request_id, **extra) -> None:
        frame = {"type": kind, **extra}
        if request_id is not None:
            frame["id"] = request_id
        self.client.send(_dumps(frame))

    def _public_keys(self, frame: dict) -> list[tuple[str, str]]:
        channels, symbols = _list(frame, "channels"), _list(frame, "symbols")
        interval = frame.get("interval", "1m")
        keys = []
        for channel in channels:
            if channel in PRIVATE_CHANNELS:
                continue
            if channel not in PUBLIC_CHANNELS:
                raise ProtocolError("BAD_CHANNEL", f"unknown channel {channel!r}: one of "
                                                   f"{list(PUBLIC_CHANNELS) + list(PRIVATE_CHANNELS)}")
            if not symbols:
                raise ProtocolError("BAD_FRAME", f"channel {channel!r} needs symbols")
            if channel == "candles" and interval not in CANDLE_INTERVALS:
                raise ProtocolError("BAD_FRAME", f"interval must be one of {list(CANDLE_INTERVALS)}")
            for symbol in symbols:
                keys.append((channel, f"{symbol}@{interval}" if channel == "candles" else symbol))
        return keys

    def op_subscribe(self, frame: dict, request_id) -> None:
        keys = self._public_keys(frame)
        private = [c for c in _list(frame, "channels") if c in PRIVATE_CHANNELS]
        if private and self.client.user_id is None:
            raise ProtocolError("UNAUTHENTICATED", "private channels need {\"op\":\"auth\",\"token\":...} first")
        if len(self.client.topics) + len(keys) > MAX_SUBSCRIPTIONS:
            raise ProtocolError("TOO_MANY_SUBSCRIPTIONS", f"at most {MAX_SUBSCRIPTIONS} subscriptions per connection")
        # The ack first, so that it precedes the snapshots queued by the subscriptions.
        self._ack("subscribed", request_id, channels=_list(frame, "channels"), symbols=_list(frame, "symbols"))
        for channel, symbol in keys:
            self.hub.subscribe(self.client, channel, symbol)
        if private:
            self.client.private.update(private)
            self.client.private_symbols.update(_list(frame, "symbols"))
            for upstream in {PRIVATE_UPSTREAMS[c] for c in private}:
                task = self.client.private_tasks.get(upstream)
                if task is None or task.done():  # done: refused (e.g. an expired token) before
                    self.client.private_tasks[upstream] = asyncio.get_running_loop().create_task(
                        self._private(upstream))

    def op_unsubscribe(self, frame: dict, request_id) -> None:
        keys = self._public_keys(frame)
        for key in keys:
            self.hub.unsubscribe(self.client, key)
        for channel in _list(frame, "channels"):
            self.client.private.discard(channel)
        wanted = {PRIVATE_UPSTREAMS[c] for c in self.client.private}
        for upstream in [u for u in self.client.private_tasks if u not in wanted]:
            self.client.private_tasks.pop(upstream).cancel()
        self._ack("unsubscribed", request_id, channels=_list(frame, "channels"), symbols=_list(frame, "symbols"))

    def op_auth(self, frame: dict, request_id) -> None:
        token = frame.get("token")
        if not isinstance(token, str) or not token:
            raise ProtocolError("BAD_FRAME", "token must be the access JWT")
        if self.hub.verifier is None:
            raise ProtocolError("UNAVAILABLE", "this gateway has no JWKS configured")
        try:
            principal = self.hub.verifier.verify(token)
        except Unauthenticated as exc:
            raise ProtocolError("UNAUTHENTICATED", exc.message) from None
        if self.client.user_id is not None and self.client.user_id != principal.subject:
            raise ProtocolError("BAD_FRAME", "this connection is already signed in as another user")
        self.client.user_id, self.client.token = principal.subject, token
        self._ack("authenticated", request_id, user_id=principal.subject)

    def op_ping(self, frame: dict, request_id) -> None:
        self._ack("pong", request_id)

    def _private_call(self, upstream: str):
        metadata = (("authorization", f"Bearer {self.client.token}"),)
        if upstream == "orders":
            return self.hub.order_stub.StreamOrderUpdates(order_pb2.StreamOrderUpdatesRequest(), metadata=metadata)
        if upstream == "positions":
            return self.hub.position_stub.StreamPositionUpdates(position_pb2.StreamPositionUpdatesRequest(),
                                                                metadata=metadata)
        return self.hub.wallet_stub.StreamBalanceUpdates(wallet_pb2.StreamBalanceUpdatesRequest(), metadata=metadata)

    def _forward(self, upstream: str, update) -> None:
        client = self.client
        if upstream == "balances":  # per asset; `symbols` does not filter balances
            if "balances" in client.private:
                client.send(_dumps({"type": "balance", "channel": "balances", "asset": update.balance.asset,
                                    **_message(update)}))
            return
        symbol = update.order.symbol if upstream == "orders" else update.position.symbol
        if client.private_symbols and symbol not in client.private_symbols:
            return
        if upstream == "positions":
            if "positions" in client.private:
                client.send(_dumps({"type": "position", "channel": "positions", "symbol": symbol,
                                    **_message(update), "closed": update.closed}))
            return
        if "orders" in client.private:
            client.send(_dumps({"type": "order", "channel": "orders", "symbol": symbol,
                                "order": _message(update.order)}))
        if "fills" in client.private and update.HasField("fill"):
            client.send(_dumps({"type": "fill", "channel": "fills", "symbol": symbol,
                                "fill": _message(update.fill)}))

    async def _private(self, upstream: str) -> None:
        """The caller's own updates from one upstream stream, with the connection's token."""
        client = self.client
        while True:
            try:
                async for update in self._private_call(upstream):
                    self._forward(upstream, update)
            except asyncio.CancelledError:
                raise
            except grpc.aio.AioRpcError as exc:
                client.send(_dumps({"type": "error", "code": exc.code().name, "channel": upstream,
                                    "message": f"private stream ended: {exc.details()}"}))
                if exc.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
                    return
            await asyncio.sleep(UPSTREAM_RETRY_S)


# ------------------------------------------------------------------------------------- process


def _verifier() -> TokenVerifier | None:
    path = os.environ.get("TRADEX_JWKS_FILE")
    if not path:
        return None
    return TokenVerifier.from_file(path, os.environ.get("TRADEX_JWT_ISSUER", "tradex-auth"),
                                   os.environ.get("TRADEX_JWT_AUDIENCE", "tradex"))


async def serve(host: str, port: int, upstream: str, verifier: TokenVerifier | None,
                stop: asyncio.Event, *, reuse_port: bool = False) -> None:
    hub = Hub(upstream, verifier)

    async def handler(ws) -> None:
        await Connection(hub, ws).run()

    # No permessage-deflate: the same frame goes to every subscriber, and compressing it once per
    # connection (each has its own zlib context) would cost more CPU than the fan-out itself.
    async with websockets.serve(handler, host, port, max_size=MAX_FRAME_BYTES, ping_interval=None,
                                max_queue=64, compression=None, reuse_port=reuse_port) as server:
        bound = next(iter(server.sockets)).getsockname()[1]
        log.info("WebSocket gateway on ws://%s:%d (upstream %s, pid %d)", host, bound, upstream, os.getpid())
        settle()
        await stop.wait()
    await hub.close()


def _workers(port: int) -> int:
    """WS_WORKERS processes share the port (SO_REUSEPORT; the kernel spreads connections over them),
    so a broadcast's socket writes run on every core at once: one process writing a frame to 1,000
    sockets is ~10 ms of one core, which was most of the fan-out's tail. Default: one per core, at
    most 2. A port chosen by the OS (0) cannot be shared: one worker."""
    if port == 0:
        return 1
    default = min(2, os.cpu_count() or 1)
    return max(1, int(os.environ.get("WS_WORKERS", str(default))))


def _fork_workers(count: int) -> list[int]:
    """Forks count - 1 worker processes (before any event loop or gRPC channel exists); returns their
    pids in the parent and [] in a worker. A worker gets SIGTERM when the parent dies (Linux
    PR_SET_PDEATHSIG), so stopping the supervised parent by its PID stops them all."""
    parent = os.getpid()
    children = []
    for _ in range(count - 1):
        pid = os.fork()
        if pid == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the parent died before prctl
                os._exit(0)
            return []
        children.append(pid)
    return children


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("websockets").setLevel(logging.WARNING)  # not a line per connection
    port = int(os.environ.get("WS_PORT", "8090"))
    upstream = os.environ.get("TRADEX_WS_UPSTREAM", "127.0.0.1:8080")
    workers = _workers(port)
    children = _fork_workers(workers)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(os.environ.get("WS_HOST", "127.0.0.1"), port, upstream, _verifier(), stop,
                    reuse_port=workers > 1)

    try:
        asyncio.run(run())
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
