"""The WebSocket gateway's per-client logic without sockets: error frames for bad frames, the
bounded queue (resync for book-only clients, close for clients with trades), ping/pong."""
from __future__ import annotations

import asyncio
import json

import pytest

from gateway import ws


class FakeHub:
    verifier = None

    def __init__(self) -> None:
        self.subscribed = []

    def subscribe(self, client, channel, symbol):
        client.topics.add((channel, symbol))
        self.subscribed.append((channel, symbol))

    def unsubscribe(self, client, key):
        client.topics.discard(key)


def _frames(client: ws.Client) -> list:
    out = []
    while not client.queue.empty():
        item = client.queue.get_nowait()
        out.append(json.loads(item) if isinstance(item, str) else item)
    return out


@pytest.fixture
def conn():
    async def make():
        return ws.Connection(FakeHub(), ws=None)
    return asyncio.run(make())


def test_bad_frames_get_error_frames_and_the_connection_keeps_serving(conn):
    for raw in ("nope", "[1]", b"\x00", json.dumps({"op": "x", "id": 7}),
                json.dumps({"op": "subscribe", "channels": ["weird"], "symbols": ["A"]}),
                json.dumps({"op": "subscribe", "channels": ["fills"]}),
                json.dumps({"op": "subscribe", "channels": "book", "symbols": [1]}),
                json.dumps({"op": "auth", "token": "t"})):
        conn._handle(raw)
    codes = [(f["type"], f["code"]) for f in _frames(conn.client)]
    assert codes == [("error", "BAD_FRAME"), ("error", "BAD_FRAME"), ("error", "BAD_FRAME"), ("error", "UNKNOWN_OP"),
                     ("error", "BAD_CHANNEL"), ("error", "UNAUTHENTICATED"), ("error", "BAD_FRAME"),
                     ("error", "UNAVAILABLE")]
    conn._handle(json.dumps({"op": "ping", "id": 7}))
    conn._handle(json.dumps({"op": "subscribe", "id": 1, "channels": ["book", "trades"], "symbols": ["A", "B"]}))
    frames = _frames(conn.client)
    assert frames[0] == {"type": "pong", "id": 7} and frames[1]["type"] == "subscribed"
    assert sorted(conn.hub.subscribed) == [("book", "A"), ("book", "B"), ("trades", "A"), ("trades", "B")]
    assert conn.client.closing is None


def test_too_many_errors_close_the_connection(conn):
    for _ in range(ws.MAX_ERRORS):
        conn._handle("garbage")
    assert conn.client.closing and "too many bad frames" in conn.client.closing
    assert _frames(conn.client)[-1] == ("close",)


def test_overflow_resyncs_a_book_only_client_and_closes_one_with_trades(monkeypatch):
    async def scenario():
        book_only = ws.Client(ws=None, queue=asyncio.Queue(3))
        book_only.topics.add(("book", "A"))
        with_trades = ws.Client(ws=None, queue=asyncio.Queue(3))
        with_trades.topics.update({("book", "A"), ("trades", "A")})
        for client in (book_only, with_trades):
            for i in range(5):
                client.send(f'{{"n":{i}}}')
        return _frames(book_only), _frames(with_trades), with_trades.closing

    book_frames, trade_frames, closing = asyncio.run(scenario())
    # Book-only: the backlog is dropped, a resync marker, then what came after it.
    assert book_frames == [("resync",), {"n": 4}]
    # With trades: lost trades cannot be rebuilt, so the client is closed with a reason.
    assert trade_frames == [("close",)] and "slow consumer" in closing


def test_private_position_and_balance_frames_follow_the_subscription(conn):
    from tradex.position.v1 import position_pb2
    from tradex.wallet.v1 import wallet_pb2
    conn._handle(json.dumps({"op": "subscribe", "channels": ["positions", "balances"]}))
    assert [f["code"] for f in _frames(conn.client)] == ["UNAUTHENTICATED"]
    conn.client.user_id, conn.client.token = "u1", "t"
    conn.client.private.update({"positions", "balances"})
    conn.client.private_symbols.add("A-PERP")
    conn._forward("positions", position_pb2.StreamPositionUpdatesResponse(
        position=position_pb2.Position(user_id="u1", symbol="A-PERP", size="0", version=3), closed=True,
        trade_id="A-PERP:9"))
    conn._forward("positions", position_pb2.StreamPositionUpdatesResponse(
        position=position_pb2.Position(user_id="u1", symbol="B-PERP", size="1")))  # not subscribed
    conn._forward("balances", wallet_pb2.StreamBalanceUpdatesResponse(
        balance=wallet_pb2.Balance(user_id="u1", asset="USDT", available="5", version=7), reference_id="r"))
    position, balance = _frames(conn.client)
    assert position == {"type": "position", "channel": "positions", "symbol": "A-PERP", "closed": True,
                        "trade_id": "A-PERP:9", "position": {"user_id": "u1", "symbol": "A-PERP", "size": "0",
                                                             "version": "3"}}
    assert balance["type"] == "balance" and balance["channel"] == "balances" and balance["asset"] == "USDT"
    assert balance["balance"]["available"] == "5" and balance["reference_id"] == "r"
    conn.client.private.discard("positions")  # unsubscribed: nothing more
    conn._forward("positions", position_pb2.StreamPositionUpdatesResponse(
        position=position_pb2.Position(user_id="u1", symbol="A-PERP", size="2")))
    assert _frames(conn.client) == []


def test_text_frame_is_byte_for_byte_what_websockets_writes():
    from websockets.frames import Frame, Opcode
    for size in (0, 1, 125, 126, 127, 65535, 65536, 70000):
        text = ("é" * size)[:size] if size < 200 else "x" * size
        assert ws.text_frame(text) == Frame(Opcode.TEXT, text.encode()).serialize(mask=False), size


class SilentPeer:
    """A connection whose peer never answers pings (the WebSocket side of ws.Connection)."""

    def __init__(self) -> None:
        self.pings = 0
        self.closed = None

    async def ping(self):
        self.pings += 1
        return asyncio.get_running_loop().create_future()  # no pong, ever

    async def close(self, code, reason):
        self.closed = (code, reason)


class AnsweringPeer(SilentPeer):
    async def ping(self):
        self.pings += 1
        pong = asyncio.get_running_loop().create_future()
        pong.set_result(0.001)
        return pong


def test_keepalive_pings_from_a_random_phase_and_closes_a_silent_peer(monkeypatch):
    monkeypatch.setattr(ws, "PING_INTERVAL_S", 0.05)
    monkeypatch.setattr(ws, "PING_TIMEOUT_S", 0.05)
    phases = []
    monkeypatch.setattr(ws.random, "uniform", lambda a, b: phases.append((a, b)) or b / 2)

    async def scenario():
        silent, answering = SilentPeer(), AnsweringPeer()
        await asyncio.wait_for(ws.Connection(FakeHub(), silent)._keepalive(), 1.0)
        assert silent.pings == 1 and silent.closed == (ws.CLOSE_KEEPALIVE, "keepalive ping timeout")
        alive = asyncio.get_running_loop().create_task(ws.Connection(FakeHub(), answering)._keepalive())
        await asyncio.sleep(0.3)
        assert answering.pings >= 3 and answering.closed is None  # pongs keep it open
        alive.cancel()

    asyncio.run(scenario())
    assert phases[0] == (0, 0.05)  # the first ping is at a random point of the interval
