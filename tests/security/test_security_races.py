"""Issue 8 item 4, through Envoy on the real mesh, with exact lock amounts:

- twenty concurrent identical placements (same client_order_id, same body) all answer with the one
  original order (waiting for it), and the funds are locked once -- never twice, not even for the
  moment before a reconciler would have noticed;
- ten concurrent amends of one order: one amend is in flight per order (those arriving while
  another waits for the engine are refused, 409, before anything is locked), and the order ends
  with exactly the lock its final quantity needs, in the Wallet and on the order.

Instrument (tests/e2e/test_configuration_flow.new_spec): tick 0.01, lot 0.1, taker fee 0.0004. A BUY
of q at 99.00 with leverage 10 needs 99*q/10 + 99*q*0.0004 = 9.9396*q USDT.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from services.platform.money import order_margin_bucket
from tests.e2e.order_support import (
    approved_instrument,
    call,
    funded_user,
    get_order,
    limit_order,
    place,
    requires_risk,
    resting,
    sql,
    wait_for,
    wallet_balance,
)

pytestmark = pytest.mark.e2e
__all__ = ["requires_risk"]  # a fixture, used by name
PER_LOT = Decimal("9.9396")  # the lock of quantity 1 at 99.00, leverage 10


@pytest.fixture(scope="module")
def instrument(exchange, admins) -> dict:
    return approved_instrument(exchange, admins)


def test_concurrent_identical_placements_answer_the_one_order_and_lock_once(exchange, instrument,
                                                                            requires_risk):
    user_id, token = funded_user(exchange, "1000")
    body = limit_order(instrument["symbol"], "BUY", "99.00", "2", leverage="10",
                       time_in_force="TIME_IN_FORCE_POST_ONLY")
    expected_lock = 2 * PER_LOT
    locked_seen: list[Decimal] = []
    done = False

    def watch():
        while not done:
            locked_seen.append(wallet_balance(exchange, user_id)[1])

    with ThreadPoolExecutor(max_workers=21) as pool:
        watcher = pool.submit(watch)
        answers = list(pool.map(lambda _: place(exchange, token, body), range(20)))
        # The margin is booked by the SYNC just after the commit: watched until it is.
        wait_for(lambda: wallet_balance(exchange, user_id)[:2] == (Decimal(1000) - expected_lock, expected_lock))
        done = True
        watcher.result()

    assert [a.status for a in answers] == [200] * 20, [(a.status, a.body) for a in answers if a.status != 200]
    order_ids = {a.body["order"]["order_id"] for a in answers}
    assert len(order_ids) == 1
    assert sql(exchange, "select count(*) from orders.orders where user_id = %s", user_id) == [(1,)]
    assert sql(exchange, "select count(*) from orders.placements where user_id = %s", user_id) == [(0,)]
    # Locked once, at every moment the watcher looked and at the end, wallet and order alike.
    assert locked_seen and max(locked_seen) <= expected_lock, max(locked_seen)
    assert Decimal(answers[0].body["order"]["margin_locked"]) == expected_lock
    # The Wallet never saw more locked than once, in the one order-margin bucket of the symbol.
    assert sql(exchange, "select order_id, total_locked from wallet.order_funds where user_id = %s",
               user_id) == [(order_margin_bucket(user_id, instrument["symbol"]), expected_lock)]


def test_concurrent_amends_leave_exactly_the_lock_the_final_quantity_needs(exchange, instrument, requires_risk):
    user_id, token = funded_user(exchange, "1000")
    order = resting(exchange, token, limit_order(instrument["symbol"], "BUY", "99.00", "1", leverage="10",
                                                 time_in_force="TIME_IN_FORCE_POST_ONLY"))
    order_id = order["order_id"]
    wait_for(lambda: wallet_balance(exchange, user_id)[1] == PER_LOT)

    quantities = [str(q) for q in range(2, 12)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(
            lambda q: call(exchange.http_url, "PATCH", f"/v1/orders/{order_id}", {"quantity": q}, token),
            quantities))
    accepted = {Decimal(q) for q, a in zip(quantities, answers, strict=True) if a.status == 200}
    refused = [a for a in answers if a.status != 200]
    # One amend in flight per order: those that came while another waited for the engine were
    # refused (409, retry) before anything was locked.
    assert accepted, [(a.status, a.body) for a in answers]
    assert all(a.status == 409 and "amend waiting" in a.body["message"] for a in refused), \
        [(a.status, a.body) for a in refused]

    def settled():
        o = get_order(exchange, token, order_id).body["order"]
        if o["amend_requested_at_unix_ms"] != "0":
            return None
        need = Decimal(o["quantity"]) * PER_LOT
        return o if wallet_balance(exchange, user_id)[1] == need else None
    confirmed = wait_for(settled)
    final = Decimal(confirmed["quantity"])
    assert final in accepted
    assert Decimal(confirmed["margin_locked"]) == final * PER_LOT
    available, locked, _ = wallet_balance(exchange, user_id)
    assert (available, locked) == (Decimal(1000) - final * PER_LOT, final * PER_LOT)

    # Once confirmed, the next amend is accepted and again leaves exactly what it needs.
    smaller = call(exchange.http_url, "PATCH", f"/v1/orders/{order_id}", {"quantity": "3"}, token)
    assert smaller.status == 200, smaller.body
    wait_for(lambda: wallet_balance(exchange, user_id)[1] == 3 * PER_LOT)
    assert Decimal(get_order(exchange, token, order_id).body["order"]["margin_locked"]) == 3 * PER_LOT

    # Cancelled: everything comes back.
    assert call(exchange.http_url, "DELETE", f"/v1/orders/{order_id}", token=token).status == 200
    wait_for(lambda: wallet_balance(exchange, user_id)[:2] == (Decimal(1000), Decimal(0)))
