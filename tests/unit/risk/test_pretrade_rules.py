"""Every pre-trade rule on both sides of its boundary (services/risk/domain/pretrade.py)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from services.risk.domain.accounts import AccountStatus
from services.risk.domain.orders import OrderType, Side
from services.risk.domain.pretrade import RejectReason, RiskPolicy, evaluate
from tests.unit.risk.helpers import (
    ACCOUNT,
    BALANCE,
    ETH,
    INSTRUMENT,
    intent,
    position,
    tier,
    view,
    working,
)


def approved(decision) -> bool:
    assert decision.approved, (decision.reason, decision.message)
    return True


def rejected(decision, reason: RejectReason) -> bool:
    assert not decision.approved, "expected a rejection"
    assert decision.reason is reason, (decision.reason, decision.message)
    assert decision.message
    return True


# --- the approval and its money ---------------------------------------------------------------

def test_approval_locks_margin_plus_taker_fee_at_the_limit_price():
    decision = evaluate(intent(), view())
    assert approved(decision)
    # notional 50000 * 0.1 = 5000; margin 5000 / 10 = 500; fee 5000 * 0.0005 = 2.5
    assert (decision.asset, decision.notional) == ("USDT", D("5000"))
    assert (decision.initial_margin, decision.fee_reserve, decision.lock_amount) == (D("500"), D("2.5"), D("502.5"))
    assert decision.price == D("50000") and decision.protection_price is None


def test_margin_is_rounded_up_never_down():
    decision = evaluate(intent(price=D("1"), quantity=D("1"), leverage=D("3")),
                        view(instrument=replace(INSTRUMENT, tick_size=D("0.0001")), reference_price=D("1")))
    assert approved(decision)
    assert decision.initial_margin == D("0.33333334")  # 1/3 rounded up at 1e-8
    assert decision.fee_reserve == D("0.0005")
    assert decision.lock_amount == D("0.33383334")


# --- 1. instrument -------------------------------------------------------------------------------

def test_unknown_or_inactive_instrument_is_rejected():
    assert rejected(evaluate(intent(), view(instrument=None)), RejectReason.INSTRUMENT_NOT_ACTIVE)
    assert approved(evaluate(intent(), view()))


# --- 2. account ---------------------------------------------------------------------------------

def test_unknown_account_is_rejected():
    assert rejected(evaluate(intent(), view(account=None)), RejectReason.UNKNOWN_ACCOUNT)
    assert approved(evaluate(intent(), view(account=ACCOUNT)))


# --- 3. status ----------------------------------------------------------------------------------

def test_suspended_account_may_only_reduce():
    suspended = replace(ACCOUNT, status=AccountStatus.SUSPENDED)
    assert rejected(evaluate(intent(), view(account=suspended)), RejectReason.ACCOUNT_SUSPENDED)
    closing = intent(side=Side.SELL, reduce_only=True, quantity=D("0.5"))
    assert approved(evaluate(closing, view(account=suspended, positions=(position("0.5"),))))
    assert approved(evaluate(intent(), view(account=ACCOUNT)))


# --- 4. / 5. leverage ------------------------------------------------------------------------------

def test_leverage_above_the_instruments_maximum():
    generous_tier = view(tier=tier(max_leverage="100"))
    assert approved(evaluate(intent(leverage=D("50")), generous_tier))
    assert rejected(evaluate(intent(leverage=D("50.01")), generous_tier), RejectReason.LEVERAGE_ABOVE_INSTRUMENT_MAX)


def test_leverage_above_the_tiers_maximum():
    assert approved(evaluate(intent(leverage=D("20")), view()))
    decision = evaluate(intent(leverage=D("20.5")), view())
    assert rejected(decision, RejectReason.LEVERAGE_ABOVE_TIER_MAX)
    assert decision.message == "leverage 20.5 above tier 1 maximum 20"


def test_reduce_only_orders_are_not_held_to_leverage_limits():
    # A user downgraded to a lower tier must still be able to close at their old leverage.
    closing = intent(side=Side.SELL, reduce_only=True, leverage=D("100"))
    assert approved(evaluate(closing, view(positions=(position("1"),))))


def test_tier_without_limits_for_the_asset_fails_closed():
    inr_only = tier()
    inr_only = replace(inr_only, asset_limits=tuple(replace(a, asset="INR") for a in inr_only.asset_limits))
    assert rejected(evaluate(intent(), view(tier=inr_only)), RejectReason.KYC_TIER_LIMIT)
    assert rejected(evaluate(intent(), view(tier=None)), RejectReason.KYC_TIER_LIMIT)


# --- 6. price band and MARKET protection -------------------------------------------------------------

@pytest.mark.parametrize("price,inside", [
    ("52500", True), ("52500.1", False), ("47500", True), ("47499.9", False), ("50000", True)])
def test_limit_price_band_around_the_reference_is_inclusive(price, inside):
    decision = evaluate(intent(price=D(price), quantity=D("0.01")), view(reference_price=D("50000")))
    if inside:
        assert approved(decision)
    else:
        assert rejected(decision, RejectReason.PRICE_OUTSIDE_BAND)
        assert "47500" in decision.message and "52500" in decision.message


def test_a_limit_order_with_no_reference_at_all_is_refused_and_locks_nothing():
    for order in (intent(price=D("1"), quantity=D("0.01")), intent(price=D("90000"), quantity=D("0.01")),
                  intent(side=Side.SELL, reduce_only=True, price=D("50000"))):
        decision = evaluate(order, view(reference_price=None, positions=(position("1"),)))
        assert rejected(decision, RejectReason.NO_REFERENCE_PRICE)
        assert decision.lock_amount == 0 and "no mark or index price" in decision.message


def test_without_a_trusted_reference_the_band_is_centred_on_the_last_known_price():
    old = view(reference_price=None, band_reference=D("50000"))
    assert rejected(evaluate(intent(price=D("1"), quantity=D("0.01")), old), RejectReason.PRICE_OUTSIDE_BAND)
    assert rejected(evaluate(intent(price=D("90000"), quantity=D("0.01")), old), RejectReason.PRICE_OUTSIDE_BAND)
    assert approved(evaluate(intent(price=D("52500"), quantity=D("0.01")), old))
    # A MARKET order still needs a trusted price: its protection price must be current.
    market = intent(order_type=OrderType.MARKET, price=None, quantity=D("0.01"))
    assert rejected(evaluate(market, old), RejectReason.NO_REFERENCE_PRICE)


def test_band_applies_to_reduce_only_orders_too():
    closing = intent(side=Side.SELL, reduce_only=True, price=D("40000"))
    assert rejected(evaluate(closing, view(positions=(position("1"),))), RejectReason.PRICE_OUTSIDE_BAND)


def test_market_order_without_a_reference_price_is_rejected():
    market = intent(order_type=OrderType.MARKET, price=None)
    assert rejected(evaluate(market, view(reference_price=None)), RejectReason.NO_REFERENCE_PRICE)
    assert approved(evaluate(market, view(reference_price=D("50000"))))


def test_market_order_is_margined_at_its_protection_price():
    buy = evaluate(intent(order_type=OrderType.MARKET, price=None), view(reference_price=D("50000.05")))
    # 50000.05 * 1.05 = 52500.0525 -> floored to the 0.1 tick, inside the band
    assert approved(buy) and buy.protection_price == D("52500.0") and buy.price == D("52500.0")
    assert buy.initial_margin == D("525")  # 52500 * 0.1 / 10
    sell = evaluate(intent(order_type=OrderType.MARKET, price=None, side=Side.SELL),
                    view(reference_price=D("50000.05")))
    # 50000.05 * 0.95 = 47500.0475 -> ceiled to the tick
    assert approved(sell) and sell.protection_price == D("47500.1")


# --- 7. reduce-only -----------------------------------------------------------------------------------

def test_reduce_only_against_a_flat_position_is_rejected():
    closing = intent(side=Side.SELL, reduce_only=True)
    assert rejected(evaluate(closing, view(positions=())), RejectReason.REDUCE_ONLY_WOULD_INCREASE)


def test_reduce_only_on_the_positions_own_side_is_rejected():
    adding = intent(side=Side.BUY, reduce_only=True, quantity=D("0.1"))
    assert rejected(evaluate(adding, view(positions=(position("1"),))), RejectReason.REDUCE_ONLY_WOULD_INCREASE)


@pytest.mark.parametrize("quantity,ok", [("1", True), ("1.001", False)])
def test_reduce_only_may_close_at_most_the_position(quantity, ok):
    closing = intent(side=Side.SELL, reduce_only=True, quantity=D(quantity))
    decision = evaluate(closing, view(positions=(position("1"),)))
    assert approved(decision) if ok else rejected(decision, RejectReason.REDUCE_ONLY_WOULD_INCREASE)


@pytest.mark.parametrize("quantity,ok", [("0.4", True), ("0.401", False)])
def test_reduce_only_counts_the_other_open_reduce_only_orders(quantity, ok):
    others = (working(Side.SELL, "0.6", reduce_only=True),
              working(Side.SELL, "5", order_id="w-2"))  # not reduce-only: does not use up the position
    closing = intent(side=Side.SELL, reduce_only=True, quantity=D(quantity))
    decision = evaluate(closing, view(positions=(position("1"),), working_orders=others))
    assert approved(decision) if ok else rejected(decision, RejectReason.REDUCE_ONLY_WOULD_INCREASE)


def test_reduce_only_closes_a_short_with_a_buy_and_locks_nothing():
    decision = evaluate(intent(side=Side.BUY, reduce_only=True, quantity=D("2")),
                        view(positions=(position("-2"),), balance=None))
    assert approved(decision)
    assert (decision.initial_margin, decision.fee_reserve, decision.lock_amount) == (D(0), D(0), D(0))


# --- 8. KYC tier order notional --------------------------------------------------------------------

@pytest.mark.parametrize("quantity,ok", [("1", True), ("1.001", False)])
def test_order_notional_above_the_tiers_maximum(quantity, ok):
    rich = view(balance=replace(BALANCE, available=D("1000000"), total=D("1000000")))
    decision = evaluate(intent(quantity=D(quantity), leverage=D("20")), rich)  # 50000 * q vs 50000
    assert approved(decision) if ok else rejected(decision, RejectReason.KYC_TIER_LIMIT)


# --- 9. position limit per symbol --------------------------------------------------------------------

RICH = replace(BALANCE, available=D("10000000"), total=D("10000000"))
BIG_ORDERS = tier(max_order="1000000", max_position="250000")  # 5 BTC at 50000


@pytest.mark.parametrize("quantity,ok", [("1", True), ("1.001", False)])
def test_position_limit_counts_the_position(quantity, ok):
    decision = evaluate(intent(quantity=D(quantity)), view(tier=BIG_ORDERS, balance=RICH, positions=(position("4"),)))
    assert approved(decision) if ok else rejected(decision, RejectReason.POSITION_LIMIT_EXCEEDED)


@pytest.mark.parametrize("open_buy,ok", [("1", True), ("1.001", False)])
def test_position_limit_counts_working_orders_on_the_same_side(open_buy, ok):
    orders = (working(Side.BUY, open_buy), working(Side.SELL, "10", order_id="w-2"))
    decision = evaluate(intent(quantity=D("1")),
                        view(tier=BIG_ORDERS, balance=RICH, positions=(position("3"),), working_orders=orders))
    assert approved(decision) if ok else rejected(decision, RejectReason.POSITION_LIMIT_EXCEEDED)


@pytest.mark.parametrize("quantity,ok", [("1", True), ("1.001", False)])
def test_position_limit_on_the_short_side(quantity, ok):
    decision = evaluate(intent(side=Side.SELL, quantity=D(quantity)),
                        view(tier=BIG_ORDERS, balance=RICH, positions=(position("-4"),)))
    assert approved(decision) if ok else rejected(decision, RejectReason.POSITION_LIMIT_EXCEEDED)


def test_an_order_that_shrinks_an_oversized_position_is_not_refused_by_the_position_limit():
    # 10 BTC long is twice the limit (say after a tier downgrade): selling is allowed, buying is not.
    oversized = view(tier=BIG_ORDERS, balance=RICH, positions=(position("10"),))
    assert approved(evaluate(intent(side=Side.SELL, quantity=D("1")), oversized))
    assert rejected(evaluate(intent(side=Side.BUY, quantity=D("0.001")), oversized),
                    RejectReason.POSITION_LIMIT_EXCEEDED)


# --- 10. exposure limit per account -----------------------------------------------------------------

@pytest.mark.parametrize("quantity,ok", [("3", True), ("3.001", False)])
def test_account_exposure_limit_sums_every_symbol_of_the_asset(quantity, ok):
    # Limit: 3 * 250000 = 750000. ETH long 200 at mark 3000 = 600000; the BTC order adds 50000 * q.
    eth = position("200", symbol=ETH, entry="2900", mark="3000")
    decision = evaluate(intent(quantity=D(quantity)), view(tier=BIG_ORDERS, balance=RICH, positions=(eth,)))
    assert approved(decision) if ok else rejected(decision, RejectReason.EXPOSURE_LIMIT_EXCEEDED)


def test_exposure_takes_the_larger_leg_per_symbol_and_ignores_reduce_only_orders():
    eth = position("200", symbol=ETH, entry="3000")
    orders = (working(Side.SELL, "30", "3000", symbol=ETH),  # 90000 on the short leg: smaller than the long
              working(Side.SELL, "200", "3000", symbol=ETH, reduce_only=True, order_id="w-2"))
    base = view(tier=BIG_ORDERS, balance=RICH, positions=(eth,), working_orders=orders)
    assert approved(evaluate(intent(quantity=D("3")), base))
    bigger_short = replace(base, working_orders=(working(Side.SELL, "230", "3000", symbol=ETH),))  # 690000 > 600000
    assert rejected(evaluate(intent(quantity=D("3")), bigger_short), RejectReason.EXPOSURE_LIMIT_EXCEEDED)


def test_exposure_multiple_is_configurable():
    eth = position("200", symbol=ETH, entry="3000")
    strict = RiskPolicy(account_exposure_multiple=D("2"))  # 500000 < 600000 already
    assert rejected(evaluate(intent(), view(tier=BIG_ORDERS, balance=RICH, positions=(eth,)), strict),
                    RejectReason.EXPOSURE_LIMIT_EXCEEDED)


# --- 11. margin ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("available,ok", [("502.5", True), ("502.49999999", False)])
def test_insufficient_available_margin(available, ok):
    decision = evaluate(intent(), view(balance=replace(BALANCE, available=D(available))))
    assert approved(decision) if ok else rejected(decision, RejectReason.INSUFFICIENT_MARGIN)


def test_no_known_balance_is_insufficient_margin():
    assert rejected(evaluate(intent(), view(balance=None)), RejectReason.INSUFFICIENT_MARGIN)


@pytest.mark.parametrize("uncovered,ok", [("497.5", True), ("497.50000001", False)])
def test_order_margin_the_wallet_has_not_booked_yet_is_subtracted(uncovered, ok):
    decision = evaluate(intent(), view(balance=replace(BALANCE, available=D("1000")),
                                       uncovered_order_margin=D(uncovered)))
    assert approved(decision) if ok else rejected(decision, RejectReason.INSUFFICIENT_MARGIN)


@pytest.mark.parametrize("mark,ok", [("49502.5", True), ("49502.49", False)])
def test_unrealized_loss_is_subtracted_and_profit_is_not_added(mark, ok):
    # Long 2 BTC from 50000: at 49502.5 the loss is 995; 1497.5 - 995 = 502.5 left for the order.
    losing = position("2", entry="50000", mark=mark)
    decision = evaluate(intent(), view(balance=replace(BALANCE, available=D("1497.5")), positions=(losing,),
                                       tier=BIG_ORDERS))
    assert approved(decision) if ok else rejected(decision, RejectReason.INSUFFICIENT_MARGIN)
    winning = position("2", entry="40000", mark="50000")
    assert rejected(evaluate(intent(), view(balance=replace(BALANCE, available=D("500")), positions=(winning,),
                                            tier=BIG_ORDERS)), RejectReason.INSUFFICIENT_MARGIN)


def test_an_amend_only_needs_what_the_order_does_not_already_hold():
    decision = evaluate(intent(quantity=D("0.2")), view(balance=replace(BALANCE, available=D("502.5")),
                                                        own_booked=D("502.5")))
    assert approved(decision) and decision.lock_amount == D("1005")
    assert rejected(evaluate(intent(quantity=D("0.2")), view(balance=replace(BALANCE, available=D("502.5")),
                                                             own_booked=D("502.49"))),
                    RejectReason.INSUFFICIENT_MARGIN)


# --- order of the rules -------------------------------------------------------------------------------

def test_first_failing_rule_wins():
    everything_wrong = view(account=replace(ACCOUNT, status=AccountStatus.SUSPENDED), balance=None,
                            reference_price=D("1"))
    assert rejected(evaluate(intent(leverage=D("99")), everything_wrong), RejectReason.ACCOUNT_SUSPENDED)
    assert rejected(evaluate(intent(leverage=D("99")), view(balance=None, reference_price=D("1"))),
                    RejectReason.LEVERAGE_ABOVE_INSTRUMENT_MAX)
    assert rejected(evaluate(intent(), view(balance=None, reference_price=D("1"))),
                    RejectReason.PRICE_OUTSIDE_BAND)


def test_the_part_of_an_order_that_closes_the_position_needs_no_margin():
    # short 0.1: a buy of 0.3 closes 0.1 and opens 0.2; margin and fee reserve only for 0.2
    decision = evaluate(intent(quantity=D("0.3")), view(positions=(position("-0.1"),)))
    assert decision.approved and decision.initial_margin == D("1000") and decision.fee_reserve == D("5")
    # a plain (not reduce-only) order that only closes needs no margin at all, even with nothing available
    closing = evaluate(intent(quantity=D("0.1")), view(positions=(position("-0.1"),),
                                                       balance=replace(BALANCE, available=D("0"))))
    assert closing.approved and closing.initial_margin == 0 and closing.lock_amount == 0
    # an older buy already closes the position: this one opens
    opened = evaluate(intent(quantity=D("0.1")), view(positions=(position("-0.1"),),
                                                      working_orders=(working(Side.BUY, "0.1"),)))
    assert opened.initial_margin == D("500")


def test_quoting_both_sides_locks_only_what_the_larger_side_adds():
    # working buy 0.1 @ 50000 (leverage 10): margin 500 + fee reserve 2.5 already locked for the symbol
    bid = (working(Side.BUY, "0.1"),)
    ask = evaluate(intent(side=Side.SELL, quantity=D("0.1")), view(working_orders=bid))
    assert ask.approved and ask.lock_amount == 0
    # a larger ask adds only the part beyond the bid's size
    larger = evaluate(intent(side=Side.SELL, quantity=D("0.3")), view(working_orders=bid))
    assert (larger.initial_margin, larger.fee_reserve, larger.lock_amount) == (D("1000"), D("5"), D("1005"))
    # with nothing available, the smaller side is still approved: it needs nothing more
    broke = view(working_orders=bid, balance=replace(BALANCE, available=D("0")))
    assert evaluate(intent(side=Side.SELL, quantity=D("0.1")), broke).approved
    assert rejected(evaluate(intent(side=Side.SELL, quantity=D("0.2")), broke), RejectReason.INSUFFICIENT_MARGIN)


def test_with_a_position_the_closing_side_is_offset_before_the_sides_are_compared():
    # long 0.1; a working sell 0.3 closes 0.1 and opens 0.2 (1005 locked); a buy 0.2 then adds nothing
    long = (position("0.1"),)
    asks = (working(Side.SELL, "0.3"),)
    assert evaluate(intent(side=Side.BUY, quantity=D("0.2")), view(positions=long, working_orders=asks)).lock_amount \
        == 0
    assert evaluate(intent(side=Side.BUY, quantity=D("0.3")), view(positions=long, working_orders=asks)).lock_amount \
        == D("502.5")
