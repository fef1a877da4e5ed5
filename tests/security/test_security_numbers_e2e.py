"""Issue 8 item 3 through Envoy: decimal text outside the one grammar (services/platform/decimals.py)
is a 400 naming the field, for orders and deposits alike, and nothing is stored or locked."""
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
from tests.e2e.wallet_support import open_wallet

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def instrument(exchange, admins) -> dict:
    return approved_instrument(exchange, admins)


@pytest.mark.parametrize("field,text", [
    ("quantity", "٠.٢"), ("price", "５０"), ("leverage", "١٠"), ("quantity", "1e0"), ("price", "+99"),
    ("quantity", "-1"), ("leverage", "2.555"), ("price", " 99"),
])
def test_order_decimals_outside_the_grammar_are_400_naming_the_field(exchange, instrument, field, text):
    user_id, token = funded_user(exchange, "100")
    body = limit_order(instrument["symbol"], "BUY", "99.00", "0.2", leverage="10")
    body[field] = text
    refused = place(exchange, token, body)
    assert refused.status == 400, refused.body
    assert refused.body["message"].startswith(f"{field} "), refused.body
    assert sql(exchange, "select count(*) from orders.orders where user_id = %s", user_id) == [(0,)]
    assert wallet_balance(exchange, user_id)[1] == 0


@pytest.mark.parametrize("text", ["５０", "٥٠", "1e2", "+50", "-50", "50.", "NaN"])
def test_deposit_amounts_outside_the_grammar_are_400_naming_the_field(exchange, text):
    _, token = open_wallet(exchange)
    refused = call(exchange.http_url, "POST", "/v1/deposit",
                   {"asset": "USDT", "amount": text, "client_request_id": uuid.uuid4().hex}, token)
    assert refused.status == 400, refused.body
    assert refused.body["message"].startswith("amount "), refused.body
