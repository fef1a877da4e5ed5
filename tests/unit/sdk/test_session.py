"""The session refreshes the access token by itself before it expires (sync and asyncio), and
the async client shares the sync surface."""
from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from tradex.auth.v1 import auth_pb2
from tradex.order.v1 import order_pb2
from tradex_sdk import AsyncClient, Client


def tokens(n: int, expires_in_s: float) -> auth_pb2.TokenPair:
    return auth_pb2.TokenPair(access_token=f"access-{n}", refresh_token=f"refresh-{n}",
                              access_token_expires_at_unix_ms=int((time.time() + expires_in_s) * 1000),
                              roles=["trader"])


class RecordingChannel:
    """Answers Refresh with new tokens and anything else with `answer`; records (method, token)."""

    def __init__(self, answer, is_async: bool = False):
        self.answer, self.is_async, self.calls = answer, is_async, []

    def unary_unary(self, method, request_serializer, response_deserializer):
        def call(request, timeout, metadata):
            self.calls.append((method.rsplit("/", 1)[1], dict(metadata).get("authorization", "")))
            answer = (auth_pb2.RefreshResponse(tokens=tokens(2, 900)) if method.endswith("/Refresh")
                      else self.answer)
            if self.is_async:
                async def later():
                    return answer
                return later()
            return answer
        return call

    def close(self):
        pass


def test_the_access_token_is_refreshed_before_it_expires():
    channel = RecordingChannel(order_pb2.GetOrderResponse(order=order_pb2.Order(order_id="o1", price="1.5")))
    client = Client("127.0.0.1:1")
    client._channel.close()
    client._t.channel = client._channel = channel
    client.session.keep(tokens(1, 900))
    assert client.orders.get("o1").price == Decimal("1.5")
    assert channel.calls == [("GetOrder", "Bearer access-1")]
    client.session.keep(tokens(1, 10))  # inside the 30 s margin
    client.orders.get("o1")
    assert channel.calls[1:] == [("Refresh", ""), ("GetOrder", "Bearer access-2")]
    assert client.session.refresh_token == "refresh-2"


def test_the_async_client_has_the_same_surface_and_refreshes_too():
    async def scenario():
        channel = RecordingChannel(order_pb2.GetOrderResponse(order=order_pb2.Order(order_id="o1")), is_async=True)
        client = AsyncClient("127.0.0.1:1")
        await client.close()
        client._t.channel = channel
        client.session.keep(tokens(1, 5))
        order = await client.orders.get("o1")
        assert order.order_id == "o1"
        assert channel.calls == [("Refresh", ""), ("GetOrder", "Bearer access-2")]
        other = AsyncClient("127.0.0.1:1")
        for namespace in ("auth", "orders", "positions", "wallet", "market_data", "funding", "users", "admin"):
            assert type(getattr(other, namespace)) is type(getattr(Client("127.0.0.1:1"), namespace))
        await other.close()

    asyncio.run(scenario())
