"""The service half of the unknown-JSON-field check (services/platform/json_fields.py) and the edge
half's place in the generated Envoy config (gateway/envoy_config.py, gateway/json_fields_lua.py)."""
from __future__ import annotations

import re

import pytest
import tradex.auth.v1.auth_pb2  # noqa: F401  (registers the services' descriptors)
import tradex.order.v1.order_pb2  # noqa: F401

from gateway.json_fields_lua import JSON_FIELDS_HEADER, JSON_FIELDS_LUA
from services.platform.errors import InvalidArgument
from services.platform.json_fields import HEADER, body_fields, check_json_fields

PLACE = "/tradex.order.v1.OrderService/PlaceOrder"
SIGNUP = "/tradex.auth.v1.AuthService/Signup"


def test_the_edge_and_the_service_agree_on_the_header():
    assert HEADER == JSON_FIELDS_HEADER
    assert f'"{HEADER}"' in JSON_FIELDS_LUA and "headers:remove(HEADER)" in JSON_FIELDS_LUA


def test_body_fields_follow_the_http_rule_in_both_spellings():
    assert body_fields(SIGNUP) == {"email", "password"}
    place = body_fields(PLACE)
    assert {"time_in_force", "timeInForce", "client_order_id", "clientOrderId", "quantity"} <= place
    assert not {"user_id", "status", "filled_quantity"} & place


@pytest.mark.parametrize("listed", ["email,password", "email", "", None])
def test_known_or_absent_lists_pass(listed):
    check_json_fields(SIGNUP, [] if listed is None else [(HEADER, listed)])


@pytest.mark.parametrize("method,listed,unknown", [
    (SIGNUP, "email,password,roles", "roles"),
    (PLACE, "symbol,time_in_forc", "time_in_forc"),
    (PLACE, "user_id", "user_id"),
    (PLACE, "symbo\\u006c", "symbo\\u006c"),  # escaped keys are not decoded: unknown
    ("/tradex.nope.v1.Nope/Call", "x", "x"),  # no body rule: any field is unknown
])
def test_unknown_fields_are_invalid_argument_naming_them(method, listed, unknown):
    with pytest.raises(InvalidArgument, match=re.escape(f"unknown field {unknown!r}")):
        check_json_fields(method, [(HEADER, listed)])
