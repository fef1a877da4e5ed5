"""Helpers for the Order service's end-to-end tests: an approved instrument, funded traders,
orders through Envoy REST, the service's internal gRPC port, and Kafka redelivery of the
matching engine's events."""
from __future__ import annotations

import uuid
from decimal import Decimal

import grpc
import pytest
from confluent_kafka import Producer
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.marketdata.v1 import events_pb2 as md_events
from tradex.marketdata.v1 import marketdata_pb2
from tradex.order.v1 import order_pb2_grpc
from tradex.risk.v1 import risk_pb2, risk_pb2_grpc

from mesh.rest import call
from services.platform.ids import now_ms
from tests.e2e.kafka_support import all_records
from tests.e2e.test_configuration_flow import new_spec, sql, wait_for
from tests.e2e.test_user_onboarding import kafka_records
from tests.e2e.wallet_support import create_deposit, open_wallet, produce, rail, token_for

__all__ = ["call", "sql", "token_for", "wait_for"]


def funded_user(exchange, usdt: str = "1000", tier: int = 1) -> tuple[str, str]:
    """A trader (KYC tier 1 by default: leverage up to 20) with `usdt` available, deposited
    through Envoy and confirmed by the rail simulator; returns (user_id, token)."""
    user_id, token = open_wallet(exchange, tier)
    deposit = create_deposit(exchange, token, "USDT", usdt, hold=True)
    assert rail(exchange, "POST", f"/v1/intents/{deposit['deposit_id']}/confirm")["webhook_status"] == 200
    # Risk answers from events: wait until it saw the deposit, or its checks would see no margin.
    wait_for(lambda: sql(exchange, "select 1 from risk.balances where user_id = %s and asset = 'USDT' "
                                   "and available = %s", user_id, Decimal(usdt)))
    return user_id, token


def publish_index(exchange, symbol: str, price: str) -> None:
    """An md.index.v1 tick as Pricing publishes it, and Risk has it: a LIMIT order is refused
    (NO_REFERENCE_PRICE) on a market with no mark and no index, and its price band is centred
    on the last one known (services/risk/domain/prices.py)."""
    index = marketdata_pb2.IndexPrice(symbol=symbol, price=price, computed_at_unix_ms=now_ms(), components=[
        marketdata_pb2.IndexComponent(exchange="binance", symbol=symbol, price=price, weight="1",
                                      effective_weight="1", fetched_at_unix_ms=now_ms())])
    produce(exchange, "md.index.v1", symbol, md_events.IndexPriceUpdated(index_price=index))
    wait_for(lambda: sql(exchange, "select 1 from risk.prices where symbol = %s and index_price = %s", symbol,
                         Decimal(price)), timeout=60)


def approved_instrument(exchange, admins, reference: str | None = "100", **overrides) -> dict:
    """A fresh ACTIVE instrument. `reference`: the index price published for it (tests trade
    within its price band, 10% by default); None publishes none (the market has no price yet)."""
    spec = new_spec(**overrides)
    created = call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec}, admins["maker"]["token"])
    assert created.status == 200, created.body
    approved = call(exchange.http_url, "POST", f"/v1/instruments/{spec['symbol']}/approve", {},
                    admins["checker"]["token"])
    assert approved.status == 200, approved.body
    wait_for(lambda: sql(exchange, "select 1 from risk.instruments where symbol = %s", spec["symbol"]))
    if reference is not None:
        publish_index(exchange, spec["symbol"], reference)
    return spec


def proposed_instrument(exchange, admins) -> dict:
    spec = new_spec()
    created = call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec}, admins["maker"]["token"])
    assert created.status == 200, created.body
    return spec


def limit_order(symbol: str, side: str, price: str, quantity: str, **extra) -> dict:
    return {"symbol": symbol, "side": f"SIDE_{side}", "order_type": "ORDER_TYPE_LIMIT", "price": price,
            "quantity": quantity, "client_order_id": "c-" + uuid.uuid4().hex[:20], **extra}


def place(exchange, token: str, body: dict):
    return call(exchange.http_url, "POST", "/v1/orders", body, token)


def get_order(exchange, token: str, order_id: str):
    return call(exchange.http_url, "GET", f"/v1/orders/{order_id}", token=token)


def fills(exchange, token: str, query: str = "") -> list[dict]:
    response = call(exchange.http_url, "GET", "/v1/fills" + query, token=token)
    assert response.status == 200, response.body
    return response.body.get("fills", [])


def order_status(exchange, token: str, order_id: str) -> str:
    response = get_order(exchange, token, order_id)
    assert response.status == 200, response.body
    return response.body["order"]["status"]


def wait_for_status(exchange, token: str, order_id: str, status: str) -> dict:
    def reached():
        response = get_order(exchange, token, order_id)
        return response.body["order"] if response.body["order"]["status"] == status else None
    return wait_for(reached)


def order_channel(exchange) -> grpc.Channel:
    """Straight to the order service: OrderInternalService is never routed by Envoy."""
    return exchange.stack.channel("order")


def internal_stub(channel) -> order_pb2_grpc.OrderInternalServiceStub:
    return order_pb2_grpc.OrderInternalServiceStub(channel)


def redeliver(exchange, event_id: str, topic: str = "engine.event.v1") -> None:
    """Sends a record again, byte for byte with its headers, as Kafka does after a rebalance or
    a producer retry."""
    records = kafka_records(exchange.stack.kafka_bootstrap, topic, event_id)
    assert records, f"{event_id} is not on {topic}"
    record = records[0]
    producer = Producer({"bootstrap.servers": exchange.stack.kafka_bootstrap})
    producer.produce(topic, key=record.key(), value=record.value(), headers=record.headers())
    assert producer.flush(15) == 0


def trades_of(exchange, order_id: str) -> list[engine_pb.TradeExecuted]:
    """The matching engine's trades of an order, read from engine.event.v1 (one partition)."""
    events = (engine_pb.EngineEvent.FromString(r.value())
              for r in all_records(exchange.stack.kafka_bootstrap, "engine.event.v1"))
    return [e.trade_executed for e in events if e.HasField("trade_executed")
            and order_id in (e.trade_executed.maker_order_id, e.trade_executed.taker_order_id)]


def placed(exchange, token: str, body: dict) -> dict:
    response = place(exchange, token, body)
    assert response.status == 200, response.body
    return response.body["order"]


def resting(exchange, token: str, body: dict) -> dict:
    """Placed and acknowledged by the matching engine."""
    order = placed(exchange, token, body)
    return wait_for(lambda: (o := get_order(exchange, token, order["order_id"]).body["order"])
                    ["accepted_at_unix_ms"] != "0" and o)


def wallet_balance(exchange, user_id: str) -> tuple:
    """(available, locked, position_margin) in USDT."""
    return sql(exchange, "select available, locked, position_margin from wallet.balances where user_id = %s "
                         "and asset = 'USDT'", user_id)[0]


def wallet_calls_done(exchange, order_id: str) -> list[str]:
    return [kind for (kind,) in sql(exchange, "select kind from orders.wallet_calls where order_id = %s and "
                                              "done_at_unix_ms is not null order by id", order_id)]


def wallet_calls_queued(exchange, order_id: str) -> list[str]:
    """Every wallet call queued under `order_id`, done or not."""
    return [kind for (kind,) in sql(exchange, "select kind from orders.wallet_calls where order_id = %s order by id",
                                    order_id)]


def all_wallet_calls_done(exchange, order_id: str, count: int) -> list[str]:
    def done():
        pending = sql(exchange, "select count(*) from orders.wallet_calls where order_id = %s and "
                                "done_at_unix_ms is null", order_id)[0][0]
        kinds = wallet_calls_done(exchange, order_id)
        return kinds if pending == 0 and len(kinds) == count else None
    return wait_for(done)


def risk_serves_pre_trade_checks(exchange) -> str:
    """"" when the Risk service answers PreTradeCheck, else why not (for a skip reason)."""
    running = exchange.stack.services.get("risk")
    if running is None:
        return "the risk service is not part of the mesh"
    with exchange.stack.channel("risk") as channel:
        try:
            risk_pb2_grpc.RiskServiceStub(channel).PreTradeCheck(
                risk_pb2.PreTradeCheckRequest(order_id="probe", user_id="probe", symbol="PROBE-USDT-PERP",
                                              side=1, order_type=1, price="1", quantity="1", leverage="1"),
                timeout=5)
        except grpc.RpcError as error:
            if error.code() in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.UNAVAILABLE):
                return f"Risk PreTradeCheck is not served yet ({error.code().name}: services/risk/api)"
    return ""


@pytest.fixture(scope="module")
def requires_risk(exchange):
    # Risk serves PreTradeCheck now: if it stops, the order tests must fail, not skip.
    reason = risk_serves_pre_trade_checks(exchange)
    assert not reason, reason
