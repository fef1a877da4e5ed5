"""Orders through the whole trading path on the real mesh: Envoy -> Order -> Metadata, Risk,
Wallet -> order.command.v1 -> Matching Engine -> engine.event.v1 -> Order (status, fills) ->
Wallet (ReleaseFunds), and engine.event.v1 -> Position -> settlement.v1 -> Wallet (a fill's
margin and fee). Every amount below follows from the instrument of
approved_instrument(): tick 0.01, lot 0.1, maker fee 0.0001, taker fee 0.0004."""
from __future__ import annotations

import threading
import uuid
from decimal import Decimal as D

import grpc
import pytest
from google.protobuf import json_format
from tradex.common.v1 import trading_pb2
from tradex.order.v1 import order_pb2, order_pb2_grpc

from tests.e2e.engine_support import engine_stub, get_hash, get_snapshot, recompute_hash
from tests.e2e.order_support import (
    approved_instrument,
    call,
    fills,
    funded_user,
    get_order,
    internal_stub,
    limit_order,
    order_channel,
    placed,
    redeliver,
    requires_risk,
    resting,
    sql,
    wait_for,
    wait_for_status,
    wallet_balance,
    wallet_calls_done,
    wallet_calls_queued,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("requires_risk")]
__all__ = ["requires_risk"]


@pytest.fixture
def instrument(exchange, admins) -> dict:
    """A fresh book per test, so one test's resting orders never match another's."""
    return approved_instrument(exchange, admins)


@pytest.fixture(scope="module")
def order_stub(exchange):
    with order_channel(exchange) as channel:
        yield internal_stub(channel)


def test_a_crossing_order_fills_both_sides_which_are_settled_and_released(exchange, instrument):
    symbol = instrument["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    buyer_id, buyer_token = funded_user(exchange, "1000")
    maker = resting(exchange, seller_token, limit_order(symbol, "SELL", "100.00", "2", leverage="10"))
    assert maker["status"] == "ORDER_STATUS_NEW" and maker["margin_locked"] == "20.08"
    # A buy limit above the ask takes it at the maker's price.
    taker = placed(exchange, buyer_token, limit_order(symbol, "BUY", "101.00", "0.5", leverage="10"))

    taker_done = wait_for_status(exchange, buyer_token, taker["order_id"], "ORDER_STATUS_FILLED")
    assert (taker_done["filled_quantity"], taker_done["average_fill_price"], taker_done["fees"]) == ("0.5", "100", "0.02")
    maker_now = wait_for_status(exchange, seller_token, maker["order_id"], "ORDER_STATUS_PARTIALLY_FILLED")
    assert (maker_now["filled_quantity"], maker_now["remaining_quantity"], maker_now["fees"]) == ("0.5", "1.5", "0.005")

    # The engine's book hash matches one recomputed, independently, from its snapshot, and the
    # snapshot holds the maker's remainder (1.5 at lot 0.1 = 15 lots, 100.00 at tick 0.01).
    channel, engine = engine_stub(exchange)
    with channel:
        snapshot, book_hash = get_snapshot(engine, symbol), get_hash(engine, symbol)
    assert book_hash.engine_seq == snapshot.engine_seq and book_hash.hash == recompute_hash(snapshot)
    assert [(o.order_id, o.price_ticks, o.quantity_lots) for o in snapshot.asks] == [(maker["order_id"], 10000, 15)]

    [seller_fill] = fills(exchange, seller_token)
    [buyer_fill] = fills(exchange, buyer_token)
    assert seller_fill["trade_id"] == buyer_fill["trade_id"] and seller_fill["trade_id"].startswith(symbol + ":")
    assert (seller_fill["order_id"], seller_fill["side"], seller_fill["liquidity_role"], seller_fill["margin"]) == (
        maker["order_id"], "SIDE_SELL", "LIQUIDITY_ROLE_MAKER", "5")
    assert (buyer_fill["order_id"], buyer_fill["side"], buyer_fill["liquidity_role"], buyer_fill["fee"]) == (
        taker["order_id"], "SIDE_BUY", "LIQUIDITY_ROLE_TAKER", "0.02")
    # Each owner sees only their own: another user's order is NOT_FOUND, their fills absent.
    assert get_order(exchange, buyer_token, maker["order_id"]).status == 404
    assert fills(exchange, buyer_token, f"?order_id={maker['order_id']}") == []

    # The taker is done: its fill settled by Position's settlement.v1 (margin 5 at the trade
    # price, fee 0.02) and the unused rest of its lock (locked at 101, filled at 100) released by
    # the SYNC of its symbol's order-margin bucket; nothing is sent under the order's own id.
    assert wallet_calls_queued(exchange, taker["order_id"]) == []
    wait_for(lambda: wallet_balance(exchange, buyer_id) == (D("1000") - D("5") - D("0.02"), D("0"), D("5")))
    # The maker rests on: its fill settled (margin 5, maker fee 0.005), and its symbol's order
    # margin re-levelled to what the rest needs: 1.5 * 100 / 10 + 1.5 * 100 * 0.0004 = 15.06
    # (docs/ARCHITECTURE.md, "Order margin"; the 0.015 of taker fee reserve the maker fill did not
    # use goes back to available).
    assert wallet_calls_done(exchange, maker["order_id"]) == []
    wait_for(lambda: wallet_balance(exchange, seller_id) == (D("1000") - D("5.005") - D("15.06"), D("15.06"),
                                                             D("5")))

    # The same trade delivered again (Kafka redelivery) changes nothing.
    redeliver(exchange, seller_fill["trade_id"])
    cancelled = call(exchange.http_url, "DELETE", f"/v1/orders/{maker['order_id']}", token=seller_token)
    assert cancelled.status == 200 and cancelled.body["order"]["cancel_requested_at_unix_ms"] != "0"
    closed = wait_for_status(exchange, seller_token, maker["order_id"], "ORDER_STATUS_CANCELLED")
    assert closed["cancel_reason"] == "ORDER_CANCEL_REASON_USER_REQUESTED" and closed["filled_quantity"] == "0.5"
    assert closed["remaining_quantity"] == "0" and closed["margin_locked"] == "0"
    assert wallet_calls_queued(exchange, maker["order_id"]) == []
    wait_for(lambda: wallet_balance(exchange, seller_id) == (D("1000") - D("5.005"), D("0"), D("5")))
    assert len(fills(exchange, seller_token)) == 1
    assert sql(exchange, "select count(*) from wallet.journal_entries where idempotency_key = %s",
               f"settlement:trade:{seller_fill['trade_id']}:{maker['order_id']}") == [(1,)]

    # Every change was announced on order.updated.v1, the last one with the order's version.
    updates = sql(exchange, "select event_id from orders.outbox where topic = 'order.updated.v1' and key = %s "
                            "order by id", seller_id)
    assert updates[-1] == (f"order:{maker['order_id']}:v{closed['version']}",)


def test_an_ioc_remainder_expires_and_a_closed_order_cannot_be_cancelled(exchange, instrument):
    user_id, token = funded_user(exchange, "1000")
    ioc = placed(exchange, token, limit_order(instrument["symbol"], "BUY", "100.00", "1",
                                             time_in_force="TIME_IN_FORCE_IOC"))
    expired = wait_for_status(exchange, token, ioc["order_id"], "ORDER_STATUS_EXPIRED")
    assert expired["expire_reason"] == "ORDER_EXPIRE_REASON_IOC_REMAINDER" and expired["filled_quantity"] == "0"
    assert wallet_calls_queued(exchange, ioc["order_id"]) == []
    wait_for(lambda: wallet_balance(exchange, user_id) == (D("1000"), D("0"), D("0")))
    again = call(exchange.http_url, "DELETE", f"/v1/orders/{ioc['order_id']}", token=token)
    assert again.status == 400 and "EXPIRED" in again.body["message"]
    history = call(exchange.http_url, "GET", "/v1/orders?state=ORDER_STATE_FILTER_CLOSED", token=token)
    assert [o["order_id"] for o in history.body["orders"]] == [ioc["order_id"]]
    assert call(exchange.http_url, "GET", "/v1/orders?state=ORDER_STATE_FILTER_OPEN",
                token=token).body["orders"] == []


def test_cancel_all_withdraws_the_callers_orders_only(exchange, instrument):
    symbol = instrument["symbol"]
    owner_id, owner_token = funded_user(exchange, "1000")
    _, stranger_token = funded_user(exchange, "1000")
    first = resting(exchange, owner_token, limit_order(symbol, "BUY", "90.00", "1"))
    second = resting(exchange, owner_token, limit_order(symbol, "BUY", "91.00", "1"))
    theirs = resting(exchange, stranger_token, limit_order(symbol, "BUY", "92.00", "1"))

    assert call(exchange.http_url, "DELETE", f"/v1/orders/{first['order_id']}", token=stranger_token).status == 404
    cancel_all = call(exchange.http_url, "DELETE", f"/v1/orders?symbol={symbol}", token=owner_token)
    assert cancel_all.status == 200, cancel_all.body
    assert set(cancel_all.body["order_ids"]) == {first["order_id"], second["order_id"]}
    for order in (first, second):
        done = wait_for_status(exchange, owner_token, order["order_id"], "ORDER_STATUS_CANCELLED")
        assert done["cancel_reason"] == "ORDER_CANCEL_REASON_CANCEL_ALL"
    wait_for(lambda: wallet_balance(exchange, owner_id) == (D("1000"), D("0"), D("0")))
    assert get_order(exchange, stranger_token, theirs["order_id"]).body["order"]["status"] == "ORDER_STATUS_NEW"


def test_a_liquidation_order_takes_resting_liquidity_without_a_lock(exchange, instrument, order_stub):
    symbol = instrument["symbol"]
    bidder_id, bidder_token = funded_user(exchange, "1000")
    liquidated_id, liquidated_token = funded_user(exchange, "100")
    bid = resting(exchange, bidder_token, limit_order(symbol, "BUY", "100.00", "1"))
    request = order_pb2.SubmitLiquidationOrderRequest(
        liquidation_id="liq-" + uuid.uuid4().hex[:12], user_id=liquidated_id, symbol=symbol,
        side=trading_pb2.SIDE_SELL, quantity="1", price="99.00")
    order = order_stub.SubmitLiquidationOrder(request).order
    assert order_stub.SubmitLiquidationOrder(request).order.order_id == order.order_id  # idempotent
    assert order.is_liquidation and order.time_in_force == trading_pb2.TIME_IN_FORCE_IOC

    done = wait_for_status(exchange, liquidated_token, order.order_id, "ORDER_STATUS_FILLED")
    assert done["average_fill_price"] == "100" and done["is_liquidation"]
    [fill] = fills(exchange, liquidated_token)
    assert fill["is_liquidation"] and fill["margin"] == "0" and fill["fee"] == "0.04"
    # Settled without a lock (no release owed): the fee comes from available.
    assert wallet_calls_done(exchange, order.order_id) == []
    wait_for(lambda: wallet_balance(exchange, liquidated_id) == (D("100") - D("0.04"), D("0"), D("0")))
    wait_for_status(exchange, bidder_token, bid["order_id"], "ORDER_STATUS_FILLED")
    assert sql(exchange, "select count(*) from orders.outbox where event_id = %s",
               f"cmd:{order.order_id}:new") == [(1,)]


def test_amends_are_booked_in_the_bucket_once_the_engine_confirmed_them(exchange, instrument):
    symbol = instrument["symbol"]
    user_id, token = funded_user(exchange, "1000")
    _, other_token = funded_user(exchange, "1000")
    resting(exchange, other_token, limit_order(symbol, "SELL", "101.00", "1"))
    order = resting(exchange, token, limit_order(symbol, "BUY", "99.00", "2", leverage="10",
                                                time_in_force="TIME_IN_FORCE_POST_ONLY"))
    order_id = order["order_id"]
    wait_for(lambda: wallet_balance(exchange, user_id)[1] == D("19.8792"))  # 19.8 margin + 0.0792 fee reserve

    # Less quantity at the same price: a command now, the margin back once the engine confirms.
    smaller = call(exchange.http_url, "PATCH", f"/v1/orders/{order_id}", {"quantity": "1"}, token)
    assert smaller.status == 200, smaller.body
    assert smaller.body["order"]["amend_requested_at_unix_ms"] != "0" and smaller.body["order"]["quantity"] == "2"
    amended = wait_for(lambda: (o := get_order(exchange, token, order_id).body["order"])["quantity"] == "1" and o)
    assert amended["amend_requested_at_unix_ms"] == "0" and amended["margin_locked"] == "9.9396"
    wait_for(lambda: wallet_balance(exchange, user_id)[1] == D("9.9396"))
    # Values the order already has: harmless, nothing sent.
    assert call(exchange.http_url, "PATCH", f"/v1/orders/{order_id}", {"price": "99.00"}, token).status == 200
    assert sql(exchange, "select count(*) from orders.outbox where event_id like %s",
               f"cmd:{order_id}:amend:%") == [(1,)]

    # A higher price and more quantity need more margin: Risk approves it (the order's own
    # booked margin counts towards it) and the command goes out; nothing is locked before the
    # engine answers. The engine refuses it (a post-only order may not take the 101 ask), so the
    # bucket stays where it was and so does the order.
    bigger = call(exchange.http_url, "PATCH", f"/v1/orders/{order_id}", {"price": "101.00", "quantity": "2"}, token)
    assert bigger.status == 200, bigger.body
    assert D(bigger.body["order"]["margin_locked"]) == D("20.2808")  # 20.2 + 0.0808
    wait_for(lambda: get_order(exchange, token, order_id).body["order"]["amend_requested_at_unix_ms"] == "0")
    still = get_order(exchange, token, order_id).body["order"]
    assert (still["price"], still["quantity"], still["margin_locked"], still["status"]) == (
        "99", "1", "9.9396", "ORDER_STATUS_NEW")
    wait_for(lambda: wallet_balance(exchange, user_id)[1] == D("9.9396"))
    # The same growth without crossing: confirmed by the engine, then booked by the SYNC.
    grown = call(exchange.http_url, "PATCH", f"/v1/orders/{order_id}", {"quantity": "2"}, token)
    assert grown.status == 200, grown.body
    wait_for(lambda: get_order(exchange, token, order_id).body["order"]["quantity"] == "2")
    wait_for(lambda: wallet_balance(exchange, user_id)[1] == D("19.8792"))


def test_orders_and_fills_page_newest_first(exchange, admins):
    # A market of its own, priced at 60 (the module's instrument trades within 10% of 100).
    symbol = approved_instrument(exchange, admins, reference="60")["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    _, buyer_token = funded_user(exchange, "1000")
    sells = [resting(exchange, seller_token, limit_order(symbol, "SELL", "60.00", "1"))["order_id"] for _ in range(5)]
    placed(exchange, buyer_token, limit_order(symbol, "BUY", "60.00", "5"))
    wait_for(lambda: len(fills(exchange, seller_token, "?page_size=500")) == 5)

    def all_pages(path: str, key: str) -> list[list[str]]:
        pages, page_token = [], ""
        while True:
            separator = "&" if "?" in path else "?"
            page = call(exchange.http_url, "GET", f"{path}{separator}page_size=2&page_token={page_token}",
                        token=seller_token)
            assert page.status == 200, page.body
            pages.append([item["order_id"] for item in page.body[key]])
            page_token = page.body["next_page_token"]
            if not page_token:
                return pages

    # Time priority matched the oldest first, so the newest fill is the newest order's.
    newest_first = list(reversed(sells))
    expected = [newest_first[:2], newest_first[2:4], newest_first[4:]]
    assert all_pages("/v1/orders", "orders") == expected
    assert all_pages(f"/v1/fills?symbol={symbol}", "fills") == expected
    bad = call(exchange.http_url, "GET", "/v1/orders?page_token=not-a-token", token=seller_token)
    assert bad.status == 400 and "page_token" in bad.body["message"]


def test_stream_order_updates_pushes_the_callers_changes_only(exchange, instrument, order_stub):
    """Native gRPC through Envoy: the owner's stream gets their orders' updates; another user's
    stream stays silent."""
    symbol = instrument["symbol"]
    owner_id, owner_token = funded_user(exchange, "100")
    _, other_token = funded_user(exchange, "100")
    with grpc.insecure_channel(exchange.grpc_target) as channel:
        stub = order_pb2_grpc.OrderServiceStub(channel)
        mine = stub.StreamOrderUpdates(order_pb2.StreamOrderUpdatesRequest(symbol=symbol),
                                       metadata=[("authorization", f"Bearer {owner_token}")], timeout=30)
        theirs = stub.StreamOrderUpdates(order_pb2.StreamOrderUpdatesRequest(),
                                         metadata=[("authorization", f"Bearer {other_token}")], timeout=3)
        received = []

        def read_first() -> None:
            for update in mine:
                received.append(update)
                return

        reader = threading.Thread(target=read_first, daemon=True)
        reader.start()
        # A stream shows changes from the moment it is registered: keep changing until one arrives.
        sent = []
        for _ in range(20):
            order = order_stub.SubmitLiquidationOrder(order_pb2.SubmitLiquidationOrderRequest(
                liquidation_id="liq-" + uuid.uuid4().hex[:12], user_id=owner_id, symbol=symbol,
                side=trading_pb2.SIDE_BUY, quantity="1", price="70.00")).order
            sent.append(json_format.MessageToDict(order)["orderId"])
            reader.join(0.5)
            if received:
                break
        mine.cancel()
        assert received and received[0].order.order_id in sent and received[0].order.user_id == owner_id
        with pytest.raises(grpc.RpcError) as silent:
            next(iter(theirs))
        assert silent.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
