"""The Order service under failure, on the real mesh: SIGKILLed while the matching engine's
events arrive, wallet calls sent again after the wallet answered, a suspended account's orders
withdrawn. Nothing is lost and nothing is applied (or settled) twice."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2

from services.platform.ids import now_ms
from services.platform.money import order_margin_bucket
from tests.e2e.order_support import (
    approved_instrument,
    fills,
    funded_user,
    limit_order,
    placed,
    redeliver,
    requires_risk,
    resting,
    sql,
    trades_of,
    wait_for,
    wait_for_status,
    wallet_balance,
    wallet_calls_queued,
)
from tests.e2e.test_exactly_once import kill_and_restart
from tests.e2e.wallet_support import produce

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("requires_risk")]
__all__ = ["requires_risk"]


@pytest.fixture
def instrument(exchange, admins) -> dict:
    return approved_instrument(exchange, admins)


def settlements(exchange, order_id: str) -> list:
    return sql(exchange, "select idempotency_key from wallet.journal_entries where idempotency_key like %s",
               f"settlement:trade:%:{order_id}")


def test_killed_while_the_engine_fills_its_orders_each_fill_is_applied_and_settled_once(exchange, instrument):
    symbol = instrument["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    buyer_id, buyer_token = funded_user(exchange, "1000")
    asks = [resting(exchange, seller_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
            for _ in range(3)]
    taker = placed(exchange, buyer_token, limit_order(symbol, "BUY", "100.00", "3", leverage="10"))
    command = f"cmd:{taker['order_id']}:new"
    # Kill the order service as soon as the taker's command reached Kafka: the engine matches
    # while the service is down, and its events wait in engine.event.v1.
    wait_for(lambda: sql(exchange, "select published_at_unix_ms from orders.outbox where event_id = %s",
                         command)[0][0], interval=0.01)

    def while_down() -> None:
        # The engine's three trades with the taker are on the topic before the restart.
        wait_for(lambda: len(trades_of(exchange, taker["order_id"])) == 3)

    kill_and_restart(exchange, "order", before_restart=while_down)
    wait_for_status(exchange, buyer_token, taker["order_id"], "ORDER_STATUS_FILLED")
    for ask in asks:
        wait_for_status(exchange, seller_token, ask["order_id"], "ORDER_STATUS_FILLED")
    assert len(fills(exchange, buyer_token)) == 3 and len(fills(exchange, seller_token)) == 3
    trade_ids = [f["trade_id"] for f in fills(exchange, buyer_token)]

    # Redelivered after the restart: still nothing twice.
    for trade_id in trade_ids:
        redeliver(exchange, trade_id)
    # No wallet call is keyed by the orders themselves: the fills are Position's settlement.v1 and
    # the margin is in the symbol's order-margin bucket (no final ReleaseFunds that would find nothing).
    assert wallet_calls_queued(exchange, taker["order_id"]) == []
    for ask in asks:
        assert wallet_calls_queued(exchange, ask["order_id"]) == []
    wait_for(lambda: len(settlements(exchange, taker["order_id"])) == 3)
    # 3 * 100 / 10 margin each side; fees 300 * 0.0004 (taker) and 300 * 0.0001 (maker).
    wait_for(lambda: wallet_balance(exchange, buyer_id) == (D("1000") - D("30") - D("0.12"), D("0"), D("30")))
    wait_for(lambda: wallet_balance(exchange, seller_id) == (D("1000") - D("30") - D("0.03"), D("0"), D("30")))

    # The drainer dies after the wallet answered but before it noted that: the restarted service
    # sends the same calls again, and the wallet replays them instead of posting twice.
    # (Order's wallet calls for these orders are the SYNCs of the buyer's order-margin bucket.)
    bucket = order_margin_bucket(buyer_id, symbol)
    assert sql(exchange, "select count(*) from orders.wallet_calls where order_id = %s", bucket)[0][0] > 0
    kill_and_restart(exchange, "order", before_restart=lambda: sql(
        exchange, "update orders.wallet_calls set done_at_unix_ms = null where order_id = %s returning id", bucket))
    wait_for(lambda: sql(exchange, "select count(*) from orders.wallet_calls where order_id = %s and "
                                   "done_at_unix_ms is null", bucket) == [(0,)])
    assert len(settlements(exchange, taker["order_id"])) == 3
    assert wallet_balance(exchange, buyer_id) == (D("1000") - D("30") - D("0.12"), D("0"), D("30"))
    assert len(fills(exchange, buyer_token)) == 3


def test_a_suspended_accounts_open_orders_are_withdrawn(exchange, instrument):
    user_id, token = funded_user(exchange, "1000")
    order = resting(exchange, token, limit_order(instrument["symbol"], "BUY", "91.00", "1"))
    produce(exchange, "user.status_changed.v1", user_id, user_events.UserStatusChanged(
        user_id=user_id, from_status=user_pb2.ACCOUNT_STATUS_ACTIVE, to_status=user_pb2.ACCOUNT_STATUS_SUSPENDED,
        reason="test", changed_by="admin", changed_at_unix_ms=now_ms()))
    cancelled = wait_for_status(exchange, token, order["order_id"], "ORDER_STATUS_CANCELLED")
    assert cancelled["cancel_reason"] == "ORDER_CANCEL_REASON_ACCOUNT_SUSPENDED"
    wait_for(lambda: wallet_balance(exchange, user_id) == (D("1000"), D("0"), D("0")))
