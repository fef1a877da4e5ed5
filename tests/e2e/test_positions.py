"""Positions and margin through the whole path: Envoy -> Order -> Engine -> engine.event.v1 ->
Position (ledger, settlement.v1) -> Wallet. Two users open a position against each other and
close it; the closer's margin and PnL come back to available, the wallet ledger balances, nothing
stays locked, and closing needs no new margin. Instrument of approved_instrument(): tick 0.01,
lot 0.1, maker fee 0.0001, taker fee 0.0004, maintenance rate 0.01."""
from __future__ import annotations

import os
import signal
import time
from decimal import Decimal as D

import pytest
from tradex.common.v1 import positions_pb2, trading_pb2
from tradex.funding.v1 import events_pb2 as funding_events
from tradex.marketdata.v1 import events_pb2 as md_events
from tradex.marketdata.v1 import marketdata_pb2
from tradex.position.v1 import events_pb2 as position_events
from tradex.position.v1 import position_pb2 as pb
from tradex.position.v1 import position_pb2_grpc
from tradex.risk.v1 import events_pb2 as risk_events

from mesh.exchange import SERVICES
from services.platform.ids import now_ms
from tests.e2e.order_support import (
    approved_instrument,
    call,
    funded_user,
    limit_order,
    placed,
    redeliver,
    requires_risk,
    resting,
    sql,
    trades_of,
    wait_for,
    wait_for_status,
    wallet_balance,
)
from tests.e2e.wallet_support import produce

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("requires_risk")]
__all__ = ["requires_risk"]


def positions(exchange, token: str) -> list[dict]:
    response = call(exchange.http_url, "GET", "/v1/positions", token=token)
    assert response.status == 200, response.body
    return response.body.get("positions", [])


def settled(exchange, user_id: str, count: int) -> None:
    """Waits until the Wallet applied `count` TRADE settlements of the user."""
    wait_for(lambda: sql(exchange, "select count(*) from wallet.operations o join position.outbox p on "
                                   "o.idempotency_key = 'settlement:' || p.event_id where p.key = %s and "
                                   "p.topic = 'settlement.v1'", user_id) == [(count,)])


def usdt_conserved(exchange) -> bool:
    users = sql(exchange, "select coalesce(sum(available + locked + position_margin), 0) from wallet.balances "
                          "where asset = 'USDT'")[0][0]
    systems = sql(exchange, "select coalesce(sum(balance), 0) from wallet.system_balances where asset = 'USDT'")[0][0]
    return users + systems == 0


def fees_account(exchange) -> D:
    return sql(exchange, "select balance from wallet.system_balances where account_kind = 'FEES' "
                         "and asset = 'USDT'")[0][0]


def by_symbol(exchange, symbol: str, as_of: int, **paging) -> pb.ListPositionsBySymbolResponse:
    with exchange.stack.channel("position") as channel:
        stub = position_pb2_grpc.PositionServiceStub(channel)
        return stub.ListPositionsBySymbol(pb.ListPositionsBySymbolRequest(symbol=symbol, as_of_unix_ms=as_of,
                                                                          **paging))


def test_two_users_open_then_close_and_margin_and_pnl_return_to_available(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    short_id, short_token = funded_user(exchange, "1000")
    long_id, long_token = funded_user(exchange, "1000")
    fees_before = fees_account(exchange)

    # Open: the short rests (maker), the long takes it. 1 @ 100, leverage 10: margin 10 each.
    maker = resting(exchange, short_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    taker = placed(exchange, long_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, long_token, taker["order_id"], "ORDER_STATUS_FILLED")
    wait_for_status(exchange, short_token, maker["order_id"], "ORDER_STATUS_FILLED")
    settled(exchange, short_id, 1)
    settled(exchange, long_id, 1)
    opened_at = wait_for(lambda: sql(exchange, "select max(at_unix_ms) from position.position_ledger "
                                               "where symbol = %s", symbol)[0][0])

    [short] = wait_for(lambda: positions(exchange, short_token))
    [long] = positions(exchange, long_token)
    assert (short["side"], short["size"], short["entry_price"], short["margin"], short["leverage"]) == (
        "POSITION_SIDE_SHORT", "1", "100", "10", "10")
    assert (long["side"], long["size"], long["entry_price"], long["margin"]) == ("POSITION_SIDE_LONG", "1", "100", "10")
    # No mark price yet: the response says so and values nothing, but the liquidation estimate
    # needs none: long (100 - 10) / (1 * 0.99), short (100 + 10) / (1 * 1.01).
    assert not long.get("mark_price_available")
    assert (long.get("mark_price", ""), long.get("unrealized_pnl", ""), long.get("maintenance_margin", "")) == ("", "", "")
    assert long["estimated_liquidation_price"].startswith("90.90909090")
    assert short["estimated_liquidation_price"].startswith("108.9108910891")
    # The fill's margin left the order's lock for position margin; the lock's rest went back.
    wait_for(lambda: wallet_balance(exchange, short_id) == (D("989.99"), 0, 10))  # maker fee 0.01
    wait_for(lambda: wallet_balance(exchange, long_id) == (D("989.96"), 0, 10))  # taker fee 0.04

    # A mark price arrives (as the pricing service will publish it): positions are valued with it.
    mark = marketdata_pb2.MarkPrice(symbol=symbol, mark_price="105", index_price="105", computed_at_unix_ms=now_ms())
    produce(exchange, "md.mark.v1", symbol, md_events.MarkPriceUpdated(mark_price=mark))
    [long] = wait_for(lambda: [p for p in positions(exchange, long_token) if p.get("mark_price_available")])
    assert (long["mark_price"], long["unrealized_pnl"], long["notional"], long["maintenance_margin"]) == (
        "105", "5", "105", "1.05")
    [short] = positions(exchange, short_token)
    assert short["unrealized_pnl"] == "-5"

    # Risk sees the exposure (debounced risk.exposure.v2), so reduce-only orders are accepted.
    for user_id in (short_id, long_id):
        wait_for(lambda u=user_id: sql(exchange, "select 1 from risk.positions where user_id = %s and symbol = %s",
                                       u, symbol))

    # Close at 110, reduce-only: no new margin locked. The long rests (maker), the short takes.
    long_close = resting(exchange, long_token, limit_order(symbol, "SELL", "110.00", "1", leverage="10",
                                                           reduce_only=True))
    short_close = placed(exchange, short_token, limit_order(symbol, "BUY", "110.00", "1", leverage="10",
                                                            reduce_only=True))
    assert long_close["margin_locked"] in ("0", "", None) and short_close.get("margin_locked", "0") in ("0", "")
    wait_for_status(exchange, short_token, short_close["order_id"], "ORDER_STATUS_FILLED")
    wait_for_status(exchange, long_token, long_close["order_id"], "ORDER_STATUS_FILLED")
    settled(exchange, short_id, 2)
    settled(exchange, long_id, 2)

    # Flat: nothing left in position margin or locked; PnL and margin are back in available.
    # long: 1000 + 10 (PnL) - 0.04 - 0.011 (fees); short: 1000 - 10 - 0.01 - 0.044.
    wait_for(lambda: wallet_balance(exchange, long_id) == (D("1009.949"), 0, 0))
    wait_for(lambda: wallet_balance(exchange, short_id) == (D("989.946"), 0, 0))
    assert positions(exchange, long_token) == [] and positions(exchange, short_token) == []
    assert fees_account(exchange) - fees_before == D("0.105")
    assert usdt_conserved(exchange)
    assert sql(exchange, "select count(*) from position.outbox where topic = 'position.closed.v1' and key in (%s, %s)",
               long_id, short_id) == [(2,)]

    # The ledger: realized PnL over all users of the symbol is zero-sum; fees match the wallet.
    [(realized, fees)] = sql(exchange, "select sum(realized_pnl), sum(fee) from position.position_ledger "
                                       "where symbol = %s", symbol)
    assert (realized, fees) == (0, D("0.105"))

    # As of the opening instant the replay shows both positions; as of now, none.
    then = by_symbol(exchange, symbol, opened_at)
    assert sorted((p.user_id, p.size, p.entry_price) for p in then.positions) == sorted(
        [(short_id, "1", "100"), (long_id, "1", "100")])
    assert then.applied_through_unix_ms >= opened_at
    first = by_symbol(exchange, symbol, opened_at, page_size=1)
    assert len(first.positions) == 1 and first.next_page_token and first.as_of_unix_ms == opened_at
    second = by_symbol(exchange, symbol, 0, page_size=1, page_token=first.next_page_token)
    assert [p.user_id for p in (*first.positions, *second.positions)] == sorted([short_id, long_id])
    assert second.next_page_token == "" and second.as_of_unix_ms == opened_at
    assert by_symbol(exchange, symbol, opened_at - 1).positions == []
    assert list(by_symbol(exchange, symbol, 0).positions) == []


def test_position_killed_mid_stream_applies_every_trade_once(exchange, admins):
    """SIGKILL the Position process by PID while the engine fills; restart it; redeliver the
    trades: every fill is in the ledger once, settled once, and the wallet shows each once."""
    symbol = approved_instrument(exchange, admins)["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    buyer_id, buyer_token = funded_user(exchange, "1000")
    asks = [resting(exchange, seller_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
            for _ in range(5)]
    position = exchange.stack.services["position"]
    os.kill(position.process.pid, signal.SIGKILL)
    position.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(position.process)
    # While Position is down, the engine matches the taker against all five asks.
    taker = placed(exchange, buyer_token, limit_order(symbol, "BUY", "100.00", "5", leverage="10"))
    wait_for(lambda: len(trades_of(exchange, taker["order_id"])) == 5)
    definition = next(s for s in SERVICES if s.name == "position")
    exchange.stack.start_service(definition.name, definition.module, exchange.service_env(), port=position.port)

    def ledger_rows() -> int:
        return sql(exchange, "select count(*) from position.position_ledger where symbol = %s", symbol)[0][0]

    wait_for(lambda: ledger_rows() == 10)
    # Killed again while it may be mid-way through its outbox, then every trade delivered twice more.
    position = exchange.stack.services["position"]
    os.kill(position.process.pid, signal.SIGKILL)
    position.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(position.process)
    for trade in trades_of(exchange, taker["order_id"]):
        redeliver(exchange, trade.trade_id)
    exchange.stack.start_service(definition.name, definition.module, exchange.service_env(), port=position.port)
    for ask in asks:
        wait_for_status(exchange, seller_token, ask["order_id"], "ORDER_STATUS_FILLED")
    # 5 * 100 / 10 margin each side; fees 500 * 0.0004 (taker), 500 * 0.0001 (maker).
    wait_for(lambda: wallet_balance(exchange, buyer_id) == (D("1000") - D("50") - D("0.2"), 0, 50))
    wait_for(lambda: wallet_balance(exchange, seller_id) == (D("1000") - D("50") - D("0.05"), 0, 50))
    wait_for(lambda: sql(exchange, "select count(*) from position.inbox where consumer = 'position.trades' and "
                                   "event_id in (select source_event_id from position.position_ledger "
                                   "where symbol = %s)", symbol) == [(5,)])
    assert ledger_rows() == 10
    assert sql(exchange, "select count(*) from wallet.journal_entries where idempotency_key like %s",
               f"settlement:trade:{symbol}:%") == [(10,)]
    [long] = positions(exchange, buyer_token)
    [short] = positions(exchange, seller_token)
    assert (long["size"], long["margin"], short["size"], short["margin"]) == ("5", "50", "5", "50")
    assert usdt_conserved(exchange)

    # risk.exposure.v2 is debounced per user (POSITION_EXPOSURE_INTERVAL_S, 1 s by default), kill or
    # no kill, and the last one published carries the latest state.
    def exposures() -> list:
        return sql(exchange, "select occurred_at_unix_ms, payload from position.outbox where topic = "
                             "'risk.exposure.v2' and key = %s order by id", buyer_id)
    wait_for(lambda: (rows := exposures()) and position_events.ExposureUpdated.FromString(rows[-1][1]).symbols
             and position_events.ExposureUpdated.FromString(rows[-1][1]).symbols[0].size == "5")
    times = [at for at, _ in exposures()]
    assert all(later - earlier >= 1000 for earlier, later in zip(times, times[1:], strict=False)), times
    versions = [position_events.ExposureUpdated.FromString(payload).version for _, payload in exposures()]
    assert versions == sorted(set(versions))


def test_funding_is_folded_into_the_position_and_settled_once_from_total_equity(exchange, admins):
    """position.funding.v1 (produced here until the Funding service exists) -> ledger ->
    settlement.v1 kind FUNDING, idempotent by funding:{cycle_ts}:{user_id}:{symbol}; a payment
    larger than available is collected from position margin too."""
    symbol = approved_instrument(exchange, admins)["symbol"]
    short_id, short_token = funded_user(exchange, "1000")
    long_id, long_token = funded_user(exchange, "20.05")
    # The long puts all it has into the position: 20 margin (1 @ 100, leverage 5) + 0.04 fee.
    resting(exchange, short_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    taker = placed(exchange, long_token, limit_order(symbol, "BUY", "100.00", "1", leverage="5"))
    wait_for_status(exchange, long_token, taker["order_id"], "ORDER_STATUS_FILLED")
    wait_for(lambda: wallet_balance(exchange, long_id) == (D("0.01"), 0, 20))
    short_before = wait_for(lambda: (b := wallet_balance(exchange, short_id))[2] == 10 and b)

    cycle = now_ms()
    for user_id, side, amount in ((long_id, positions_pb2.POSITION_SIDE_LONG, "-0.5"),
                                  (short_id, positions_pb2.POSITION_SIDE_SHORT, "0.5")):
        payment = funding_events.FundingApplied(
            funding_id=f"funding:{cycle}:{user_id}:{symbol}", cycle_id=f"cycle-{cycle}", cycle_ts_unix_ms=cycle,
            user_id=user_id, symbol=symbol, asset="USDT", rate="0.005", mark_price="100", side=side, size="1",
            amount=amount)
        produce(exchange, "position.funding.v1", user_id, payment)
        produce(exchange, "position.funding.v1", user_id, payment)  # a worker publishing twice
    # The long pays 0.5 with 0.01 available: 0.01 from available, 0.49 from position margin.
    wait_for(lambda: wallet_balance(exchange, long_id) == (0, 0, D("19.51")))
    wait_for(lambda: wallet_balance(exchange, short_id) == (short_before[0] + D("0.5"), 0, 10))
    [long] = wait_for(lambda: [p for p in positions(exchange, long_token) if p["funding"] == "-0.5"])
    assert long["size"] == "1"
    assert sql(exchange, "select count(*) from position.position_ledger where kind = 'FUNDING' and symbol = %s",
               symbol) == [(2,)]
    assert sql(exchange, "select count(*) from wallet.journal_entries where idempotency_key like %s",
               f"settlement:funding:{cycle}:%:{symbol}") == [(2,)]
    assert usdt_conserved(exchange)


def publish_mark(exchange, symbol: str, price: str) -> None:
    mark = marketdata_pb2.MarkPrice(symbol=symbol, mark_price=price, index_price=price, computed_at_unix_ms=now_ms())
    produce(exchange, "md.mark.v1", symbol, md_events.MarkPriceUpdated(mark_price=mark))
    wait_for(lambda: sql(exchange, "select 1 from risk.prices where symbol = %s and mark_price = %s", symbol,
                         D(price)))


def liquidations_of(exchange, user_id: str) -> list:
    return sql(exchange, "select payload from risk.outbox where topic = 'risk.liquidation.v1' and key = %s "
                         "order by id", user_id)


def test_a_losing_position_triggers_exactly_one_liquidation_and_a_healthy_one_none(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]
    healthy_id, healthy_token = funded_user(exchange, "1000")
    weak_id, weak_token = funded_user(exchange, "10.05")
    # weak: long 1 @ 100 at leverage 10 with nothing else: wallet 10.01 after the 0.04 fee, so
    # equity 10.01 + (mark - 100) reaches maintenance 0.01 * mark below a mark of about 90.9.
    resting(exchange, healthy_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    taker = placed(exchange, weak_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, weak_token, taker["order_id"], "ORDER_STATUS_FILLED")
    wait_for(lambda: wallet_balance(exchange, weak_id) == (D("0.01"), 0, 10))
    for user_id in (weak_id, healthy_id):
        wait_for(lambda u=user_id: sql(exchange, "select 1 from risk.positions where user_id = %s and symbol = %s",
                                       u, symbol))

    publish_mark(exchange, symbol, "95")
    time.sleep(1.0)  # several watch scans
    assert liquidations_of(exchange, weak_id) == []
    publish_mark(exchange, symbol, "90")
    [(payload,)] = wait_for(lambda: liquidations_of(exchange, weak_id))
    event = risk_events.LiquidationTriggered.FromString(payload)
    assert (event.symbol, event.quantity, event.entry_price, event.mark_price) == (symbol, "1", "100", "90")
    assert event.close_side == trading_pb2.SIDE_SELL and D(event.equity) == D("0.01")
    # The mark keeps falling while the liquidation runs: no storm.
    publish_mark(exchange, symbol, "89")
    publish_mark(exchange, symbol, "88")
    time.sleep(1.0)
    assert len(liquidations_of(exchange, weak_id)) == 1
    assert liquidations_of(exchange, healthy_id) == []
    # Settlement closes the position (the book has no bid: ADL against healthy, the only short)
    # and Risk re-arms the account once that liquidation completed; nothing is left to trigger.
    wait_for(lambda: sql(exchange, "select breached from risk.margin_watch where user_id = %s", weak_id) == [(False,)],
             timeout=60)
    wait_for(lambda: sql(exchange, "select count(*) from risk.open_liquidations where user_id = %s", weak_id)
             == [(0,)])
    time.sleep(2.0)  # past the watch's confirmation delay
    assert len(liquidations_of(exchange, weak_id)) == 1
    assert liquidations_of(exchange, healthy_id) == []


def test_closing_with_a_plain_order_needs_no_new_margin(exchange, admins):
    """Risk nets: the part of an order that closes the position locks nothing, so a user whose
    whole balance is in position margin can still close with an ordinary order."""
    symbol = approved_instrument(exchange, admins)["symbol"]
    other_id, other_token = funded_user(exchange, "1000")
    user_id, token = funded_user(exchange, "10.05")
    resting(exchange, other_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    opened = placed(exchange, token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, token, opened["order_id"], "ORDER_STATUS_FILLED")
    wait_for(lambda: wallet_balance(exchange, user_id) == (D("0.01"), 0, 10))
    wait_for(lambda: sql(exchange, "select size from risk.positions where user_id = %s and symbol = %s",
                         user_id, symbol) == [(D(1),)])

    resting(exchange, other_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    close = placed(exchange, token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    assert close["margin_locked"] in ("0", "")
    wait_for_status(exchange, token, close["order_id"], "ORDER_STATUS_FILLED")
    # The 10 of margin is back; the taker fee 0.04 came out of it.
    wait_for(lambda: wallet_balance(exchange, user_id) == (D("9.97"), 0, 0))
    assert positions(exchange, token) == []
    assert usdt_conserved(exchange)


def set_leverage(exchange, token: str, symbol: str, leverage: str):
    return call(exchange.http_url, "POST", f"/v1/positions/{symbol}/leverage", {"leverage": leverage}, token)


def test_leverage_is_a_per_symbol_setting_that_orders_without_one_use(exchange, admins):
    symbol = approved_instrument(exchange, admins)["symbol"]  # max leverage 20
    other_id, other_token = funded_user(exchange, "1000")
    user_id, token = funded_user(exchange, "10.05")
    refused = set_leverage(exchange, token, symbol, "21")
    assert refused.status == 400 and "above the instrument's maximum 20" in refused.body["message"]
    answer = set_leverage(exchange, token, symbol, "10")
    assert answer.status == 200 and answer.body["leverage"] == "10", answer.body

    resting(exchange, other_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    body = limit_order(symbol, "BUY", "100.00", "1")  # no leverage: the setting applies
    order = placed(exchange, token, body)
    assert (order["leverage"], order["margin_locked"]) == ("10", "10.04")
    wait_for_status(exchange, token, order["order_id"], "ORDER_STATUS_FILLED")
    [mine] = wait_for(lambda: positions(exchange, token))
    assert (mine["leverage"], mine["margin"]) == ("10", "10")
    wait_for(lambda: sql(exchange, "select 1 from risk.positions where user_id = %s and symbol = %s", user_id, symbol))

    # Equity 10.01 cannot hold the position's 100 of notional at leverage 5 (20 of margin).
    refused = set_leverage(exchange, token, symbol, "5")
    assert refused.status == 400 and "would not cover 20" in refused.body["message"], refused.body
    assert set_leverage(exchange, token, symbol, "20").status == 200
