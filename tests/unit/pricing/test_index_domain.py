"""Index computation against hand-computed values (pure domain)."""
from decimal import Decimal as D

import pytest

from services.pricing.domain.definitions import Unpriceable, build_definition
from services.pricing.domain.index import (
    Exclusion,
    IndexCalculator,
    IndexDefinition,
    IndexPolicy,
    Leg,
    Source,
    SpotQuote,
)

NOW = 1_000_000
POLICY = IndexPolicy(stale_after_ms=10_000, max_deviation=D("0.02"), min_sources=2)
BTC = Leg("BTC/USDT", (Source("binance", "BTC/USDT", D("0.4")), Source("okx", "BTC/USDT", D("0.3")),
                       Source("kraken", "BTC/USDT", D("0.3"))))
DEF = IndexDefinition("BTC-USDT-PERP", (BTC,))


def q(price, age=0):
    return SpotQuote(D(price), NOW - age)


def reasons(result):
    return {c.exchange: c.exclusion for c in result.components}


def test_weighted_average_of_fresh_sources():
    calc = IndexCalculator(POLICY)
    r = calc.compute(DEF, {("binance", "BTC/USDT"): q("100"), ("okx", "BTC/USDT"): q("101"),
                           ("kraken", "BTC/USDT"): q("99")}, NOW)
    # 0.4*100 + 0.3*101 + 0.3*99 = 100
    assert r.price == D("100") and not r.degraded
    assert set(reasons(r).values()) == {Exclusion.NONE}


def test_stale_source_excluded_and_weights_renormalized():
    calc = IndexCalculator(POLICY)
    r = calc.compute(DEF, {("binance", "BTC/USDT"): q("100", age=10_001), ("okx", "BTC/USDT"): q("101"),
                           ("kraken", "BTC/USDT"): q("99")}, NOW)
    assert reasons(r)["binance"] is Exclusion.STALE
    # okx and kraken at 0.3/0.6 = 0.5 each
    assert r.price == D("100")
    weights = {c.exchange: c.effective_weight for c in r.components}
    assert weights == {"binance": 0, "okx": D("0.5"), "kraken": D("0.5")}


def test_outlier_excluded_against_median_of_others():
    calc = IndexCalculator(POLICY)
    r = calc.compute(DEF, {("binance", "BTC/USDT"): q("100"), ("okx", "BTC/USDT"): q("100.5"),
                           ("kraken", "BTC/USDT"): q("150")}, NOW)
    assert reasons(r) == {"binance": Exclusion.NONE, "okx": Exclusion.NONE, "kraken": Exclusion.OUTLIER}
    # 0.4/0.7*100 + 0.3/0.7*100.5 = 100.2142857142857...
    assert r.price == D("100.21428571")


def test_missing_source_is_no_quote():
    r = IndexCalculator(POLICY).compute(DEF, {("okx", "BTC/USDT"): q("100"), ("kraken", "BTC/USDT"): q("100")}, NOW)
    assert reasons(r)["binance"] is Exclusion.NO_QUOTE and r.price == D("100")


def test_degraded_holds_last_good_value_never_the_single_source():
    calc = IndexCalculator(POLICY)
    good = calc.compute(DEF, {("binance", "BTC/USDT"): q("100"), ("okx", "BTC/USDT"): q("100"),
                              ("kraken", "BTC/USDT"): q("100")}, NOW)
    assert good.price == D("100")
    later = calc.compute(DEF, {("binance", "BTC/USDT"): q("130")}, NOW + 1000)
    assert later.degraded and later.price == D("100")


def test_two_disagreeing_sources_are_both_outliers():
    calc = IndexCalculator(POLICY)
    r = calc.compute(DEF, {("binance", "BTC/USDT"): q("100"), ("okx", "BTC/USDT"): q("150")}, NOW)
    assert reasons(r)["binance"] is Exclusion.OUTLIER and reasons(r)["okx"] is Exclusion.OUTLIER
    assert r.degraded and r.price is None  # nothing good ever seen: nothing to publish


def test_inr_index_is_the_product_of_its_legs():
    sources = [Source("binance", "BTC/USDT", D("1")), Source("okx", "BTC/USDT", D("1")),
               Source("binance", "USDT/INR", D("3")), Source("okx", "USDT/INR", D("1"))]
    definition = build_definition("BTC-INR-PERP", "BTC", "INR", sources)
    assert [leg.pair for leg in definition.legs] == ["BTC/USDT", "USDT/INR"]
    r = IndexCalculator(POLICY).compute(definition, {
        ("binance", "BTC/USDT"): q("100"), ("okx", "BTC/USDT"): q("102"),
        ("binance", "USDT/INR"): q("88"), ("okx", "USDT/INR"): q("88.4")}, NOW)
    # 101 * (0.75*88 + 0.25*88.4) = 101 * 88.1
    assert r.price == D("8898.1")
    assert [(leg.pair, leg.price) for leg in r.legs] == [("BTC/USDT", D("101")), ("USDT/INR", D("88.1"))]


def test_inr_instrument_without_inr_leg_is_refused():
    with pytest.raises(Unpriceable, match="INR"):
        build_definition("BTC-INR-PERP", "BTC", "INR", [Source("binance", "BTC/USDT", D("1"))])
