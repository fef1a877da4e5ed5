"""Prices on the real exchange: the pricing service's ccxt worker against the spot simulator that
the mesh starts, through Envoy; Risk bands and MARKET protection from the published mark.

Every test makes its own spot market in the simulator (a fresh base asset), so its prices move
only by the test's own control calls."""
from __future__ import annotations

import json
import urllib.request
import uuid
from decimal import ROUND_FLOOR, Decimal

import pytest

from mesh.rest import call
from tests.e2e.order_support import (
    approved_instrument,
    fills,
    funded_user,
    get_order,
    limit_order,
    place,
    placed,
    publish_index,
    resting,
    sql,
    wait_for,
    wait_for_status,
)

pytestmark = pytest.mark.e2e

FOUR = [{"exchange": "binance", "symbol": "{pair}", "weight": "0.4"},
        {"exchange": "okx", "symbol": "{pair}", "weight": "0.3"},
        {"exchange": "kraken", "symbol": "{pair}", "weight": "0.2"},
        {"exchange": "coinbase", "symbol": "{pair}", "weight": "0.1"}]


def sim(exchange, body: dict) -> dict:
    request = urllib.request.Request(f"{exchange.spot_sim_url}/control", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def spot_market(exchange, price: str) -> tuple[str, str]:
    """A fresh spot pair in the simulator, every venue quoting `price` exactly, no walk."""
    base = "P" + uuid.uuid4().hex[:6].upper()
    pair = f"{base}/USDT"
    sim(exchange, {"symbol": pair, "price": price, "walk": False})
    for venue in ("binance", "okx", "kraken", "coinbase"):
        sim(exchange, {"symbol": pair, "exchange": venue, "price": price})
    return base, pair


def priced_instrument(exchange, admins, price: str = "100", **overrides) -> dict:
    base, pair = spot_market(exchange, price)
    sources = [{**s, "symbol": pair} for s in FOUR]
    return approved_instrument(exchange, admins, reference=price, symbol=f"{base}-USDT-PERP", base_asset=base,
                               index_sources=sources, **overrides)


def index_of(exchange, symbol: str) -> dict | None:
    response = call(exchange.http_url, "GET", f"/v1/markets/{symbol}/index")
    return response.body["index_price"] if response.status == 200 else None


def test_index_through_envoy_has_constituents_and_excludes_an_outlier(exchange, admins):
    spec = priced_instrument(exchange, admins, "100")
    symbol = spec["symbol"]
    first = wait_for(lambda: index_of(exchange, symbol), timeout=30)
    assert Decimal(first["price"]) == Decimal("100") and not first["stale"]
    assert {c["exchange"] for c in first["components"]} == {"binance", "okx", "kraken", "coinbase"}
    pair = spec["index_sources"][0]["symbol"]
    sim(exchange, {"symbol": pair, "exchange": "kraken", "mode": "outlier", "factor": "1.5"})
    sim(exchange, {"symbol": pair, "exchange": "okx", "price": "101"})

    def with_outlier():
        index = index_of(exchange, symbol)
        kraken = next(c for c in index["components"] if c["exchange"] == "kraken")
        return index if kraken["exclusion_reason"] == "INDEX_EXCLUSION_REASON_OUTLIER" else None

    index = wait_for(with_outlier, timeout=15)
    weights = {c["exchange"]: Decimal(c["effective_weight"]) for c in index["components"]}
    assert weights == {"binance": Decimal("0.5"), "okx": Decimal("0.375"), "kraken": 0,
                       "coinbase": Decimal("0.125")}
    assert Decimal(index["price"]) == Decimal("100.375")  # 0.5*100 + 0.375*101 + 0.125*100
    # stored with its components, and published
    stored = sql(exchange, "select c.exchange, c.exclusion_reason from pricing.index_components c "
                           "join pricing.index_ticks t on t.id = c.tick_id where t.symbol = %s and "
                           "t.computed_at_unix_ms = %s order by c.position", symbol, int(index["computed_at_unix_ms"]))
    assert dict(stored)["kraken"] == "OUTLIER"
    # The mark follows the index on its own loop (PRICING_SAMPLE_INTERVAL_S).
    mark = wait_for(lambda: (r := call(exchange.http_url, "GET", f"/v1/markets/{symbol}/mark")).status == 200 and r,
                    timeout=15)
    assert Decimal(mark.body["mark_price"]["mark_price"]) > 0


def test_market_order_fills_within_the_band_at_risks_protection_price_and_far_limit_is_refused(exchange, admins):
    spec = priced_instrument(exchange, admins, "100")
    symbol = spec["symbol"]
    # Risk has a trusted mark for the symbol (from md.mark.v1)
    wait_for(lambda: sql(exchange, "select mark_price from risk.prices where symbol = %s and mark_price is not null "
                                   "and not mark_stale", symbol), timeout=30)
    _, maker = funded_user(exchange, "1000")
    _, taker = funded_user(exchange, "1000")
    resting(exchange, maker, limit_order(symbol, "SELL", "100.50", "1", leverage="5"))
    body = {"symbol": symbol, "side": "SIDE_BUY", "order_type": "ORDER_TYPE_MARKET", "quantity": "1",
            "leverage": "5", "client_order_id": "c-" + uuid.uuid4().hex[:20]}
    order = placed(exchange, taker, body)
    filled = wait_for_status(exchange, taker, order["order_id"], "ORDER_STATUS_FILLED")
    # The protection price Risk computed from the mark (~100) with the 10 % band: floor_tick(mark * 1.1)
    protection = Decimal(filled["price"])
    assert Decimal(order["price"]) == protection
    assert Decimal("109.9") <= protection <= Decimal("110.2")
    # margin locked at placement at that price: ceil(p * q / leverage) + ceil(p * q * taker fee rate)
    assert Decimal(order["margin_locked"]) == protection / 5 + protection * Decimal(spec["taker_fee_rate"])
    # and the engine filled it at the maker's price, within the band
    assert [(Decimal(f["price"]), Decimal(f["quantity"])) for f in fills(exchange, taker)] == [
        (Decimal("100.5"), Decimal("1"))]
    mark = Decimal(sql(exchange, "select mark_price from risk.prices where symbol = %s", symbol)[0][0])
    assert protection <= (mark * Decimal("1.1")).quantize(Decimal("0.01"), rounding=ROUND_FLOOR) + Decimal("0.1")
    # LIMIT far outside the band around the mark: refused with the reason, nothing placed
    refused = place(exchange, taker, limit_order(symbol, "BUY", "150.00", "1", leverage="5"))
    assert refused.status == 400 and refused.body["message"].startswith("PRICE_OUTSIDE_BAND"), refused.body
    assert get_order(exchange, taker, order["order_id"]).status == 200


def test_a_degraded_index_holds_its_value_and_risk_refuses_market_orders(exchange, admins):
    spec = priced_instrument(exchange, admins, "100")
    symbol = spec["symbol"]
    pair = spec["index_sources"][0]["symbol"]
    wait_for(lambda: index_of(exchange, symbol), timeout=30)
    for venue in ("binance", "okx", "kraken"):
        sim(exchange, {"symbol": pair, "exchange": venue, "mode": "down"})
    sim(exchange, {"symbol": pair, "exchange": "coinbase", "price": "80"})

    def all_down_are_stale():
        # On the way there a tick may see one good venue left next to coinbase: two fresh venues
        # 20 % apart are both OUTLIER (also degraded). Wait for the end state.
        index = index_of(exchange, symbol)
        reasons = {c["exchange"]: c["exclusion_reason"] for c in index["components"]}
        stale = {reasons[v] for v in ("binance", "okx", "kraken")} == {"INDEX_EXCLUSION_REASON_STALE"}
        return index if stale else None

    index = wait_for(all_down_are_stale, timeout=30)
    assert index["degraded"] and index["stale"]
    assert Decimal(index["price"]) == Decimal("100")  # the last good value, not coinbase's lone 80
    wait_for(lambda: sql(exchange, "select 1 from risk.prices where symbol = %s and mark_stale", symbol), timeout=15)
    _, taker = funded_user(exchange, "1000")
    body = {"symbol": symbol, "side": "SIDE_BUY", "order_type": "ORDER_TYPE_MARKET", "quantity": "1",
            "leverage": "5", "client_order_id": "c-" + uuid.uuid4().hex[:20]}
    refused = place(exchange, taker, body)
    assert refused.status == 400 and refused.body["message"].startswith("NO_REFERENCE_PRICE"), refused.body


def test_inr_index_is_composed_from_its_inr_leg(exchange, admins):
    base, pair = spot_market(exchange, "1000")
    sim(exchange, {"symbol": "USDT/INR", "price": "90", "walk": False})
    for venue in ("binance", "okx", "kraken"):
        sim(exchange, {"symbol": "USDT/INR", "exchange": venue, "price": "90"})
    sources = [{**s, "symbol": pair} for s in FOUR] + [
        {"exchange": "binance", "symbol": "USDT/INR", "weight": "1"},
        {"exchange": "okx", "symbol": "USDT/INR", "weight": "1"}]
    spec = approved_instrument(exchange, admins, reference=None, symbol=f"{base}-INR-PERP", base_asset=base,
                               quote_asset="INR",
                               index_sources=sources)
    index = wait_for(lambda: index_of(exchange, spec["symbol"]), timeout=30)
    assert [(leg["pair"], Decimal(leg["price"])) for leg in index["legs"]] == [(pair, 1000), ("USDT/INR", 90)]
    assert Decimal(index["price"]) == Decimal("90000")


def test_a_limit_order_on_a_market_with_no_price_at_all_is_refused_and_changes_nothing(exchange, admins):
    symbol = approved_instrument(exchange, admins, reference=None)["symbol"]  # no mark, no index, no trade
    user_id, token = funded_user(exchange, "1000")
    body = limit_order(symbol, "BUY", "1.00", "10", leverage="5")
    refused = place(exchange, token, body)
    assert refused.status == 400, refused.body
    assert refused.body["message"].startswith("NO_REFERENCE_PRICE: no mark or index price is known for " + symbol)
    assert [d["reason"] for d in refused.body["details"]] == ["NO_REFERENCE_PRICE"]
    # Nothing stored, locked or sent: no order, no placement, the wallet untouched.
    assert sql(exchange, "select count(*) from orders.orders where user_id = %s", user_id) == [(0,)]
    assert sql(exchange, "select count(*) from orders.placements where user_id = %s", user_id) == [(0,)]
    assert sql(exchange, "select available, locked, position_margin from wallet.balances where user_id = %s "
                         "and asset = 'USDT'", user_id) == [(Decimal(1000), Decimal(0), Decimal(0))]
    assert sql(exchange, "select count(*) from wallet.journal_entries j join wallet.postings p using "
                         "(journal_entry_id) where p.user_id = %s and j.kind <> 'DEPOSIT'", user_id) == [(0,)]
    # Once the market has an index, the band applies around it and the same request is accepted.
    publish_index(exchange, symbol, "100")
    far = place(exchange, token, body)
    assert far.status == 400 and far.body["message"].startswith("PRICE_OUTSIDE_BAND"), far.body
    accepted = placed(exchange, token, {**body, "price": "99.00"})
    assert accepted["client_order_id"] == body["client_order_id"]
