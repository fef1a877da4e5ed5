"""Issue 8 item 3, unknown JSON fields, through Envoy on the real mesh.

Observed before this change: Envoy's grpc_json_transcoder dropped unknown body fields silently (a
signup with "roles", a login with "bogus" were 200) and has no option to refuse them (its request
validation options cover unknown methods and query parameters only). Now a Lua filter ahead of the
transcoder lists the body's top-level keys and the service's guard refuses any the request message
does not define: 400 naming the field, nothing stored."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.order_support import (
    approved_instrument,
    call,
    funded_user,
    limit_order,
    place,
    sql,
    wallet_balance,
)

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-secret-42"


def _email() -> str:
    return f"uf-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="module")
def instrument(exchange, admins) -> dict:
    return approved_instrument(exchange, admins)


def test_signup_with_roles_is_400_naming_the_field_and_stores_nothing(exchange):
    email = _email()
    refused = call(exchange.http_url, "POST", "/v1/auth/signup",
                   {"email": email, "password": PASSWORD, "roles": ["admin:maker"]})
    assert refused.status == 400, refused.body
    assert "unknown field 'roles'" in refused.body["message"]
    assert sql(exchange, "select count(*) from auth.accounts where email = %s", email) == [(0,)]
    assert call(exchange.http_url, "POST", "/v1/auth/signup", {"email": email, "password": PASSWORD}).status == 200


@pytest.mark.parametrize("extra", [
    {"time_in_forc": "TIME_IN_FORCE_IOC"},  # a typo that used to become the default silently
    {"user_id": "someone-else"},
    {"status": "ORDER_STATUS_FILLED"},
    {"filled_quantity": "1"},
    {"nested": {"a": [1, {"b": "}\",{"}], "c": None}},
])
def test_order_with_an_unknown_field_is_400_naming_it_and_nothing_is_locked(exchange, instrument, extra):
    user_id, token = funded_user(exchange, "100")
    refused = place(exchange, token, {**limit_order(instrument["symbol"], "BUY", "99.00", "0.2", leverage="10"),
                                      **extra})
    (name,) = extra
    assert refused.status == 400, refused.body
    assert f"unknown field '{name}'" in refused.body["message"], refused.body
    assert sql(exchange, "select count(*) from orders.orders where user_id = %s", user_id) == [(0,)]
    assert wallet_balance(exchange, user_id)[1] == 0


def test_known_fields_in_either_spelling_and_tricky_values_are_accepted(exchange, instrument):
    _, token = funded_user(exchange, "100")
    body = limit_order(instrument["symbol"], "BUY", "99.00", "0.2", leverage="10")
    body["clientOrderId"] = body.pop("client_order_id")
    body["timeInForce"] = "TIME_IN_FORCE_POST_ONLY"
    placed = place(exchange, token, body)
    assert placed.status == 200, placed.body
    assert placed.body["order"]["time_in_force"] == "TIME_IN_FORCE_POST_ONLY"


def test_the_client_cannot_set_or_clear_the_field_list_itself(exchange):
    # The edge replaces whatever the client sent in x-tradex-json-fields.
    import json
    import urllib.request

    def send(body: dict, listed: str):
        request = urllib.request.Request(exchange.http_url + "/v1/auth/login", data=json.dumps(body).encode(),
                                         method="POST", headers={"content-type": "application/json",
                                                                 "x-tradex-json-fields": listed})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    email = _email()
    assert call(exchange.http_url, "POST", "/v1/auth/signup", {"email": email, "password": PASSWORD}).status == 200
    assert send({"email": email, "password": PASSWORD, "bogus": 1}, "email,password") == 400
    assert send({"email": email, "password": PASSWORD}, "bogus") == 200
