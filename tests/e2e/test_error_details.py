"""Every refusal carries a google.rpc.ErrorInfo (domain "tradex", UPPER_SNAKE reason), on public
RPCs as on internal ones: in the JSON `details` of a REST answer through Envoy, and in
grpc-status-details-bin for a native gRPC client through Envoy."""
from __future__ import annotations

import time
import uuid

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from tradex.common.v1 import trading_pb2
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc
from tradex.order.v1 import order_pb2, order_pb2_grpc

from mesh.rest import call
from tests.e2e.order_support import approved_instrument

pytestmark = pytest.mark.e2e
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def _signup(exchange) -> str:
    answer = call(exchange.http_url, "POST", "/v1/auth/signup",
                  {"email": f"err-{uuid.uuid4().hex[:10]}@example.com", "password": "a-Good-passw0rd!"})
    assert answer.status == 200, answer.body
    return answer.body["tokens"]["access_token"]


def _rest_info(body: dict) -> dict:
    [info] = [d for d in body["details"] if d["@type"] == ERROR_INFO]
    return info


def _grpc_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo:
    [raw] = [v for k, v in error.trailing_metadata() if k == "grpc-status-details-bin"]
    status = status_pb2.Status.FromString(raw)
    assert status.code == error.code().value[0] and status.message == error.details()
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    return info


def test_rest_details_carry_the_reason(exchange, admins):
    missing = call(exchange.http_url, "GET", "/v1/instruments/NOPE-USDT-PERP")
    assert missing.status == 404
    assert _rest_info(missing.body) == {"@type": ERROR_INFO, "reason": "NOT_FOUND", "domain": "tradex",
                                        "metadata": {}}
    wrong = call(exchange.http_url, "POST", "/v1/auth/login",
                 {"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "wrong-passw0rd!"})
    assert wrong.status == 401 and _rest_info(wrong.body)["reason"] == "UNAUTHENTICATED"

    symbol = approved_instrument(exchange, admins)["symbol"]
    token = _signup(exchange)
    order = {"symbol": symbol, "side": "SIDE_BUY", "order_type": "ORDER_TYPE_LIMIT", "price": "100",
             "quantity": "1", "client_order_id": "c-" + uuid.uuid4().hex[:12]}
    deadline = time.monotonic() + 20
    while True:  # Risk learns of a new account from an event: UNKNOWN_ACCOUNT until then
        broke = call(exchange.http_url, "POST", "/v1/orders", order, token)
        if _rest_info(broke.body)["reason"] != "UNKNOWN_ACCOUNT" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert broke.status == 400 and broke.body["code"] == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    assert _rest_info(broke.body) == {"@type": ERROR_INFO, "reason": "INSUFFICIENT_MARGIN", "domain": "tradex",
                                      "metadata": {}}
    off_tick = call(exchange.http_url, "POST", "/v1/orders", {**order, "price": "100.001"}, token)
    assert off_tick.status == 400 and _rest_info(off_tick.body)["reason"] == "INVALID_ARGUMENT"


def test_native_grpc_carries_the_reason_in_status_details(exchange, admins):
    with grpc.insecure_channel(exchange.grpc_target) as channel:
        with pytest.raises(grpc.RpcError) as missing:
            metadata_pb2_grpc.MetadataServiceStub(channel).GetInstrument(
                metadata_pb2.GetInstrumentRequest(symbol="NOPE-USDT-PERP"), timeout=10)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        info = _grpc_info(missing.value)
        assert (info.reason, info.domain) == ("NOT_FOUND", "tradex")

        symbol = approved_instrument(exchange, admins)["symbol"]
        token = _signup(exchange)
        with pytest.raises(grpc.RpcError) as off_tick:
            order_pb2_grpc.OrderServiceStub(channel).PlaceOrder(order_pb2.PlaceOrderRequest(
                symbol=symbol, side=trading_pb2.SIDE_BUY, order_type=trading_pb2.ORDER_TYPE_LIMIT,
                time_in_force=trading_pb2.TIME_IN_FORCE_GTC, price="100.001", quantity="1",
                client_order_id="c-" + uuid.uuid4().hex[:12]), metadata=[("authorization", f"Bearer {token}")],
                timeout=10)
        assert off_tick.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert _grpc_info(off_tick.value).reason == "INVALID_ARGUMENT"
