"""Helpers for the wallet's end-to-end tests: users opened through Kafka as the User service
would, access tokens signed with the exchange's key, the rail simulator, the wallet's own
gRPC port (internal RPCs are not routed by Envoy), and a snapshot of a user's money."""
from __future__ import annotations

import json
import time
import urllib.request
import uuid
from decimal import Decimal

import grpc
from confluent_kafka import Producer
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import wallet_pb2_grpc

from mesh.rest import call
from services.auth.adapters.keys import load_or_create_private_key
from services.auth.adapters.tokens import TokenMinter
from services.platform.events import event_headers
from services.platform.ids import new_id, now_ms
from services.rail_sim.signing import sign
from tests.e2e.test_configuration_flow import sql, wait_for

__all__ = ["sql", "wait_for"]


def token_for(exchange, user_id: str, roles=("trader",)) -> str:
    minter = TokenMinter(load_or_create_private_key(exchange.private_key_path), "tradex-auth", "tradex")
    return minter.access_token(user_id, f"{user_id}@example.com", list(roles), now_ms()).token


def produce(exchange, topic: str, key: str, message, event_id: str | None = None) -> str:
    """One event with the headers every TradeX topic carries (services/platform/events.py)."""
    event_id = event_id or new_id()
    producer = Producer({"bootstrap.servers": exchange.stack.kafka_bootstrap})
    producer.produce(topic, key=key.encode(), value=message.SerializeToString(),
                     headers=event_headers(event_id, message.DESCRIPTOR.full_name, now_ms()))
    assert producer.flush(15) == 0
    return event_id


def user_created(user_id: str, tier: int = 0) -> user_events.UserCreated:
    return user_events.UserCreated(user=user_pb2.User(
        user_id=user_id, email=f"{user_id}@example.com", kyc_tier=tier, status=user_pb2.ACCOUNT_STATUS_ACTIVE,
        created_at_unix_ms=now_ms(), updated_at_unix_ms=now_ms()))


def open_wallet(exchange, tier: int = 0) -> tuple[str, str]:
    """A new user whose wallet the Wallet opened from user.created.v1; returns (user_id, token)."""
    user_id = "user-" + uuid.uuid4().hex[:12]
    produce(exchange, "user.created.v1", user_id, user_created(user_id, tier))
    wait_for(lambda: sql(exchange, "select count(*) from wallet.balances where user_id = %s", user_id) == [(2,)])
    return user_id, token_for(exchange, user_id)


def rail(exchange, method: str, path: str) -> dict:
    request = urllib.request.Request(exchange.rail_url + path, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def create_deposit(exchange, token: str, asset: str, amount: str, *, hold: bool = False) -> dict:
    created = call(exchange.http_url, "POST", "/v1/deposit",
                   {"asset": asset, "amount": amount, "client_request_id": uuid.uuid4().hex}, token)
    assert created.status == 200, created.body
    deposit = created.body["deposit"]
    if hold:  # the rail's own confirmation is 2 s away: stop it so the test decides when
        assert rail(exchange, "POST", f"/v1/intents/{deposit['deposit_id']}/hold")["status"] == "HELD"
    return deposit


def funded_user(exchange, usdt: str = "1000") -> tuple[str, str]:
    """A user with `usdt` available, deposited through Envoy and confirmed by the rail."""
    user_id, token = open_wallet(exchange)
    deposit = create_deposit(exchange, token, "USDT", usdt, hold=True)
    assert rail(exchange, "POST", f"/v1/intents/{deposit['deposit_id']}/confirm")["webhook_status"] == 200
    return user_id, token


def signed_webhook(exchange, deposit_id: str, *, amount: str, asset: str, rail_reference: str = "0xfeed",
                   timestamp_unix_ms: int | None = None, secret: str | None = None) -> dict:
    ts = now_ms() if timestamp_unix_ms is None else timestamp_unix_ms
    key = (secret or exchange.rail_hmac_secret).encode()
    return {"rail_reference": rail_reference, "deposit_id": deposit_id, "amount": amount, "asset": asset,
            "timestamp_unix_ms": str(ts), "signature": sign(key, deposit_id, rail_reference, asset, amount, ts)}


def webhook(exchange, body: dict):
    return call(exchange.http_url, "POST", "/v1/wallet/rail/webhook", body)


def money_snapshot(exchange, user_id: str, deposit_id: str | None = None) -> dict:
    """Everything a webhook could change for this user."""
    snapshot = {
        "balances": sql(exchange, "select asset, available, locked, position_margin, version from wallet.balances "
                                  "where user_id = %s order by asset", user_id),
        "postings": sql(exchange, "select count(*) from wallet.postings where user_id = %s", user_id),
        "outbox": sql(exchange, "select count(*) from wallet.outbox where key = %s", user_id),
    }
    if deposit_id:
        snapshot["deposit"] = sql(exchange, "select status, rail_reference, confirmed_at_unix_ms from wallet.deposits "
                                            "where deposit_id = %s", deposit_id)
        snapshot["entries"] = sql(exchange, "select count(*) from wallet.journal_entries where reference_id = %s",
                                  deposit_id)
    return snapshot


def available(exchange, user_id: str, asset: str = "USDT") -> Decimal:
    return sql(exchange, "select available from wallet.balances where user_id = %s and asset = %s",
               user_id, asset)[0][0]


def wallet_channel(exchange) -> grpc.Channel:
    """Straight to the wallet's port: internal RPCs exist only inside the mesh."""
    return exchange.stack.channel("wallet")


def internal_stub(channel) -> wallet_pb2_grpc.WalletInternalServiceStub:
    return wallet_pb2_grpc.WalletInternalServiceStub(channel)


def wait_until(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout:.0f} s")
