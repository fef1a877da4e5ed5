"""The order state machine table and the lifecycle functions built on it."""
from dataclasses import replace
from decimal import Decimal as D

import pytest

from services.order.domain import lifecycle
from services.order.domain.model import (
    LiquidityRole,
    Order,
    OrderType,
    SelfTradePrevention,
    Side,
    TimeInForce,
    TradeLeg,
)
from services.order.domain.order_state import (
    FINAL_STATUSES,
    TRANSITIONS,
    IllegalTransition,
    OrderEvent,
    OrderStatus,
    next_status,
)
from services.platform.errors import FailedPrecondition

S, E = OrderStatus, OrderEvent


def make_order(**changes) -> Order:
    order = Order(
        order_id="01ORDER", client_order_id="c-1", user_id="u-1", symbol="BTC-USDT-PERP", side=Side.BUY,
        order_type=OrderType.LIMIT, time_in_force=TimeInForce.GTC, price=D("100"), quantity=D("2"),
        leverage=D("10"), reduce_only=False, self_trade_prevention=SelfTradePrevention.DEFAULT,
        margin_asset="USDT", tick_size=D("0.1"), lot_size=D("0.001"), maker_fee_rate=D("-0.0001"),
        taker_fee_rate=D("0.0005"), request_fingerprint="fp", created_at_unix_ms=1000, updated_at_unix_ms=1000,
        # price * quantity / leverage + taker reserve = 20 + 0.1
        margin_locked=D("20.1"))
    return replace(order, **changes)


def leg(quantity: str, remaining: str, *, price: str = "100", role=LiquidityRole.TAKER, trade_id="BTC:1") -> TradeLeg:
    return TradeLeg(trade_id=trade_id, price=D(price), quantity=D(quantity), role=role,
                    remaining_quantity=D(remaining), executed_at_unix_ms=2000)


@pytest.mark.parametrize("status,event,expected", [
    (S.NEW, E.ACCEPTED, S.NEW),
    (S.NEW, E.REJECTED, S.REJECTED),
    (S.NEW, E.PARTIAL_FILL, S.PARTIALLY_FILLED),
    (S.NEW, E.FULL_FILL, S.FILLED),
    (S.NEW, E.CANCELLED, S.CANCELLED),
    (S.NEW, E.EXPIRED, S.EXPIRED),
    (S.NEW, E.AMENDED, S.NEW),
    (S.PARTIALLY_FILLED, E.PARTIAL_FILL, S.PARTIALLY_FILLED),
    (S.PARTIALLY_FILLED, E.FULL_FILL, S.FILLED),
    (S.PARTIALLY_FILLED, E.CANCELLED, S.CANCELLED),
    (S.PARTIALLY_FILLED, E.EXPIRED, S.EXPIRED),
    (S.PARTIALLY_FILLED, E.AMENDED, S.PARTIALLY_FILLED),
])
def test_allowed_transitions(status, event, expected):
    assert next_status(status, event) is expected


def test_the_table_is_exactly_the_documented_graph():
    # order.proto: NEW -> PARTIALLY_FILLED -> FILLED; NEW or PARTIALLY_FILLED -> CANCELLED or
    # EXPIRED; NEW -> REJECTED. Nothing else changes a status.
    changes = {(a, b) for (a, _), b in TRANSITIONS.items() if a is not b}
    assert changes == {(S.NEW, S.PARTIALLY_FILLED), (S.NEW, S.FILLED), (S.PARTIALLY_FILLED, S.FILLED),
                       (S.NEW, S.CANCELLED), (S.NEW, S.EXPIRED), (S.PARTIALLY_FILLED, S.CANCELLED),
                       (S.PARTIALLY_FILLED, S.EXPIRED), (S.NEW, S.REJECTED)}


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
@pytest.mark.parametrize("event", list(OrderEvent))
def test_final_statuses_have_no_way_out(status, event):
    with pytest.raises(IllegalTransition):
        next_status(status, event)


@pytest.mark.parametrize("event", [E.REJECTED, E.ACCEPTED])
def test_a_partly_filled_order_cannot_be_rejected_or_accepted_again(event):
    with pytest.raises(IllegalTransition):
        next_status(S.PARTIALLY_FILLED, event)


def test_partial_then_full_fill_tracks_quantities_fees_and_margin():
    order = make_order()
    partly, first = lifecycle.fill(order, leg("0.5", "1.5"))
    assert partly.status is S.PARTIALLY_FILLED and partly.version == 2
    assert first.fee == D("0.025") and first.margin == D("5") and first.liquidity_role is LiquidityRole.TAKER
    assert partly.filled_quantity == D("0.5") and partly.remaining_quantity == D("1.5")
    # 20.1 locked - 5 margin - 0.025 fee taken from the lock
    assert partly.margin_locked == D("15.075")
    full, second = lifecycle.fill(partly, leg("1.5", "0", price="99", trade_id="BTC:2"))
    assert full.status is S.FILLED and full.closed_at_unix_ms == 2000 and full.remaining_quantity == 0
    assert full.average_fill_price == D("99.25")  # (0.5 * 100 + 1.5 * 99) / 2
    assert full.fees == D("0.025") + D("0.07425")
    assert second.trade_id == "BTC:2" and second.user_id == "u-1"


def test_maker_fill_with_a_negative_rate_is_a_rebate():
    _, maker = lifecycle.fill(make_order(), leg("1", "1", role=LiquidityRole.MAKER))
    assert maker.fee == D("-0.01") and maker.liquidity_role is LiquidityRole.MAKER


@pytest.mark.parametrize("changes", [{"reduce_only": True}, {"is_liquidation": True, "liquidation_id": "l-1"}])
def test_reduce_only_and_liquidation_fills_move_no_margin(changes):
    _, fill = lifecycle.fill(make_order(**changes), leg("1", "1"))
    assert fill.margin == 0


def test_the_engines_remaining_quantity_decides_filled():
    # After an amend the engine's figure is the truth, not quantity - filled as we last knew it.
    order, _ = lifecycle.fill(make_order(), leg("1", "0"))
    assert order.status is S.FILLED


def test_cancel_and_expire_close_the_order_and_clear_pending_requests():
    requested = lifecycle.request_cancel(make_order(), 1500)
    assert requested.cancel_requested_at_unix_ms == 1500
    cancelled = lifecycle.cancel(requested, "USER_REQUESTED", 3000)
    assert cancelled.status is S.CANCELLED and cancelled.cancel_reason == "USER_REQUESTED"
    assert cancelled.cancel_requested_at_unix_ms == 0 and cancelled.closed_at_unix_ms == 3000
    expired = lifecycle.expire(make_order(), "IOC_REMAINDER", 3000)
    assert expired.status is S.EXPIRED and expired.expire_reason == "IOC_REMAINDER"


def test_cancelling_a_closed_order_is_a_failed_precondition():
    filled, _ = lifecycle.fill(make_order(), leg("2", "0"))
    with pytest.raises(FailedPrecondition):
        lifecycle.request_cancel(filled, 4000)


def test_rejection_only_from_new():
    rejected = lifecycle.reject(make_order(), "POST_ONLY_WOULD_TAKE", "would take", 2000)
    assert rejected.status is S.REJECTED and rejected.status_message == "would take"
    with pytest.raises(IllegalTransition):
        lifecycle.reject(rejected, "POST_ONLY_WOULD_TAKE", "", 2100)


def test_an_amend_that_reduces_quantity_frees_the_excess_lock():
    amended = lifecycle.amend(make_order(), None, D("1"), 2000)
    assert amended.quantity == D("1") and amended.price == D("100")
    # needs 10 margin + 0.05 taker reserve for the 1 left open
    assert lifecycle.excess_lock(amended) == D("10.05")
    assert lifecycle.release(amended, D("10.05")).margin_locked == D("10.05")


def test_an_amend_that_needs_more_keeps_everything():
    requested = lifecycle.request_amend(make_order(), 1500, D("10.05"))
    assert requested.margin_locked == D("30.15") and requested.amend_count == 1
    amended = lifecycle.amend(requested, None, D("3"), 2000)
    assert lifecycle.excess_lock(amended) == 0


def test_every_change_bumps_the_version_once():
    order = make_order()
    assert lifecycle.accept(order, 1100).version == 2
    assert lifecycle.accept(order, 1100).accepted_at_unix_ms == 1100
    # A lock bookkeeping update is not a change of the order.
    assert lifecycle.release(order, None).version == 1
