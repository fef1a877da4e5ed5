"""PlaceOrder through Envoy REST against the real mesh: every instrument rule refused with 400
naming it (and nothing stored, locked or published), idempotency by client_order_id, the
happy path through Metadata, Risk and the Wallet, and the crash-safety of a placement."""
from __future__ import annotations

from decimal import Decimal

import pytest
from tradex.wallet.v1 import wallet_pb2

from services.order.domain.model import OrderType, SelfTradePrevention, Side
from services.order.domain.validation import parse_new_order
from services.platform.ids import new_id, now_ms
from tests.e2e.order_support import (
    approved_instrument,
    call,
    funded_user,
    limit_order,
    place,
    proposed_instrument,
    requires_risk,
    sql,
    token_for,
    wait_for,
)
from tests.e2e.wallet_support import internal_stub as wallet_stub
from tests.e2e.wallet_support import wallet_channel

pytestmark = pytest.mark.e2e
__all__ = ["requires_risk"]  # a fixture, used by name


@pytest.fixture(scope="module")
def instrument(exchange, admins) -> dict:
    # tick 0.01, lot 0.1, min notional 10, max quantity 1000, leverage <= 20, maker 0.0001, taker 0.0004
    return approved_instrument(exchange, admins)


@pytest.fixture(scope="module")
def untraded(exchange, admins) -> dict:
    """An instrument only ever sent refused orders: no engine command may exist for it."""
    return approved_instrument(exchange, admins)


@pytest.fixture(scope="module")
def trader(exchange) -> tuple[str, str]:
    return funded_user(exchange, "10000")


def wallet_balance(exchange, user_id: str) -> tuple:
    return sql(exchange, "select available, locked, version from wallet.balances where user_id = %s and "
                         "asset = 'USDT'", user_id)[0]


def nothing_kept(exchange, user_id: str) -> None:
    """No order, no attempt, no order.updated.v1 (keyed by user); and with no order there is no
    engine command either (commands are written only with their order)."""
    assert sql(exchange, "select count(*) from orders.orders where user_id = %s", user_id) == [(0,)]
    assert sql(exchange, "select count(*) from orders.placements where user_id = %s", user_id) == [(0,)]
    assert sql(exchange, "select count(*) from orders.outbox where key = %s", user_id) == [(0,)]


@pytest.mark.parametrize("change,status,words", [
    ({"price": "100.005"}, 400, "tick size rule"),
    ({"quantity": "1.05"}, 400, "lot size rule"),
    ({"quantity": "1000.1"}, 400, "max order quantity rule"),
    ({"price": "5.00", "quantity": "1"}, 400, "min notional rule"),
    ({"price": "1e2"}, 400, "price must be a plain decimal"),
    ({"price": ""}, 400, "price is required"),
    ({"quantity": "-1"}, 400, "quantity must be greater than 0"),
    ({"side": "SIDE_UNSPECIFIED"}, 400, "side is required"),
    ({"order_type": "ORDER_TYPE_MARKET"}, 400, "price must be empty for a MARKET order"),
    ({"client_order_id": "not valid!"}, 400, "client_order_id must be"),
    ({"leverage": "0.5"}, 400, "leverage must be at least 1"),
    ({"symbol": "NOPE-USDT-PERP"}, 400, "NOPE-USDT-PERP is not a listed instrument"),
])
def test_each_rule_is_refused_with_400_naming_it_and_nothing_is_kept(exchange, untraded, trader, change, status,
                                                                      words):
    user_id, token = trader
    before = wallet_balance(exchange, user_id)
    refused = place(exchange, token, {**limit_order(untraded["symbol"], "BUY", "100.00", "1"), **change})
    assert refused.status == status, refused.body
    assert words in refused.body["message"]
    nothing_kept(exchange, user_id)
    assert sql(exchange, "select count(*) from orders.outbox where key = %s", untraded["symbol"]) == [(0,)]
    assert wallet_balance(exchange, user_id) == before


def test_an_instrument_that_is_not_active_is_refused(exchange, admins, trader):
    user_id, token = trader
    pending = proposed_instrument(exchange, admins)
    refused = place(exchange, token, limit_order(pending["symbol"], "BUY", "100.00", "1"))
    assert refused.status == 400 and refused.body["message"].startswith("INSTRUMENT_NOT_ACTIVE"), refused.body
    nothing_kept(exchange, user_id)


def test_orders_need_a_signed_in_trader(exchange, instrument, trader):
    body = limit_order(instrument["symbol"], "BUY", "100.00", "1")
    assert place(exchange, None, body).status == 401
    admin_token = token_for(exchange, "some-admin", roles=("admin:maker",))
    assert place(exchange, admin_token, body).status == 403


def test_a_placed_order_locks_margin_and_publishes_its_command(exchange, instrument, trader, requires_risk):
    user_id, token = trader
    available_before = wallet_balance(exchange, user_id)[0]
    body = limit_order(instrument["symbol"], "BUY", "100.00", "2", leverage="10")
    placed = place(exchange, token, body)
    assert placed.status == 200, placed.body
    order = placed.body["order"]
    assert order["status"] == "ORDER_STATUS_NEW" and order["user_id"] == user_id
    # 200 notional / 10 leverage + 200 * 0.0004 taker-fee reserve
    assert Decimal(order["margin_locked"]) == Decimal("20.08") and order["margin_asset"] == "USDT"
    # Booked just after the commit, by the SYNC the placement queued with the order.
    wait_for(lambda: available_before - wallet_balance(exchange, user_id)[0] == Decimal("20.08"))
    available, locked, _ = wallet_balance(exchange, user_id)
    assert locked >= Decimal("20.08")
    bucket = f"om:{user_id}:{instrument['symbol']}"
    # One entry, a SetOrderMargin's ("order-margin:<call>"), not a LockFunds ("lock:<order>").
    assert sql(exchange, "select kind, split_part(idempotency_key, ':', 1) from wallet.journal_entries "
                         "where reference_id = %s", bucket) == [("FUNDS_LOCKED", "order-margin")]
    command = sql(exchange, "select topic, key from orders.outbox where event_id = %s",
                  f"cmd:{order['order_id']}:new")
    assert command == [("order.command.v1", instrument["symbol"])]
    wait_for(lambda: sql(exchange, "select published_at_unix_ms from orders.outbox where event_id = %s",
                         f"cmd:{order['order_id']}:new")[0][0])

    # The same client_order_id and body: the original order, nothing locked again.
    again = place(exchange, token, {**body, "price": "100.0"})
    assert again.status == 200 and again.body["order"]["order_id"] == order["order_id"]
    assert wallet_balance(exchange, user_id)[0] == available
    # The same id with another body is a conflict.
    conflict = place(exchange, token, {**body, "quantity": "3"})
    assert conflict.status == 409 and body["client_order_id"] in conflict.body["message"]
    # Another user may use the same client_order_id for an order of their own.
    other_id, other_token = funded_user(exchange, "1000")
    theirs = place(exchange, other_token, body)
    assert theirs.status == 200 and theirs.body["order"]["order_id"] != order["order_id"]


def test_a_risk_rejection_is_a_failed_precondition_with_its_reason(exchange, instrument, requires_risk):
    user_id, token = funded_user(exchange, "10")
    refused = place(exchange, token, limit_order(instrument["symbol"], "BUY", "100.00", "5", leverage="2"))
    assert refused.status == 400, refused.body
    assert refused.body["message"].startswith("INSUFFICIENT_MARGIN"), refused.body
    nothing_kept(exchange, user_id)
    above = place(exchange, token, limit_order(instrument["symbol"], "BUY", "100.00", "1", leverage="50"))
    assert above.status == 400 and above.body["message"].startswith("LEVERAGE_ABOVE"), above.body


def test_a_retry_after_a_crash_between_lock_and_commit_locks_once(exchange, instrument, requires_risk):
    """As if the process died after LockFunds: the attempt's row and its lock are there, but no
    order. The client's retry resumes under the same order_id and the funds are locked once."""
    user_id, token = funded_user(exchange, "1000")
    body = limit_order(instrument["symbol"], "BUY", "100.00", "1", leverage="10")
    request = parse_new_order(symbol=body["symbol"], side=Side.BUY, order_type=OrderType.LIMIT, time_in_force=None,
                              price=body["price"], quantity=body["quantity"], client_order_id=body["client_order_id"],
                              reduce_only=False, leverage="10", self_trade_prevention=SelfTradePrevention.DEFAULT)
    order_id = new_id()
    sql(exchange, "insert into orders.placements values (%s, %s, %s, %s, 1, %s, %s) returning order_id",
        user_id, body["client_order_id"], order_id, request.fingerprint(), now_ms(), now_ms())
    with wallet_channel(exchange) as channel:
        wallet_stub(channel).LockFunds(wallet_pb2.LockFundsRequest(order_id=order_id, user_id=user_id,
                                                                   asset="USDT", amount="10.04"))
    assert wallet_balance(exchange, user_id)[:2] == (Decimal("989.96"), Decimal("10.04"))

    placed = place(exchange, token, body)
    assert placed.status == 200, placed.body
    assert placed.body["order"]["order_id"] == order_id
    assert sql(exchange, "select count(*) from orders.placements where user_id = %s", user_id) == [(0,)]
    # The earlier attempt's lock went back and the bucket holds the order's margin: locked once.
    wait_for(lambda: sql(exchange, "select order_id, locked from wallet.order_funds where user_id = %s and "
                                   "locked > 0", user_id) == [(f"om:{user_id}:{body['symbol']}", Decimal("10.04"))])
    assert wallet_balance(exchange, user_id)[:2] == (Decimal("989.96"), Decimal("10.04"))


def test_the_reconciler_returns_the_lock_of_an_abandoned_placement(exchange, instrument):
    """As if the process died after LockFunds and the client never retried: once the attempt is
    old enough, the reconciler releases the lock and forgets the attempt."""
    user_id, token = funded_user(exchange, "100")
    order_id = new_id()
    long_ago = now_ms() - 10 * 60_000
    sql(exchange, "insert into orders.placements values (%s, 'c-abandoned', %s, 'fp', 1, %s, %s) "
                  "returning order_id", user_id, order_id, long_ago, long_ago)
    with wallet_channel(exchange) as channel:
        wallet_stub(channel).LockFunds(wallet_pb2.LockFundsRequest(order_id=order_id, user_id=user_id,
                                                                   asset="USDT", amount="40"))
    assert wallet_balance(exchange, user_id)[:2] == (Decimal("60"), Decimal("40"))
    wait_for(lambda: sql(exchange, "select count(*) from orders.placements where user_id = %s", user_id) == [(0,)],
             timeout=30)
    assert wallet_balance(exchange, user_id)[:2] == (Decimal("100"), Decimal("0"))
    ledger = call(exchange.http_url, "GET", "/v1/wallet/ledger?kind=JOURNAL_ENTRY_KIND_FUNDS_RELEASED", token=token)
    assert ledger.status == 200 and any(e["reference_id"] == order_id for e in ledger.body["entries"])
