"""The User Onboarding flow end to end: signup through Envoy REST -> auth.account.created.v1 ->
the User service (another process) creates the profile at KYC tier 0 and relays
user.created.v1; a redelivered AccountCreated creates nothing twice."""
from __future__ import annotations

import uuid

import pytest
from confluent_kafka import Producer
from tradex.auth.v1 import events_pb2 as auth_events
from tradex.user.v1 import events_pb2 as user_events

from mesh.rest import call
from services.platform.events import event_headers
from tests.e2e.kafka_support import records_with_event_id
from tests.e2e.test_configuration_flow import sql, wait_for

pytestmark = pytest.mark.e2e


def signup(exchange) -> dict:
    """A new trader through Envoy: {"user_id", "email", "token"}."""
    email = f"trader-{uuid.uuid4().hex[:12]}@example.com"
    response = call(exchange.http_url, "POST", "/v1/auth/signup",
                    {"email": email, "password": "Trader-" + uuid.uuid4().hex[:12]})
    assert response.status == 200, response.body
    tokens = response.body["tokens"]
    return {"user_id": tokens["account_id"], "email": email, "token": tokens["access_token"]}


def wait_for_profile(exchange, token: str) -> dict:
    """GET /v1/users/me until the profile exists (it follows signup through Kafka)."""
    def fetch():
        me = call(exchange.http_url, "GET", "/v1/users/me", token=token)
        assert me.status in (200, 404), me.body
        return me.body if me.status == 200 else None
    return wait_for(fetch, timeout=30)


def onboarded(exchange) -> dict:
    user = signup(exchange)
    wait_for_profile(exchange, user["token"])
    return user


def kafka_records(bootstrap: str, topic: str, event_id: str) -> list:
    """Every record of `topic` (one partition) whose event_id header is `event_id`."""
    return records_with_event_id(bootstrap, topic, event_id)


def produce(bootstrap: str, topic: str, key: str, event, event_id: str, occurred_at_unix_ms: int) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    producer.produce(topic, key=key.encode(), value=event.SerializeToString(),
                     headers=event_headers(event_id, event.DESCRIPTOR.full_name, occurred_at_unix_ms))
    assert producer.flush(10) == 0


def test_signup_creates_a_tier_0_profile_and_publishes_user_created(exchange):
    user = signup(exchange)
    me = wait_for_profile(exchange, user["token"])
    profile = me["user"]
    assert profile["user_id"] == user["user_id"] and profile["email"] == user["email"]
    assert profile["kyc_tier"] == 0 and profile["status"] == "ACCOUNT_STATUS_ACTIVE"
    # The caller's limits come with the profile: tier 0, per margin asset, decimal strings.
    assert me["limits"]["tier"] == 0 and me["limits"]["max_leverage"] == "5"
    usdt = next(a for a in me["limits"]["asset_limits"] if a["asset"] == "USDT")
    assert usdt == {"asset": "USDT", "max_order_notional": "1000", "max_position_notional": "5000",
                    "daily_deposit_cap": "1000"}

    event_id = f"user-created:{user['user_id']}"
    assert sql(exchange, "select topic, key, event_type from users.outbox where event_id = %s", event_id) == [
        ("user.created.v1", user["user_id"], "tradex.user.v1.UserCreated")]
    assert sql(exchange, "select event_id from users.inbox where consumer = 'user.accounts' and event_id = %s",
               f"account-created:{user['user_id']}") == [(f"account-created:{user['user_id']}",)]

    # The relay publishes it, keyed by the user id, once.
    records = wait_for(lambda: kafka_records(exchange.stack.kafka_bootstrap, "user.created.v1", event_id))
    assert len(records) == 1 and records[0].key() == user["user_id"].encode()
    published = user_events.UserCreated.FromString(records[0].value())
    assert published.user.user_id == user["user_id"] and published.user.kyc_tier == 0
    assert published.user.status == 1  # ACCOUNT_STATUS_ACTIVE


def test_me_needs_a_token(exchange):
    assert call(exchange.http_url, "GET", "/v1/users/me").status == 401


def test_redelivered_account_created_creates_nothing_twice(exchange):
    user = onboarded(exchange)
    user_id, bootstrap = user["user_id"], exchange.stack.kafka_bootstrap
    original_id = f"account-created:{user_id}"
    row = sql(exchange, "select payload, occurred_at_unix_ms from auth.outbox where event_id = %s", original_id)
    payload, occurred = row[0][0], row[0][1]
    account = auth_events.AccountCreated.FromString(payload)
    before = sql(exchange, "select kyc_tier, status, version, created_at_unix_ms, updated_at_unix_ms "
                           "from users.profiles where user_id = %s", user_id)

    # 1. Kafka redelivers the very same record (same event_id): the inbox drops it.
    produce(bootstrap, "auth.account.created.v1", user_id, account, original_id, occurred)
    # 2. The same account under another event id: the profile exists, so nothing new either.
    other_id = f"replayed-{uuid.uuid4().hex}"
    produce(bootstrap, "auth.account.created.v1", user_id, account, other_id, occurred)
    # 3. A payload that can never apply (no account id): logged and skipped, not retried forever.
    broken_id = f"broken-{uuid.uuid4().hex}"
    produce(bootstrap, "auth.account.created.v1", user_id, auth_events.AccountCreated(email="x@example.com"),
            broken_id, occurred)
    # 4. A sentinel behind them on the same partition (same key): once it is applied, the
    #    consumer has been past all three.
    sentinel = "01SENTINEL" + uuid.uuid4().hex[:16].upper()
    produce(bootstrap, "auth.account.created.v1", user_id,
            auth_events.AccountCreated(account_id=sentinel, email=f"{sentinel.lower()}@example.com",
                                       roles=["trader"], created_at_unix_ms=occurred), f"sentinel-{sentinel}", occurred)
    wait_for(lambda: sql(exchange, "select 1 from users.profiles where user_id = %s", sentinel), timeout=30)

    assert sql(exchange, "select count(*) from users.profiles where user_id = %s", user_id) == [(1,)]
    assert sql(exchange, "select kyc_tier, status, version, created_at_unix_ms, updated_at_unix_ms "
                         "from users.profiles where user_id = %s", user_id) == before
    assert sql(exchange, "select count(*) from users.outbox where key = %s", user_id) == [(1,)]
    assert sql(exchange, "select event_id from users.inbox where event_id in (%s, %s, %s) order by event_id",
               original_id, other_id, broken_id) == sorted([(original_id,), (other_id,)])
    wait_for(lambda: sql(exchange, "select 1 from users.outbox where event_id = %s and "
                                   "published_at_unix_ms is not null", f"user-created:{sentinel}"))
    assert len(kafka_records(bootstrap, "user.created.v1", f"user-created:{user_id}")) == 1


def test_admin_accounts_get_a_profile_too(exchange, admins):
    # Every account gets one (see services/user/__init__.py); an admin's grants nothing extra.
    me = wait_for_profile(exchange, admins["maker"]["token"])
    assert me["user"]["email"] == admins["maker"]["email"] and me["user"]["kyc_tier"] == 0
