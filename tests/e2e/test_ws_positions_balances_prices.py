"""Issue 11's last WebSocket channels, end to end through the gateway and Envoy (real PostgreSQL,
Kafka, services): the private positions and balances channels show each user only their own
updates (fed by PositionService.StreamPositionUpdates / WalletService.StreamBalanceUpdates with the
connection's token), the public index / mark / funding channels deliver what pricing publishes
(fed by MarketDataService.Stream{IndexPrice,MarkPrice,FundingRate}), and the new gRPC streams
refuse a caller without a token."""
from __future__ import annotations

import queue
import threading
import time
import uuid
from decimal import Decimal

import grpc
import pytest
from tradex.marketdata.v1 import events_pb2 as md_events
from tradex.marketdata.v1 import marketdata_pb2 as md_pb
from tradex.position.v1 import position_pb2, position_pb2_grpc
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc
from tradex_sdk import Client

from services.platform.ids import now_ms
from tests.e2e.order_support import approved_instrument, funded_user, limit_order, placed, resting
from tests.e2e.test_market_data import WsClient, json_text
from tests.e2e.wallet_support import produce

pytestmark = pytest.mark.e2e


def _auth_and_subscribe(client: WsClient, token: str, user_id: str, channels: list[str]) -> None:
    client.send({"op": "auth", "id": "a", "token": token})
    assert client.next(lambda f: f["type"] in ("authenticated", "error")) == {
        "type": "authenticated", "id": "a", "user_id": user_id}
    client.send({"op": "subscribe", "id": "s", "channels": channels})
    assert client.next(lambda f: f["type"] in ("subscribed", "error"))["type"] == "subscribed"


def _first_of(stream) -> queue.Queue:
    """Takes the first item of a blocking SDK stream on a thread."""
    out: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: out.put(next(stream)), daemon=True).start()
    return out


def test_positions_and_balances_channels_show_each_user_only_their_own(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    a_id, a_token = funded_user(exchange, "1000")
    b_id, b_token = funded_user(exchange, "1000")
    _, counterparty = funded_user(exchange, "1000")
    a, b = WsClient(exchange), WsClient(exchange)
    sdk_a = Client(exchange.grpc_target, access_token=a_token)  # the SDK's view of the same streams
    try:
        _auth_and_subscribe(a, a_token, a_id, ["positions", "balances"])
        _auth_and_subscribe(b, b_token, b_id, ["positions", "balances"])
        sdk_position = _first_of(sdk_a.positions.stream_updates(symbol))
        sdk_balance = _first_of(sdk_a.wallet.stream_balances("USDT"))
        time.sleep(1.5)  # the private upstream streams are open

        # A buys 0.5 from the counterparty: A's position opens, A's balances move (lock, settlement).
        resting(exchange, counterparty, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
        placed(exchange, a_token, limit_order(symbol, "BUY", "100.00", "0.5", leverage="10"))
        opened = a.next(lambda f: f["type"] == "position", timeout=30)
        assert opened["channel"] == "positions" and opened["symbol"] == symbol and opened["closed"] is False
        assert opened["position"]["user_id"] == a_id and Decimal(opened["position"]["size"]) == Decimal("0.5")
        assert opened["position"]["side"] == "POSITION_SIDE_LONG" and opened["trade_id"]
        balance = a.next(lambda f: f["type"] == "balance" and Decimal(f["balance"].get("position_margin", "0")) > 0,
                         timeout=30)
        assert balance["channel"] == "balances" and balance["asset"] == "USDT"
        assert balance["balance"]["user_id"] == a_id and balance["journal_entry_id"] and balance["kind"]
        streamed = sdk_position.get(timeout=30)
        assert streamed.position.user_id == a_id and streamed.position.size == Decimal("0.5") and not streamed.closed
        streamed_balance = sdk_balance.get(timeout=30)
        assert streamed_balance.balance.user_id == a_id and streamed_balance.balance.asset == "USDT"

        # A closes: a closed position update.
        resting(exchange, counterparty, limit_order(symbol, "BUY", "100.00", "0.5", leverage="10"))
        placed(exchange, a_token, limit_order(symbol, "SELL", "100.00", "0.5", leverage="10", reduce_only=True))
        closed = a.next(lambda f: f["type"] == "position" and f["closed"], timeout=30)
        assert closed["position"]["user_id"] == a_id and Decimal(closed["position"]["size"]) == 0
        assert closed["position"]["side"] == "POSITION_SIDE_LONG"

        # B acts too (a resting bid locks margin) and sees that, never A's.
        resting(exchange, b_token, limit_order(symbol, "BUY", "90.00", "0.2", leverage="10"))
        b.next(lambda f: f["type"] == "balance" and Decimal(f["balance"].get("locked", "0")) > 0, timeout=30)
        time.sleep(1.0)  # anything of A's that could still reach B has had the time to
        frames_a, frames_b = a.seen + a.drain(), b.seen + b.drain()
        private_b = [f for f in frames_b if f["type"] in ("position", "balance")]
        assert private_b and all(f[f["type"]]["user_id"] == b_id for f in private_b)
        assert a_id not in json_text(frames_b)
        private_a = [f for f in frames_a if f["type"] in ("position", "balance")]
        assert all(f[f["type"]]["user_id"] == a_id for f in private_a)
        assert b_id not in json_text(frames_a)
        # Versions only grow per (symbol / asset) on each user's channel.
        versions = [int(f["position"]["version"]) for f in private_a if f["type"] == "position"]
        assert versions == sorted(versions) and len(versions) >= 2
    finally:
        a.close()
        b.close()
        sdk_a.close()


def _index(symbol: str, price: str, at: int) -> md_events.IndexPriceUpdated:
    return md_events.IndexPriceUpdated(index_price=md_pb.IndexPrice(
        symbol=symbol, price=price, computed_at_unix_ms=at, components=[md_pb.IndexComponent(
            exchange="binance", symbol=symbol, price=price, weight="1", effective_weight="1", fetched_at_unix_ms=at)]))


def _mark(symbol: str, price: str, at: int) -> md_events.MarkPriceUpdated:
    return md_events.MarkPriceUpdated(mark_price=md_pb.MarkPrice(
        symbol=symbol, mark_price=price, index_price="100", basis=str(Decimal(price) - 100), computed_at_unix_ms=at))


def _funding(symbol: str, rate: str, at: int) -> md_events.FundingRateUpdated:
    return md_events.FundingRateUpdated(funding_rate=md_pb.FundingRateEstimate(
        symbol=symbol, funding_rate=rate, premium_index="0", interest_rate="0.0001", mark_price="100.5",
        index_price="100", next_funding_unix_ms=(at // 28_800_000 + 1) * 28_800_000, computed_at_unix_ms=at,
        funding_interval_ms=28_800_000))


def test_index_mark_and_funding_channels_deliver_published_prices(exchange, admins):
    symbol = approved_instrument(exchange, admins, reference=None)["symbol"]  # no price but ours
    watcher = WsClient(exchange)
    sdk = Client(exchange.grpc_target)
    try:
        watcher.send({"op": "subscribe", "id": 1, "channels": ["index", "mark", "funding"], "symbols": [symbol]})
        assert watcher.next(lambda f: f["type"] == "subscribed")["id"] == 1
        marks = sdk.market_data.stream_mark(symbol)  # the SDK's stream of the same upstream RPC
        time.sleep(1.5)  # the upstream streams are open
        at = now_ms()
        produce(exchange, "md.index.v1", symbol, _index(symbol, "100.25", at))
        produce(exchange, "md.mark.v1", symbol, _mark(symbol, "100.5", at))
        produce(exchange, "md.funding.v1", symbol, _funding(symbol, "0.000123", at))
        index = watcher.next(lambda f: f["type"] == "index", timeout=30)
        assert index["channel"] == "index" and index["symbol"] == symbol
        assert index["index"]["price"] == "100.25" and index["index"]["computed_at_unix_ms"] == str(at)
        mark = watcher.next(lambda f: f["type"] == "mark", timeout=30)
        assert mark["mark"]["mark_price"] == "100.5" and mark["symbol"] == symbol
        funding = watcher.next(lambda f: f["type"] == "funding", timeout=30)
        assert funding["funding"]["funding_rate"] == "0.000123"
        assert int(funding["funding"]["next_funding_unix_ms"]) % 28_800_000 == 0
        streamed = next(marks)
        assert streamed.symbol == symbol and streamed.mark_price == Decimal("100.5")

        # An older mark (a late redelivery) is never sent; a newer one is.
        produce(exchange, "md.mark.v1", symbol, _mark(symbol, "99", at - 5_000))
        produce(exchange, "md.mark.v1", symbol, _mark(symbol, "101", at + 1_000))
        newer = watcher.next(lambda f: f["type"] == "mark", timeout=30)
        assert newer["mark"]["mark_price"] == "101"
        assert next(marks).mark_price == Decimal("101")

        # A late subscriber gets the latest price at once.
        late = WsClient(exchange)
        try:
            late.send({"op": "subscribe", "channels": ["mark"], "symbols": [symbol]})
            assert late.next(lambda f: f["type"] == "mark", timeout=15)["mark"]["mark_price"] == "101"
        finally:
            late.close()
        assert [f for f in watcher.seen + watcher.drain() if f["type"] == "mark" and f["mark"]["mark_price"] == "99"] \
            == []
    finally:
        watcher.close()
        sdk.close()


def test_private_streams_refuse_a_caller_without_a_token(exchange):
    channel = grpc.insecure_channel(exchange.grpc_target)
    try:
        calls = [
            position_pb2_grpc.PositionServiceStub(channel).StreamPositionUpdates(
                position_pb2.StreamPositionUpdatesRequest()),
            wallet_pb2_grpc.WalletServiceStub(channel).StreamBalanceUpdates(wallet_pb2.StreamBalanceUpdatesRequest()),
        ]
        for call in calls:
            with pytest.raises(grpc.RpcError) as refused:
                next(call)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, refused.value
        # A forged token is refused the same way.
        forged = (("authorization", f"Bearer x.{uuid.uuid4().hex}.y"),)
        call = position_pb2_grpc.PositionServiceStub(channel).StreamPositionUpdates(
            position_pb2.StreamPositionUpdatesRequest(), metadata=forged)
        with pytest.raises(grpc.RpcError) as refused:
            next(call)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        channel.close()
