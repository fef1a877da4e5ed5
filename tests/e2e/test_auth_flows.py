"""Authentication Flow through Envoy on the real mesh: signup (-> profile -> INR and USDT
wallets), login, refresh rotation with reuse detection, logout, rate limits, audit events, and
forged tokens refused both at Envoy and at the service itself."""
from __future__ import annotations

import uuid

import grpc
import pytest
from tradex.user.v1 import user_pb2, user_pb2_grpc

from mesh.rest import call
from services.auth.adapters.keys import key_id, load_or_create_private_key
from tests.e2e.auth_support import forged_tokens
from tests.e2e.test_configuration_flow import sql, wait_for

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-secret-42"


def email() -> str:
    return f"trader-{uuid.uuid4().hex[:10]}@example.com"


def signup(exchange, address: str, password: str = PASSWORD):
    return call(exchange.http_url, "POST", "/v1/auth/signup", {"email": address, "password": password})


def login(exchange, address: str, password: str = PASSWORD):
    return call(exchange.http_url, "POST", "/v1/auth/login", {"email": address, "password": password})


def test_signup_gives_tokens_a_tier_0_profile_and_inr_and_usdt_wallets(exchange):
    address = email()
    created = signup(exchange, address.upper())
    assert created.status == 200, created.body
    tokens = created.body["tokens"]
    assert tokens["token_type"] == "Bearer" and tokens["roles"] == ["trader"] and int(tokens["expires_in"]) > 0
    user_id, access = tokens["account_id"], tokens["access_token"]
    stored = sql(exchange, "select email, password_hash from auth.accounts where account_id = %s", user_id)
    assert stored[0][0] == address and stored[0][1].startswith("$2b$") and PASSWORD not in stored[0][1]

    me = wait_for(lambda: (r := call(exchange.http_url, "GET", "/v1/users/me", token=access)).status == 200 and r)
    assert me.body["user"]["kyc_tier"] == 0 and me.body["user"]["user_id"] == user_id
    balances = wait_for(lambda: (r := call(exchange.http_url, "GET", "/v1/wallet/balances", token=access)).ok()
                        and len(r.body.get("balances", [])) == 2 and r)
    assert sorted(b["asset"] for b in balances.body["balances"]) == ["INR", "USDT"]
    assert all(b["available"] == "0" for b in balances.body["balances"])
    assert sql(exchange, "select topic from auth.outbox where key = %s", user_id) == [("auth.account.created.v1",)]


@pytest.mark.parametrize("body,field", [
    ({"email": "not-an-email", "password": PASSWORD}, "email"),
    ({"email": "", "password": PASSWORD}, "email"),
    ({"password": PASSWORD}, "email"),
    ({"email": "x@example.com", "password": "short"}, "password"),
    ({"email": "x@example.com", "password": "aaaaaaaaaaaaaaaa"}, "password"),
])
def test_bad_signup_is_400_naming_the_field_and_stores_nothing(exchange, body, field):
    before = sql(exchange, "select count(*) from auth.accounts")
    response = call(exchange.http_url, "POST", "/v1/auth/signup", body)
    assert response.status == 400 and field in response.body["message"]
    assert sql(exchange, "select count(*) from auth.accounts") == before


def test_duplicate_email_is_409(exchange):
    address = email()
    assert signup(exchange, address).status == 200
    again = signup(exchange, address.upper())
    assert again.status == 409 and "already exists" in again.body["message"]


def test_login_errors_do_not_reveal_accounts_but_the_audit_trail_does(exchange):
    address = email()
    user_id = signup(exchange, address).body["tokens"]["account_id"]
    wrong = login(exchange, address, "wrong-password-42")
    unknown = login(exchange, "nobody-" + address)
    assert wrong.status == unknown.status == 401 and wrong.body["message"] == unknown.body["message"]
    ok = login(exchange, address)
    assert ok.status == 200 and ok.body["tokens"]["account_id"] == user_id
    audit = sql(exchange, "select key from auth.outbox where topic = 'auth.login.v1' and key in (%s, %s) order by id",
                user_id, "nobody-" + address)
    assert [row[0] for row in audit] == [user_id, "nobody-" + address, user_id]


def test_refresh_rotates_and_reuse_revokes_the_family(exchange):
    address = email()
    first = signup(exchange, address).body["tokens"]
    second = call(exchange.http_url, "POST", "/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert second.status == 200
    new = second.body["tokens"]
    assert new["refresh_token"] != first["refresh_token"] and new["access_token"] != first["access_token"]
    assert call(exchange.http_url, "GET", "/v1/users/me", token=new["access_token"]).status in (200, 404)

    # The spent token presented again: theft assumed, the whole family dies, the new one too.
    reuse = call(exchange.http_url, "POST", "/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
    assert reuse.status == 401 and "already used" in reuse.body["message"]
    dead = call(exchange.http_url, "POST", "/v1/auth/refresh", {"refresh_token": new["refresh_token"]})
    assert dead.status == 401 and "revoked" in dead.body["message"]
    # A refresh token is never an access token.
    assert call(exchange.http_url, "GET", "/v1/users/me", token=new["refresh_token"]).status == 401


def test_logout_revokes_the_session(exchange):
    tokens = signup(exchange, email()).body["tokens"]
    out = call(exchange.http_url, "POST", "/v1/auth/logout", {"refresh_token": tokens["refresh_token"]},
               tokens["access_token"])
    assert out.status == 200
    refused = call(exchange.http_url, "POST", "/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refused.status == 401
    assert call(exchange.http_url, "POST", "/v1/auth/logout", {"refresh_token": tokens["refresh_token"]}).status == 401


def test_login_attempts_per_email_are_rate_limited(exchange):
    address = email()
    assert signup(exchange, address).status == 200
    statuses = [login(exchange, address, "wrong-password-42").status for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    # Even the right password is refused until the window passes.
    assert login(exchange, address).status == 429


def test_jwks_is_served_and_matches_the_signing_key(exchange):
    jwks = call(exchange.http_url, "GET", "/v1/auth/jwks")
    assert jwks.status == 200
    [key] = jwks.body["keys"]
    assert key["kid"] == key_id(load_or_create_private_key(exchange.private_key_path)) and key["alg"] == "RS256"


def test_forged_tokens_are_refused_at_envoy_and_at_the_service(exchange):
    user_id = signup(exchange, email()).body["tokens"]["account_id"]
    # As a mesh peer (a client certificate from the mesh CA), so only the token is on trial.
    with exchange.stack.channel("user") as channel:
        stub = user_pb2_grpc.UserServiceStub(channel)
        for case, token in forged_tokens(exchange, user_id).items():
            at_edge = call(exchange.http_url, "GET", "/v1/users/me", token=token)
            # "refresh typ" is well signed, so Envoy passes it; the service refuses it.
            assert at_edge.status == 401, (case, at_edge.status, at_edge.body)
            with pytest.raises(grpc.RpcError) as refused:
                stub.GetMe(user_pb2.GetMeRequest(), metadata=[("authorization", f"Bearer {token}")], timeout=5)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED, case
