"""Open orders on both sides of a symbol are margined the way Binance counts them: the user's
(user, symbol) order-margin bucket in the Wallet holds the larger side's margin, net of the
position, never both sides' (services/platform/money.py order_margin, services/order/app/
order_margin.py). Through Envoy, against the real Order, Risk, Wallet, Position and engine.

Instrument of approved_instrument(): tick 0.01, lot 0.1, taker fee 0.0004 (reserved on every
lock), index 100 with a 10% band. Every order here uses leverage 10, so one lot of 1 at price P
needs P / 10 + P * 0.0004."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from mesh.rest import call
from services.platform.money import order_margin_bucket
from tests.e2e.order_support import (
    approved_instrument,
    funded_user,
    limit_order,
    placed,
    requires_risk,
    resting,
    sql,
    wait_for,
    wait_for_status,
    wallet_balance,
)
from tests.e2e.test_exactly_once import kill_and_restart
from tests.e2e.test_positions import usdt_conserved

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("requires_risk")]
__all__ = ["requires_risk"]


def need(price: str, quantity: str = "1") -> D:
    notional = D(price) * D(quantity)
    return notional / 10 + notional * D("0.0004")


def bucket(exchange, user_id: str, symbol: str) -> D:
    rows = sql(exchange, "select locked from wallet.order_funds where order_id = %s",
               order_margin_bucket(user_id, symbol))
    return rows[0][0] if rows else D(0)


def locked_becomes(exchange, user_id: str, symbol: str, amount: D) -> None:
    """The bucket, and the user's whole USDT lock (nothing locked anywhere else), reach `amount`,
    with the rest of the deposit available."""
    def reached():
        available, locked, margin = wallet_balance(exchange, user_id)
        return (bucket(exchange, user_id, symbol), locked, available + locked + margin)
    wait_for(lambda: reached() == (amount, amount, D(1000)), timeout=30)


def go_long_one_at_100(exchange, symbol: str, token: str, counterparty: str) -> None:
    """The user (token) buys 1 @ 100 at leverage 10 from the counterparty's resting sell."""
    resting(exchange, counterparty, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    opened = placed(exchange, token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, token, opened["order_id"], "ORDER_STATUS_FILLED")


def cancel(exchange, token: str, order: dict) -> None:
    response = call(exchange.http_url, "DELETE", f"/v1/orders/{order['order_id']}", token=token)
    assert response.status == 200, response.body
    wait_for_status(exchange, token, order["order_id"], "ORDER_STATUS_CANCELLED")


def ledger_balanced(exchange, user_id: str) -> bool:
    """Every journal entry touching the user balances (credits = debits per asset), and the
    user's USDT accounts sum to what the postings say."""
    unbalanced = sql(exchange, "select j.journal_entry_id from wallet.journal_entries j join wallet.postings p using "
                               "(journal_entry_id) where j.journal_entry_id in (select journal_entry_id from "
                               "wallet.postings where user_id = %s) group by j.journal_entry_id, p.asset having "
                               "sum(case when p.direction = 'CREDIT' then p.amount else -p.amount end) <> 0", user_id)
    return not unbalanced and usdt_conserved(exchange)


def test_quoting_both_sides_locks_the_larger_side_and_cancels_leave_exactly_what_the_rest_needs(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    user_id, token = funded_user(exchange, "1000")

    # The bid comes first and carries the whole lock; the ask is the larger side by a little.
    bid = resting(exchange, token, limit_order(symbol, "BUY", "99.00", "1", leverage="10"))
    locked_becomes(exchange, user_id, symbol, need("99"))
    ask = resting(exchange, token, limit_order(symbol, "SELL", "101.00", "1", leverage="10"))
    assert D(ask["margin_locked"]) == need("101") - need("99")  # only what the larger side adds
    locked_becomes(exchange, user_id, symbol, need("101"))  # not need("99") + need("101")

    # A second ask makes the sell side larger still: only the sell side counts.
    ask2 = resting(exchange, token, limit_order(symbol, "SELL", "102.00", "1", leverage="10"))
    locked_becomes(exchange, user_id, symbol, need("101") + need("102"))

    # Cancel the bid, the order that carried the first lock: the asks keep their requirement.
    cancel(exchange, token, bid)
    locked_becomes(exchange, user_id, symbol, need("101") + need("102"))
    cancel(exchange, token, ask2)
    locked_becomes(exchange, user_id, symbol, need("101"))

    # The other way round: the bid is now the larger side; cancelling the ask leaves the bid's.
    bid = resting(exchange, token, limit_order(symbol, "BUY", "100.00", "2", leverage="10"))
    locked_becomes(exchange, user_id, symbol, need("100", "2"))
    cancel(exchange, token, ask)
    locked_becomes(exchange, user_id, symbol, need("100", "2"))

    # After the last cancel nothing stays locked and the ledger balances.
    cancel(exchange, token, bid)
    locked_becomes(exchange, user_id, symbol, D(0))
    assert wallet_balance(exchange, user_id) == (D(1000), D(0), D(0))
    assert ledger_balanced(exchange, user_id)


def test_a_position_offsets_the_closing_side_and_fills_leave_nothing_locked(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    user_id, token = funded_user(exchange, "1000")
    counterparty_id, counterparty = funded_user(exchange, "1000")
    go_long_one_at_100(exchange, symbol, token, counterparty)
    wait_for(lambda: wallet_balance(exchange, user_id)[2] == D(10))  # the position's margin
    locked_becomes_with_margin = lambda amount: wait_for(  # noqa: E731
        lambda: (bucket(exchange, user_id, symbol), wallet_balance(exchange, user_id)[1]) == (amount, amount),
        timeout=30)
    locked_becomes_with_margin(D(0))

    # A sell of 1 only closes the long: it needs nothing. A buy of 1 on the other side needs its own.
    close = resting(exchange, token, limit_order(symbol, "SELL", "105.00", "1", leverage="10"))
    assert D(close["margin_locked"]) == 0
    add = resting(exchange, token, limit_order(symbol, "BUY", "95.00", "1", leverage="10"))
    locked_becomes_with_margin(need("95"))
    # A sell of 3 in all would close 1 and open 2 (1 @ 105 is the cheaper to close with): the sell
    # side (2 @ 106) is now the larger.
    flip = resting(exchange, token, limit_order(symbol, "SELL", "106.00", "2", leverage="10"))
    locked_becomes_with_margin(need("106", "2"))

    # The counterparty takes the user's buy: the user is long 2, the sells now close 2 and open 1.
    placed(exchange, counterparty, limit_order(symbol, "SELL", "95.00", "1", leverage="10", time_in_force="TIME_IN_FORCE_IOC"))
    wait_for_status(exchange, token, add["order_id"], "ORDER_STATUS_FILLED")
    locked_becomes_with_margin(need("106"))
    # ... and takes all the sells: the user is short 1, nothing is open, nothing stays locked.
    placed(exchange, counterparty, limit_order(symbol, "BUY", "106.00", "3", leverage="10"))
    wait_for_status(exchange, token, close["order_id"], "ORDER_STATUS_FILLED")
    wait_for_status(exchange, token, flip["order_id"], "ORDER_STATUS_FILLED")
    locked_becomes_with_margin(D(0))
    wait_for(lambda: wallet_balance(exchange, user_id)[2] == D("10.6"), timeout=30)  # short 1 @ 106
    assert ledger_balanced(exchange, user_id) and ledger_balanced(exchange, counterparty_id)


def test_a_settlement_that_comes_after_its_fills_sync_is_followed_by_another_sync(exchange, admins):
    """The SYNC a fill owes can reach the Wallet before the fill's settlement.v1 (they travel two
    paths). With Position down while the orders cross, the settlement surely comes last: it takes
    the fill's margin and fee from a bucket already set without them, and the Order service, told
    by the Wallet's balance update, sets the bucket right again (services/order/api/consumers.py)."""
    symbol = approved_instrument(exchange, admins)["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    _, buyer_token = funded_user(exchange, "1000")
    resting(exchange, seller_token, limit_order(symbol, "SELL", "100.00", "2", leverage="10"))
    wait_for(lambda: bucket(exchange, seller_id, symbol) == need("100", "2"))

    def cross_while_position_is_down() -> None:
        taker = placed(exchange, buyer_token, limit_order(symbol, "BUY", "100.00", "0.5", leverage="10"))
        wait_for_status(exchange, buyer_token, taker["order_id"], "ORDER_STATUS_FILLED")
        # The maker's fill owed a SYNC: its bucket holds what the 1.5 left need, nothing settled yet.
        wait_for(lambda: bucket(exchange, seller_id, symbol) == need("100", "1.5"), timeout=30)
        assert wallet_balance(exchange, seller_id) == (D(1000) - need("100", "1.5"), need("100", "1.5"), D(0))

    kill_and_restart(exchange, "position", before_restart=cross_while_position_is_down)
    # Settled (margin 5, maker fee 0.005) and the bucket set back to what the 1.5 need.
    wait_for(lambda: wallet_balance(exchange, seller_id) == (D(1000) - D("5.005") - need("100", "1.5"),
                                                             need("100", "1.5"), D(5)), timeout=40)
    assert bucket(exchange, seller_id, symbol) == need("100", "1.5")


def test_a_position_update_alone_re_levels_the_bucket(exchange, admins):
    """A fill's SYNC computes with the Order service's copy of the position, which
    position.updated.v1 brings later. With Position down while the user's closing IOC fills, that
    SYNC still sees the old long, so the resting sell counts as closing and the bucket goes to 0;
    the position's update, once Position is back, owes the SYNC that finds the sell now opens a
    short (services/order/api/consumers.py, _position_changed)."""
    symbol = approved_instrument(exchange, admins)["symbol"]
    user_id, token = funded_user(exchange, "1000")
    _, counterparty = funded_user(exchange, "1000")
    go_long_one_at_100(exchange, symbol, token, counterparty)
    wait_for(lambda: sql(exchange, "select size from orders.positions where user_id = %s and symbol = %s",
                         user_id, symbol) == [(D(1),)], timeout=30)
    close = resting(exchange, token, limit_order(symbol, "SELL", "105.00", "1", leverage="10"))
    assert D(close["margin_locked"]) == 0

    def close_the_long_while_position_is_down() -> None:
        resting(exchange, counterparty, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
        ioc = placed(exchange, token, limit_order(symbol, "SELL", "100.00", "1", leverage="10",
                                                  time_in_force="TIME_IN_FORCE_IOC"))
        wait_for_status(exchange, token, ioc["order_id"], "ORDER_STATUS_FILLED")
        # The IOC's fill owed a SYNC, computed on the copy that still says long 1.
        wait_for(lambda: bucket(exchange, user_id, symbol) == D(0), timeout=30)

    kill_and_restart(exchange, "position", before_restart=close_the_long_while_position_is_down)
    wait_for(lambda: sql(exchange, "select size from orders.positions where user_id = %s and symbol = %s",
                         user_id, symbol) == [(D(0),)], timeout=40)
    wait_for(lambda: bucket(exchange, user_id, symbol) == need("105"), timeout=30)
