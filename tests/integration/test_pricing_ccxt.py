"""The real ccxt code path (request building, the venues' JSON parsing) against the local spot
simulator, through the pricing service's venue adapter and index calculator."""
from __future__ import annotations

import asyncio
import logging
from decimal import Decimal as D

import pytest

from services.pricing.adapters.venues import VenueClients
from services.pricing.domain.definitions import build_definition
from services.pricing.domain.index import Exclusion, IndexCalculator, IndexPolicy, Source
from services.spot_sim.server import SpotSimulator

PRICES = {"BTC/USDT": "100000", "USDT/INR": "88"}
# Each venue quotes the walk's level exactly (no venue offset) and no spread: hand-computable.
NO_OFFSETS = {"binance": "0", "coinbase": "0", "kraken": "0", "okx": "0"}
BTC_SOURCES = [Source("binance", "BTC/USDT", D("0.4")), Source("okx", "BTC/USDT", D("0.3")),
               Source("kraken", "BTC/USDT", D("0.2")), Source("coinbase", "BTC/USDT", D("0.1"))]
POLICY = IndexPolicy(stale_after_ms=300, max_deviation=D("0.02"), min_sources=2)


@pytest.fixture
async def sim():
    simulator = SpotSimulator(PRICES, volatility="0", spread="0", offsets=NO_OFFSETS)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def venues(sim):
    clients = VenueClients(api_base_url=sim.base_url, timeout_ms=2000)
    yield clients
    await clients.close()


def _wanted(definition):
    return {(s.exchange, s.symbol) for leg in definition.legs for s in leg.sources}


async def _tick(calc, venues, definition):
    quotes = await venues.fetch_all(_wanted(definition))
    import time
    return calc.compute(definition, quotes, int(time.time() * 1000))


def _by_exchange(result):
    return {c.exchange: c for c in result.components}


async def test_all_four_venues_answer_through_ccxt(sim, venues):
    definition = build_definition("BTC-USDT-PERP", "BTC", "USDT", BTC_SOURCES)
    for exchange, price in (("binance", "100000"), ("okx", "100100"), ("kraken", "99900"), ("coinbase", "100200")):
        sim.control({"exchange": exchange, "symbol": "BTC/USDT", "price": price})
    result = await _tick(IndexCalculator(POLICY), venues, definition)
    comps = _by_exchange(result)
    assert {e: c.price for e, c in comps.items()} == {
        "binance": D("100000"), "okx": D("100100"), "kraken": D("99900"), "coinbase": D("100200")}
    assert all(c.exclusion is Exclusion.NONE for c in comps.values())
    # 0.4*100000 + 0.3*100100 + 0.2*99900 + 0.1*100200 = 100030
    assert result.price == D("100030") and not result.degraded
    assert sim.requests >= 4


async def test_stale_and_outlier_sources_are_excluded_and_weights_renormalize(sim, venues):
    definition = build_definition("BTC-USDT-PERP", "BTC", "USDT", BTC_SOURCES)
    calc = IndexCalculator(POLICY)
    sim.control({"exchange": "binance", "symbol": "BTC/USDT", "mode": "stale"})
    sim.control({"exchange": "kraken", "symbol": "BTC/USDT", "mode": "outlier", "factor": "1.10"})
    sim.control({"exchange": "okx", "symbol": "BTC/USDT", "price": "100300"})
    await asyncio.sleep(0.4)  # binance's frozen quote ages past the 300 ms window
    result = await _tick(calc, venues, definition)
    comps = _by_exchange(result)
    assert comps["binance"].exclusion is Exclusion.STALE
    assert comps["kraken"].exclusion is Exclusion.OUTLIER and comps["kraken"].price == D("110000")
    assert comps["okx"].exclusion is Exclusion.NONE and comps["coinbase"].exclusion is Exclusion.NONE
    # okx 0.3 and coinbase 0.1 renormalized to 0.75 / 0.25
    assert comps["okx"].effective_weight == D("0.75") and comps["coinbase"].effective_weight == D("0.25")
    assert comps["binance"].effective_weight == 0 and comps["kraken"].effective_weight == 0
    assert result.price == D("100225")  # 0.75*100300 + 0.25*100000


async def test_degraded_index_holds_its_last_value_and_failures_are_logged_once(sim, venues, caplog):
    definition = build_definition("BTC-USDT-PERP", "BTC", "USDT", BTC_SOURCES)
    calc = IndexCalculator(POLICY)
    good = await _tick(calc, venues, definition)
    assert good.price == D("100000") and not good.degraded
    for exchange in ("binance", "okx", "kraken"):
        sim.control({"exchange": exchange, "symbol": "BTC/USDT", "mode": "down"})
    sim.control({"exchange": "coinbase", "symbol": "BTC/USDT", "price": "90000"})
    await asyncio.sleep(0.4)
    with caplog.at_level(logging.WARNING, logger="services.pricing.adapters.venues"):
        first = await _tick(calc, venues, definition)
        second = await _tick(calc, venues, definition)
    for result in (first, second):
        assert result.degraded and result.price == D("100000")  # not coinbase's lone 90000
        comps = _by_exchange(result)
        assert comps["coinbase"].exclusion is Exclusion.NONE
        assert {comps[e].exclusion for e in ("binance", "okx", "kraken")} == {Exclusion.STALE}
    failing = [r for r in caplog.records if "index source failing" in r.getMessage()]
    assert sorted(r.exchange for r in failing) == ["binance", "kraken", "okx"]  # once each, not per tick


async def test_inr_index_uses_its_inr_leg(sim, venues):
    sources = BTC_SOURCES + [Source("binance", "USDT/INR", D("0.5")), Source("okx", "USDT/INR", D("0.5"))]
    definition = build_definition("BTC-INR-PERP", "BTC", "INR", sources)
    sim.control({"exchange": "binance", "symbol": "USDT/INR", "price": "88"})
    sim.control({"exchange": "okx", "symbol": "USDT/INR", "price": "88.2"})
    result = await _tick(IndexCalculator(POLICY), venues, definition)
    assert [(leg.pair, leg.price) for leg in result.legs] == [("BTC/USDT", D("100000")), ("USDT/INR", D("88.1"))]
    assert result.price == D("8810000")
    inr = [c for c in result.components if c.leg == "USDT/INR"]
    assert {(c.exchange, c.price) for c in inr} == {("binance", D("88")), ("okx", D("88.2"))}
    # moving the INR leg moves the index: it is not BTC/USDT alone
    sim.control({"symbol": "USDT/INR", "price": "90"})
    moved = await _tick(IndexCalculator(POLICY), venues, definition)
    assert moved.price == D("9000000")


async def test_a_failing_source_is_asked_again_only_after_its_back_off(sim, venues):
    sim.control({"exchange": "okx", "symbol": "BTC/USDT", "mode": "down"})
    assert await venues.fetch("okx", "BTC/USDT") is None
    asked = sim.requests
    assert await venues.fetch("okx", "BTC/USDT") is None  # within the 0.5 s back-off: not asked
    assert sim.requests == asked
    sim.control({"exchange": "okx", "symbol": "BTC/USDT", "mode": "normal"})
    await asyncio.sleep(0.6)
    quote = await venues.fetch("okx", "BTC/USDT")
    assert quote is not None and quote.price == D("100000") and sim.requests == asked + 1


THREE_PAIRS = {"BTC/USDT": "100000", "ETH/USDT": "3000", "USDT/INR": "88"}


@pytest.fixture
async def three_pairs():
    simulator = SpotSimulator(THREE_PAIRS, volatility="0", spread="0.0001", offsets=NO_OFFSETS)
    await simulator.start()
    clients = VenueClients(api_base_url=simulator.base_url, timeout_ms=2000)
    yield simulator, clients
    await clients.close()
    await simulator.stop()


ALL_SOURCES = {(e, s) for e in ("binance", "coinbase", "kraken", "okx") for s in THREE_PAIRS}


async def test_a_tick_asks_each_batching_venue_once_and_gets_what_single_tickers_give(three_pairs):
    sim, venues = three_pairs
    asked = sim.requests
    batched = await venues.fetch_all(ALL_SOURCES)
    # Binance, Kraken and OKX once each for all three pairs; Coinbase once per pair.
    assert sim.requests - asked == 3 + 3
    single = {key: await venues.fetch(*key) for key in sorted(ALL_SOURCES)}
    assert sim.requests - asked == 6 + 12
    assert set(batched) == ALL_SOURCES
    for key in ALL_SOURCES:  # mid of bid/ask and the venue's own time, as through its single ticker
        assert batched[key].price == single[key].price == D(THREE_PAIRS[key[1]]), key
        assert abs(batched[key].at_unix_ms - single[key].at_unix_ms) < 5000


async def test_a_symbol_left_out_of_a_batch_fails_alone_and_a_failed_batch_is_asked_one_by_one(three_pairs, caplog):
    sim, venues = three_pairs
    await venues.fetch_all(ALL_SOURCES)
    sim.control({"exchange": "okx", "symbol": "ETH/USDT", "mode": "down"})  # left out of OKX's answer
    for symbol in THREE_PAIRS:  # Kraken answers 503 to the whole batch
        sim.control({"exchange": "kraken", "symbol": symbol, "mode": "down"})
    sim.control({"symbol": "BTC/USDT", "price": "100100"})
    asked = sim.requests
    with caplog.at_level(logging.WARNING, logger="services.pricing.adapters.venues"):
        quotes = await venues.fetch_all(ALL_SOURCES)
    assert sim.requests - asked == 3 + 3 + 3  # Kraken's failed batch was asked again pair by pair
    failing = sorted((r.exchange, r.symbol) for r in caplog.records if "index source failing" in r.getMessage())
    assert failing == [("kraken", s) for s in sorted(THREE_PAIRS)] + [("okx", "ETH/USDT")]
    # The others answered afresh; the failing ones keep their last quote (the calculator ages it).
    assert quotes[("okx", "BTC/USDT")].price == quotes[("binance", "BTC/USDT")].price == D("100100")
    assert quotes[("kraken", "BTC/USDT")].price == D("100000") and quotes[("okx", "ETH/USDT")].price == D("3000")
    # Backing off: the next tick leaves them out of their venues' requests (Kraken is not asked).
    asked = sim.requests
    await venues.fetch_all(ALL_SOURCES)
    assert sim.requests - asked == 2 + 3  # binance, okx (BTC and INR only) + coinbase per pair


async def test_an_unknown_symbol_does_not_take_its_venues_batch_down(three_pairs, caplog):
    # A real venue refuses a whole batch naming a symbol it does not list (the simulator: 400).
    sim, venues = three_pairs
    sources = {("binance", "BTC/USDT"), ("binance", "ETH/USDT"), ("binance", "NOPE/USDT")}
    with caplog.at_level(logging.WARNING, logger="services.pricing.adapters.venues"):
        quotes = await venues.fetch_all(sources)
    assert set(quotes) == {("binance", "BTC/USDT"), ("binance", "ETH/USDT")}
    assert [(r.exchange, r.symbol) for r in caplog.records
            if "index source failing" in r.getMessage()] == [("binance", "NOPE/USDT")]
    # From then on the healthy two share one request; the unknown one is retried alone after its back-off.
    asked = sim.requests
    assert set(await venues.fetch_all(sources)) == {("binance", "BTC/USDT"), ("binance", "ETH/USDT")}
    assert sim.requests - asked == 1
    await asyncio.sleep(0.6)
    asked = sim.requests
    await venues.fetch_all(sources)
    assert sim.requests - asked == 2
