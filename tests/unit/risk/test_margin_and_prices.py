"""The money formulas and the trust rules for reference prices."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from services.risk.domain import margin
from services.risk.domain.orders import Side
from services.risk.domain.prices import Quote, SymbolPrices, band_reference, reference_price, valuation_price

NOW = 1_700_000_000_000
MAX_AGE = 30_000


def test_initial_margin_and_fee_round_up_to_the_money_quantum():
    assert margin.initial_margin(D("100"), D("3")) == D("33.33333334")
    assert margin.initial_margin(D("100"), D("4")) == D("25")
    assert margin.fee_reserve(D("12345.67"), D("0.0004")) == D("4.93826800")
    assert margin.fee_reserve(D("1"), D("0.000000001")) == D("0.00000001")  # a dust fee still reserves


def test_a_negative_taker_rate_reserves_nothing_rather_than_crediting():
    assert margin.fee_reserve(D("1000"), D("-0.0001")) == D("0")


def test_band_limits_are_inclusive():
    assert margin.band_limits(D("100"), D("0.1")) == (D("90.0"), D("110.0"))
    assert margin.inside_band(D("110"), D("100"), D("0.1"))
    assert not margin.inside_band(D("110.0001"), D("100"), D("0.1"))
    assert margin.inside_band(D("90"), D("100"), D("0.1"))
    assert not margin.inside_band(D("89.9999"), D("100"), D("0.1"))


@pytest.mark.parametrize("side,reference,expected", [
    (Side.BUY, "100", "105"), (Side.SELL, "100", "95"),
    (Side.BUY, "100.07", "105.07"), (Side.SELL, "100.07", "95.07"),  # exact multiples stay
    (Side.BUY, "100.01", "105.01"),  # 105.0105 floors to the tick
    (Side.SELL, "100.01", "95.01"),  # 95.0095 ceils to the tick
])
def test_protection_price_moves_against_the_taker_and_stays_inside_the_band(side, reference, expected):
    price = margin.protection_price(side, D(reference), D("0.05"), D("0.01"))
    assert price == D(expected)
    assert margin.inside_band(price, D(reference), D("0.05"))


def test_protection_price_never_reaches_zero():
    assert margin.protection_price(Side.SELL, D("100"), D("1"), D("0.5")) == D("0.5")


def quote(price="100", stale=False, age_ms=0) -> Quote:
    return Quote(D(price), stale, NOW - age_ms)


def test_reference_is_a_fresh_mark_else_a_fresh_index_else_unknown():
    both = SymbolPrices("S", mark=quote("101"), index=quote("100"))
    assert reference_price(both, NOW, MAX_AGE) == D("101")
    stale_mark = SymbolPrices("S", mark=quote("101", stale=True), index=quote("100"))
    assert reference_price(stale_mark, NOW, MAX_AGE) == D("100")
    old_mark = SymbolPrices("S", mark=quote("101", age_ms=MAX_AGE + 1), index=quote("100", age_ms=MAX_AGE))
    assert reference_price(old_mark, NOW, MAX_AGE) == D("100")
    nothing_fresh = SymbolPrices("S", mark=quote("101", stale=True), index=quote("100", age_ms=MAX_AGE + 1))
    assert reference_price(nothing_fresh, NOW, MAX_AGE) is None
    assert reference_price(None, NOW, MAX_AGE) is None


def test_band_centre_is_the_trusted_reference_else_the_last_mark_else_the_last_index_else_none():
    both = SymbolPrices("S", mark=quote("101"), index=quote("100"))
    assert band_reference(both, NOW, MAX_AGE) == D("101")
    stale_mark = SymbolPrices("S", mark=quote("101", stale=True), index=quote("100"))
    assert band_reference(stale_mark, NOW, MAX_AGE) == D("100")  # a trusted index beats an untrusted mark
    nothing_fresh = SymbolPrices("S", mark=quote("101", stale=True), index=quote("100", age_ms=MAX_AGE + 1))
    assert band_reference(nothing_fresh, NOW, MAX_AGE) == D("101")
    old_index_only = SymbolPrices("S", index=quote("99", stale=True, age_ms=10 * MAX_AGE))
    assert band_reference(old_index_only, NOW, MAX_AGE) == D("99")
    assert band_reference(SymbolPrices("S"), NOW, MAX_AGE) is None
    assert band_reference(None, NOW, MAX_AGE) is None


def test_valuation_uses_the_latest_mark_whatever_its_age():
    assert valuation_price(SymbolPrices("S", mark=quote("99", stale=True, age_ms=10 * MAX_AGE))) == D("99")
    assert valuation_price(SymbolPrices("S", index=quote("100"))) is None
