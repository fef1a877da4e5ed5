"""The WebSocket gateway against a stand-in MarketDataService (no mesh needed): a client that stops
reading never delays the others, and is closed with code 4008 and a reason once its bounded queue
overflows (it holds trades, which cannot be rebuilt); a book-only slow client gets a resync
instead. Real sockets, the real gateway code."""
from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import grpc
import pytest
import websockets
from tradex.marketdata.v1 import marketdata_pb2 as pb
from tradex.marketdata.v1 import marketdata_pb2_grpc

from gateway import ws
from mesh.process import free_port
from services.platform.decimals import format_decimal
from services.platform.public_book import Level, PublicBook

SYMBOL = "WS-PERP"
LEVELS = 1500  # big frames (~25 KB), so the slow client's socket buffers fill quickly


class Upstream(marketdata_pb2_grpc.MarketDataServiceServicer):
    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.deltas = 0

    async def StreamOrderBook(self, request, context):
        yield pb.StreamOrderBookResponse(snapshot=pb.OrderBook(symbol=SYMBOL, engine_seq=0, checksum=0))
        await self.go.wait()
        variants = []  # every delta sets all levels to one quantity: 9 variants, computed once
        for q in range(1, 10):
            levels = [Level(Decimal(2000 - i), Decimal(q), 1) for i in range(LEVELS)]
            book = PublicBook.from_levels(SYMBOL, 0, levels, [])
            variants.append(([pb.PriceLevel(price=format_decimal(lv.price), quantity=format_decimal(lv.quantity),
                                            order_count=1) for lv in levels], book.checksum()))
        for seq in range(1, 400):
            levels, checksum = variants[seq % 9]
            yield pb.StreamOrderBookResponse(delta=pb.OrderBookDelta(
                symbol=SYMBOL, first_engine_seq=seq, last_engine_seq=seq, prev_last_engine_seq=seq - 1,
                checksum=checksum, bids=levels))
            self.deltas = seq
            await asyncio.sleep(0.002)
        await asyncio.sleep(3600)

    async def StreamTrades(self, request, context):
        await asyncio.sleep(3600)
        yield pb.StreamTradesResponse()


@pytest.mark.parametrize("slow_channels,expect_close", [(["book", "trades"], True), (["book"], False)])
async def test_slow_client_never_delays_others(monkeypatch, slow_channels, expect_close):
    monkeypatch.setattr(ws, "QUEUE_SIZE", 20)
    monkeypatch.setattr(ws, "FAST_PATH_BUFFER_BYTES", 64 * 1024)
    upstream = Upstream()
    server = grpc.aio.server()
    marketdata_pb2_grpc.add_MarketDataServiceServicer_to_server(upstream, server)
    grpc_port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    port, stop = free_port(), asyncio.Event()
    gateway = asyncio.create_task(ws.serve("127.0.0.1", port, f"127.0.0.1:{grpc_port}", None, stop))
    try:
        for _ in range(100):
            try:
                probe = await websockets.connect(f"ws://127.0.0.1:{port}")
                await probe.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        url = f"ws://127.0.0.1:{port}"
        # The slow client: its library buffers one message, then stops reading the socket.
        slow = await websockets.connect(url, max_queue=1, compression=None)
        await slow.send(json.dumps({"op": "subscribe", "channels": slow_channels, "symbols": [SYMBOL]}))
        fast = await websockets.connect(url, compression=None)
        await fast.send(json.dumps({"op": "subscribe", "channels": ["book"], "symbols": [SYMBOL]}))
        assert json.loads(await fast.recv())["type"] == "subscribed"
        assert json.loads(await fast.recv())["type"] == "snapshot"
        await asyncio.sleep(0.2)
        upstream.go.set()
        last, started = 0, time.monotonic()
        while last < 399:
            frame = json.loads(await asyncio.wait_for(fast.recv(), timeout=10))
            assert frame["type"] == "delta" and frame["prev_seq"] == last  # every delta, in order
            last = frame["seq"]
        assert time.monotonic() - started < 30
        # The slow client lost frames: closed with the reason (trades) or told to resync (book only).
        frames, code, reason = [], None, ""
        try:
            while True:
                frames.append(json.loads(await asyncio.wait_for(slow.recv(), timeout=5)))
        except websockets.ConnectionClosed as closed:
            code, reason = closed.rcvd.code if closed.rcvd else None, closed.rcvd.reason if closed.rcvd else ""
        except TimeoutError:
            pass
        if expect_close:
            assert code == ws.CLOSE_SLOW and "slow consumer" in reason
        else:
            assert code is None and any(f["type"] == "resync" for f in frames)
            assert frames[-1]["type"] in ("snapshot", "delta")
        await fast.close()
        if code is None:
            await slow.close()
    finally:
        stop.set()
        await asyncio.wait_for(gateway, timeout=10)
        await server.stop(0)
