"""Placement input and instrument rules: every refusal names its field and rule."""
from dataclasses import replace
from decimal import Decimal as D

import pytest

from services.order.domain import money
from services.order.domain.model import InstrumentRules, OrderType, SelfTradePrevention, Side, TimeInForce
from services.order.domain.validation import (
    check_instrument_rules,
    check_liquidation,
    check_min_notional,
    parse_amend,
    parse_new_order,
)
from services.platform.errors import FailedPrecondition, InvalidArgument

BTC = InstrumentRules(symbol="BTC-USDT-PERP", status="ACTIVE", quote_asset="USDT", tick_size=D("0.1"),
                      lot_size=D("0.001"), min_notional=D("5"), max_order_quantity=D("100"),
                      max_leverage=D("50"), maker_fee_rate=D("0.0002"), taker_fee_rate=D("0.0005"))


def request(**changes):
    values = dict(symbol="BTC-USDT-PERP", side=Side.BUY, order_type=OrderType.LIMIT, time_in_force=None,
                  price="65000.1", quantity="0.01", client_order_id="c-1", reduce_only=False, leverage="",
                  self_trade_prevention=SelfTradePrevention.DEFAULT)
    values.update(changes)
    return parse_new_order(**values)


def test_a_valid_limit_order_parses_with_defaults():
    order = request()
    # leverage 0: none given, so the per-symbol setting applies (Risk resolves it at the check)
    assert order.time_in_force is TimeInForce.GTC and order.leverage == 0 and order.price == D("65000.1")
    check_instrument_rules(order, BTC)


def test_market_orders_are_ioc_and_priceless():
    order = request(order_type=OrderType.MARKET, price="")
    assert order.time_in_force is TimeInForce.IOC and order.price is None
    check_instrument_rules(order, BTC)  # min notional waits for Risk's reference price


@pytest.mark.parametrize("changes,words", [
    ({"symbol": ""}, "symbol is required"),
    ({"symbol": "BTCUSDT"}, "symbol must look like"),
    ({"side": None}, "side is required"),
    ({"order_type": None}, "order_type is required"),
    ({"price": ""}, "price is required"),
    ({"price": "-1"}, "price must be greater than 0"),
    ({"price": "1e5"}, "price must be a plain decimal"),
    ({"price": "abc"}, "price must be a decimal"),
    ({"quantity": "0"}, "quantity must be greater than 0"),
    ({"quantity": ""}, "quantity is required"),
    ({"client_order_id": ""}, "client_order_id is required"),
    ({"client_order_id": "has space"}, "client_order_id must be"),
    ({"client_order_id": "x" * 37}, "client_order_id must be"),
    ({"leverage": "0.5"}, "leverage must be at least 1"),
    ({"leverage": "NaN"}, "leverage must be a plain decimal"),
    ({"order_type": OrderType.MARKET}, "price must be empty for a MARKET order"),
    ({"order_type": OrderType.MARKET, "price": "", "time_in_force": TimeInForce.GTC}, "time_in_force GTC"),
])
def test_syntax_errors_name_the_field(changes, words):
    with pytest.raises(InvalidArgument) as refused:
        request(**changes)
    assert words in refused.value.message


@pytest.mark.parametrize("changes,rule", [
    ({"price": "65000.15"}, "tick size rule"),
    ({"quantity": "0.0105"}, "lot size rule"),
    ({"quantity": "100.001"}, "max order quantity rule"),
    ({"price": "100", "quantity": "0.01"}, "min notional rule"),
])
def test_instrument_rules_name_the_rule(changes, rule):
    with pytest.raises(InvalidArgument) as refused:
        check_instrument_rules(request(**changes), BTC)
    assert rule in refused.value.message and "BTC-USDT-PERP" in refused.value.message


def test_min_notional_counts_the_exact_product():
    check_min_notional(D("500"), D("0.01"), BTC)  # exactly 5
    with pytest.raises(InvalidArgument):
        check_min_notional(D("499.9"), D("0.01"), BTC)


@pytest.mark.parametrize("status", ["PENDING", "REJECTED"])
def test_an_instrument_that_is_not_active_is_a_failed_precondition(status):
    with pytest.raises(FailedPrecondition) as refused:
        check_instrument_rules(request(), replace(BTC, status=status))
    assert refused.value.reason == "INSTRUMENT_NOT_ACTIVE" and status in refused.value.message


def test_the_fingerprint_ignores_decimal_spelling_but_not_values():
    assert request(price="65000.10", quantity="0.010").fingerprint() == request().fingerprint()
    assert request(quantity="0.02").fingerprint() != request().fingerprint()
    assert request(reduce_only=True).fingerprint() != request().fingerprint()


def test_amend_rules():
    current = dict(current_price=D("100"), current_quantity=D("2"), filled_quantity=D("0.5"), instrument=BTC)
    assert parse_amend(price="", quantity="1", **current).quantity == D("1")
    assert parse_amend(price="101.5", quantity="", **current).price == D("101.5")
    for price, quantity, words in [("", "", "at least one of price and quantity"),
                                   ("100.05", "", "tick size rule"), ("", "0.5", "above the filled quantity"),
                                   ("", "1.0001", "lot size rule"), ("1", "", "min notional rule")]:
        with pytest.raises(InvalidArgument) as refused:
            parse_amend(price=price, quantity=quantity, **current)
        assert words in refused.value.message


def test_liquidation_orders_skip_client_limits_but_not_the_book_grid():
    price, quantity = check_liquidation("1.0", "500", BTC)  # below min notional, above max quantity
    assert (price, quantity) == (D("1.0"), D("500"))
    with pytest.raises(InvalidArgument, match="tick size"):
        check_liquidation("1.05", "1", BTC)


def test_money_is_truncated_to_18_digits_never_rounded_up():
    assert money.fill_margin(D("100"), D("1"), D("3"), reduce_only=False, is_liquidation=False) == \
        D("33.333333333333333333")
    assert money.fill_fee(D("0.000000001"), D("0.000000001"), D("0.5")) == 0
    assert money.required_lock(D("100"), D("2"), D("10"), reduce_only=True, taker_fee_rate=D("0.0005")) == 0
    # as Risk locks it: each part rounded up to 1e-8
    assert money.required_lock(D("100"), D("1"), D("3"), reduce_only=False, taker_fee_rate=D("0.00000000001")) == \
        D("33.33333334") + D("0.00000001")
    assert money.lock_after_fill(D("1"), D("0.9"), D("0.5")) == 0  # the fee's rest comes from available
