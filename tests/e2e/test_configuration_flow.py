"""The Configuration Update Flow end to end: maker proposes through Envoy REST, checker
approves, the outbox relay publishes md.instrument.created.v1, and the Risk service — another
process — applies it to its instrument cache; REST and gRPC both return it."""
from __future__ import annotations

import time
import uuid
from decimal import Decimal

import grpc
import psycopg
import pytest
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc

from mesh.rest import call

pytestmark = pytest.mark.e2e


def new_spec(**overrides) -> dict:
    base = "T" + uuid.uuid4().hex[:6].upper()
    spec = {"symbol": f"{base}-USDT-PERP", "base_asset": base, "quote_asset": "USDT", "tick_size": "0.01",
            "lot_size": "0.1", "min_notional": "10", "max_leverage": "20", "maintenance_margin_rate": "0.01",
            "maker_fee_rate": "0.0001", "taker_fee_rate": "0.0004", "price_band_rate": "0.1",
            "max_order_quantity": "1000",
            "index_sources": [{"exchange": "binance", "symbol": f"{base}/USDT", "weight": "1"}]}
    spec.update(overrides)
    return spec


def sql(exchange, query: str, *args):
    url = exchange.stack.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        return conn.execute(query, args).fetchall()


def wait_for(predicate, timeout=20.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f} s")


def test_maker_checker_flow_reaches_the_risk_cache(exchange, admins):
    spec = new_spec()
    symbol = spec["symbol"]
    created = call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec}, admins["maker"]["token"])
    assert created.status == 200, created.body
    assert created.body["instrument"]["status"] == "INSTRUMENT_STATUS_PENDING"
    outbox = sql(exchange, "select topic from metadata.outbox where key = %s order by id", symbol)
    assert outbox == [("md.instrument.proposed.v1",)]

    # Replaying the same proposal is idempotent; a different body for the symbol is a conflict.
    again = call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec}, admins["maker"]["token"])
    assert again.status == 200 and again.body["instrument"]["created_at_unix_ms"] == \
        created.body["instrument"]["created_at_unix_ms"]
    conflict = call(exchange.http_url, "POST", "/v1/instruments",
                    {"instrument": {**spec, "tick_size": "0.1"}}, admins["maker"]["token"])
    assert conflict.status == 409 and symbol in conflict.body["message"]

    # Four eyes: the maker cannot approve, nor can an anonymous caller.
    own = call(exchange.http_url, "POST", f"/v1/instruments/{symbol}/approve", {}, admins["maker"]["token"])
    assert own.status == 403
    anonymous = call(exchange.http_url, "POST", f"/v1/instruments/{symbol}/approve", {})
    assert anonymous.status == 401
    assert sql(exchange, "select status from metadata.instruments where symbol = %s", symbol) == [("PENDING",)]

    approved = call(exchange.http_url, "POST", f"/v1/instruments/{symbol}/approve", {}, admins["checker"]["token"])
    assert approved.status == 200, approved.body
    assert approved.body["instrument"]["status"] == "INSTRUMENT_STATUS_ACTIVE"
    assert sql(exchange, "select topic from metadata.outbox where key = %s order by id", symbol) == [
        ("md.instrument.proposed.v1",), ("md.instrument.created.v1",)]

    # The relay publishes; the Risk process consumes it into its own schema exactly once.
    rows = wait_for(lambda: sql(exchange, "select max_leverage, source_event_id from risk.instruments "
                                          "where symbol = %s", symbol))
    assert rows[0][0] == Decimal("20") and rows[0][1] == f"instrument:{symbol}:v2"
    assert sql(exchange, "select count(*) from risk.inbox where event_id = %s", f"instrument:{symbol}:v2") == [(1,)]

    fetched = call(exchange.http_url, "GET", f"/v1/instruments/{symbol}")
    assert fetched.status == 200 and fetched.body["instrument"]["status"] == "INSTRUMENT_STATUS_ACTIVE"
    with grpc.insecure_channel(exchange.grpc_target) as channel:
        via_grpc = metadata_pb2_grpc.MetadataServiceStub(channel).GetInstrument(
            metadata_pb2.GetInstrumentRequest(symbol=symbol), timeout=5)
    assert via_grpc.instrument.status == metadata_pb2.INSTRUMENT_STATUS_ACTIVE
    assert via_grpc.instrument.tick_size == "0.01"


@pytest.mark.parametrize("field,value", [
    ("tick_size", "0"), ("tick_size", "abc"), ("lot_size", "-1"), ("min_notional", "-5"),
    ("max_order_quantity", "10.05"), ("tick_size", "1e-2"),
])
def test_invalid_instrument_is_rejected_naming_the_field_and_stores_nothing(exchange, admins, field, value):
    spec = new_spec(**{field: value})
    response = call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec}, admins["maker"]["token"])
    assert response.status == 400, response.body
    assert field in response.body["message"]
    assert sql(exchange, "select count(*) from metadata.instruments where symbol = %s", spec["symbol"]) == [(0,)]
    assert sql(exchange, "select count(*) from metadata.outbox where key = %s", spec["symbol"]) == [(0,)]


def test_checker_role_cannot_create_and_trader_cannot_approve(exchange, admins):
    spec = new_spec()
    response = call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec}, admins["checker"]["token"])
    assert response.status == 403 and "admin:maker" in response.body["message"]


def test_unknown_instrument_is_404_and_list_pages(exchange, admins):
    missing = call(exchange.http_url, "GET", "/v1/instruments/NOPE-USDT-PERP")
    assert missing.status == 404 and "NOPE-USDT-PERP" in missing.body["message"]
    for _ in range(3):
        spec = new_spec()
        assert call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec},
                    admins["maker"]["token"]).status == 200
    seen, token = [], ""
    while True:
        page = call(exchange.http_url, "GET", f"/v1/instruments?page_size=2&page_token={token}")
        assert page.status == 200 and len(page.body["instruments"]) <= 2
        seen += [i["symbol"] for i in page.body["instruments"]]
        token = page.body["next_page_token"]
        if not token:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) >= 3
