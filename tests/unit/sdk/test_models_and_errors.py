"""Models generated from the descriptors (every string field classified as decimal or text),
floats refused for money, errors typed from status + ErrorInfo, retries only where safe."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import grpc
import pytest
from google.protobuf import any_pb2, descriptor_pb2
from google.rpc import error_details_pb2, status_pb2
from tradex.auth.v1 import auth_pb2
from tradex.order.v1 import order_pb2
from tradex_proto import DESCRIPTOR_SET_PATH
from tradex_sdk import (
    Client,
    FloatRefused,
    InsufficientMargin,
    InvalidArgumentError,
    InvalidOrder,
    RateLimitedError,
    RetryPolicy,
    UnavailableError,
    to_model,
)
from tradex_sdk.errors import from_rpc_error
from tradex_sdk.models import DECIMAL_FIELDS, TEXT_FIELDS


def test_every_public_string_field_is_classified():
    fds = descriptor_pb2.FileDescriptorSet.FromString(DESCRIPTOR_SET_PATH.read_bytes())
    unclassified = set()

    def walk(message):
        for field in message.field:
            if field.type == field.TYPE_STRING and field.name not in DECIMAL_FIELDS | TEXT_FIELDS:
                unclassified.add(f"{message.name}.{field.name}")
        for nested in message.nested_type:
            walk(nested)

    for file in fds.file:
        if file.name.startswith("tradex/") and not file.name.endswith("events.proto"):
            for message in file.message_type:
                walk(message)
    assert not unclassified, sorted(unclassified)
    assert not DECIMAL_FIELDS & TEXT_FIELDS


def test_models_are_frozen_with_decimals_enums_and_tuples():
    order = to_model(order_pb2.Order(order_id="o1", price="65000.50", quantity="0.1", side=2, status=1))
    assert order.price == Decimal("65000.50") and isinstance(order.price, Decimal)
    assert order.average_fill_price is None  # empty decimal string
    assert order.side.name == "SIDE_SELL" and order.side == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        order.price = Decimal("1")
    page = to_model(order_pb2.ListOrdersResponse(orders=[order_pb2.Order(order_id="a")]))
    assert isinstance(page.orders, tuple) and page.orders[0].order_id == "a"
    tokens = to_model(auth_pb2.TokenPair(roles=["trader"]))
    assert tokens.roles == ("trader",)


def test_floats_are_refused_for_money():
    client = Client("127.0.0.1:1")
    try:
        with pytest.raises(FloatRefused):
            client.orders.place("X-USDT-PERP", "BUY", 0.1, price=Decimal("1"))
        with pytest.raises(TypeError):
            client.wallet.deposit("USDT", 10.0)
        with pytest.raises(InvalidArgumentError, match="side"):
            client.orders.place("X-USDT-PERP", "HOLD", Decimal("1"))
    finally:
        client.close()


class FakeRpcError(grpc.RpcError):
    def __init__(self, code, message="refused", reason="", retry_after=None):
        self._code, self._message = code, message
        details = []
        if reason:
            detail = any_pb2.Any()
            detail.Pack(error_details_pb2.ErrorInfo(reason=reason, domain="tradex"))
            details.append(detail)
        if retry_after is not None:
            detail = any_pb2.Any()
            info = error_details_pb2.RetryInfo()
            info.retry_delay.FromMilliseconds(int(retry_after * 1000))
            detail.Pack(info)
            details.append(detail)
        status = status_pb2.Status(code=code.value[0], message=message, details=details)
        self._trailing = (("grpc-status-details-bin", status.SerializeToString()),)

    def code(self):
        return self._code

    def details(self):
        return self._message

    def trailing_metadata(self):
        return self._trailing


def test_errors_are_typed_from_status_and_reason():
    margin = from_rpc_error(FakeRpcError(grpc.StatusCode.FAILED_PRECONDITION, reason="INSUFFICIENT_MARGIN"))
    assert isinstance(margin, InsufficientMargin) and margin.reason == "INSUFFICIENT_MARGIN"
    tick = from_rpc_error(FakeRpcError(grpc.StatusCode.INVALID_ARGUMENT, reason="PRICE_TICK"),
                          "/tradex.order.v1.OrderService/PlaceOrder")
    assert isinstance(tick, InvalidOrder) and tick.reason == "PRICE_TICK"
    assert type(from_rpc_error(FakeRpcError(grpc.StatusCode.INVALID_ARGUMENT))) is InvalidArgumentError
    limited = from_rpc_error(FakeRpcError(grpc.StatusCode.RESOURCE_EXHAUSTED, reason="RATE_LIMITED",
                                          retry_after=1.5))
    assert isinstance(limited, RateLimitedError) and limited.retry_after == 1.5


class FlakyChannel:
    """Answers UNAVAILABLE `failures` times, then the response; records each request."""

    def __init__(self, failures: int, response):
        self.failures, self.response, self.requests = failures, response, []

    def unary_unary(self, method, request_serializer, response_deserializer):
        def call(request, timeout, metadata):
            assert timeout == 10.0  # every call has a deadline
            self.requests.append(request_serializer(request))
            if len(self.requests) <= self.failures:
                raise FakeRpcError(grpc.StatusCode.UNAVAILABLE)
            return self.response
        return call

    def close(self):
        pass


def _client(channel) -> Client:
    client = Client("127.0.0.1:1", retry=RetryPolicy(attempts=3, initial_backoff_s=0.001))
    client._channel.close()
    client._t.channel = client._channel = channel
    return client


def test_a_write_is_retried_with_the_same_idempotency_key():
    channel = FlakyChannel(2, order_pb2.PlaceOrderResponse(order=order_pb2.Order(order_id="o1")))
    order = _client(channel).orders.place("X-USDT-PERP", "BUY", Decimal("1"), price=Decimal("10"))
    assert order.order_id == "o1" and len(channel.requests) == 3
    keys = {order_pb2.PlaceOrderRequest.FromString(raw).client_order_id for raw in channel.requests}
    assert len(keys) == 1 and keys != {""}


def test_a_call_without_an_idempotency_key_is_not_retried():
    channel = FlakyChannel(1, auth_pb2.SignupResponse())
    with pytest.raises(UnavailableError):
        _client(channel).auth.signup("a@example.com", "a-Good-passw0rd!")
    assert len(channel.requests) == 1
