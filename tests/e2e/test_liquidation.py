"""Liquidation on the running mesh: Risk -> risk.liquidation.v1 -> Settlement -> CancelUserOrders ->
bankruptcy price -> SubmitLiquidationOrder (IOC) -> Engine -> Position -> Wallet -> insurance fund,
and the receipt recomputed here from its own inputs. Instrument of approved_instrument(): tick
0.01, lot 0.1, maker fee 0.0001, taker fee 0.0004, maintenance rate 0.01."""
from __future__ import annotations

import os
import signal
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR
from decimal import Decimal as D

import pytest
from tradex.marketdata.v1 import events_pb2 as md_events
from tradex.marketdata.v1 import marketdata_pb2
from tradex.risk.v1 import events_pb2 as risk_events
from tradex.settlement.v1 import settlement_pb2 as pb
from tradex.settlement.v1 import settlement_pb2_grpc

from mesh.exchange import SERVICES
from services.platform.ids import now_ms
from tests.e2e.order_support import (
    approved_instrument,
    call,
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
from tests.e2e.test_positions import publish_mark
from tests.e2e.wallet_support import produce

# The index is 100 (approved_instrument) and these books trade from 88.5 to 150: a 50% band keeps
# Risk's price band (tested in test_prices.py / test_risk_pretrade.py) out of the liquidation story.
BAND = "0.5"

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("requires_risk")]
__all__ = ["requires_risk"]
Q = D("1e-18")


def fund(exchange) -> D:
    rows = sql(exchange, "select balance from wallet.system_balances where account_kind = 'INSURANCE_FUND' "
                         "and asset = 'USDT'")
    return rows[0][0] if rows else D(0)


def liquidation_ids(exchange, user_id: str) -> list[str]:
    rows = sql(exchange, "select payload from risk.outbox where topic = 'risk.liquidation.v1' and key = %s "
                         "order by id", user_id)
    return [risk_events.LiquidationTriggered.FromString(bytes(p)).liquidation_id for (p,) in rows]


def record_status(exchange, liquidation_id: str) -> str | None:
    rows = sql(exchange, "select status from settlement.settlement_records where liquidation_id = %s",
               liquidation_id)
    return rows[0][0] if rows else None


def receipt(exchange, token: str, liquidation_id: str) -> dict:
    response = call(exchange.http_url, "GET", f"/v1/liquidations/{liquidation_id}", token=token)
    assert response.status == 200, response.body
    return response.body["receipt"]


def completed_receipt(exchange, token: str, liquidation_id: str, timeout: float = 60.0) -> dict:
    wait_for(lambda: record_status(exchange, liquidation_id) == "COMPLETED", timeout=timeout)
    return receipt(exchange, token, liquidation_id)


def recompute(r: dict) -> None:
    """Every number of the receipt from its own inputs (services/settlement/README.md)."""
    w = r["bankruptcy"]
    upnl_total = D(0)
    for p in w["positions"]:
        sign = 1 if p["side"] == "POSITION_SIDE_LONG" else -1
        upnl = ((D(p["mark_price"]) - D(p["entry_price"])) * D(p["size"]) * sign).quantize(Q, rounding=ROUND_DOWN)
        assert upnl == D(p["unrealized_pnl"])
        upnl_total += upnl
    equity = D(w["wallet_available"]) + D(w["wallet_locked"]) + D(w["wallet_position_margin"]) + upnl_total
    assert equity == D(w["equity"])
    sign = 1 if r["position_side"] == "POSITION_SIDE_LONG" else -1
    bankruptcy = (D(w["mark_price"]) - sign * equity / D(w["size"])).quantize(Q, rounding=ROUND_DOWN)
    assert bankruptcy == D(w["bankruptcy_price"])
    tick = D(w["tick_size"])
    ticks = (bankruptcy / tick).to_integral_value(rounding=ROUND_CEILING if sign == 1 else ROUND_FLOOR)
    assert max(ticks * tick, tick) == D(w["order_price"])
    rate = D(r["taker_fee_rate"])
    fees = improvement = filled = D(0)
    for f in r.get("fills", []):
        price, qty = D(f["price"]), D(f["quantity"])
        fee = (price * qty * rate).quantize(Q, rounding=ROUND_DOWN)
        assert fee == D(f["fee"])
        fees += fee
        improvement += sign * (price - bankruptcy) * qty
        filled += qty
    assert (filled, fees, improvement) == (D(r["filled_quantity"]), D(r["fees"]), D(r["price_improvement"]))
    assert D(r["unfilled_quantity"]) == D(w["size"]) - filled
    assert D(r["residual_to_fund"]) <= max(improvement - fees, D(0))
    assert D(r["insurance_fund_delta"]) == D(r["residual_to_fund"]) - D(r.get("shortfall_covered") or "0")


def losing_long(exchange, admins, bid: str):
    """weak: LONG 1 @ 100 at leverage 10 with nothing else (wallet 10.01 after the 0.04 fee); a
    bidder rests BUY 1 @ `bid` for the liquidation order to hit."""
    symbol = approved_instrument(exchange, admins, price_band_rate=BAND)["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    weak_id, weak_token = funded_user(exchange, "10.05")
    bidder_id, bidder_token = funded_user(exchange, "1000")
    resting(exchange, seller_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    taker = placed(exchange, weak_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, weak_token, taker["order_id"], "ORDER_STATUS_FILLED")
    wait_for(lambda: wallet_balance(exchange, weak_id) == (D("0.01"), 0, 10))
    for user_id in (weak_id, seller_id):
        wait_for(lambda u=user_id: sql(exchange, "select 1 from risk.positions where user_id = %s and symbol = %s",
                                       u, symbol))
    bid_order = resting(exchange, bidder_token, limit_order(symbol, "BUY", bid, "1", leverage="10"))
    return symbol, (weak_id, weak_token), (seller_id, seller_token), (bidder_id, bidder_token), bid_order


def test_liquidated_through_the_order_path_with_a_receipt_that_recomputes(exchange, admins):
    symbol, (weak_id, weak_token), _, (bidder_id, bidder_token), bid = losing_long(exchange, admins, "90.50")
    # An open order of the weak user that the liquidation must withdraw first.
    open_order = resting(exchange, weak_token, limit_order(symbol, "SELL", "150.00", "0.1", leverage="10",
                                                           reduce_only=True))
    fund_before = fund(exchange)
    # The index tick in force at the trigger, with its constituents (as pricing publishes it).
    index = marketdata_pb2.IndexPrice(symbol=symbol, price="90.2", computed_at_unix_ms=now_ms(), components=[
        marketdata_pb2.IndexComponent(exchange="binance", symbol="BTC/USDT", price="90.1", weight="0.5",
                                      effective_weight="0.5", fetched_at_unix_ms=now_ms() - 300),
        marketdata_pb2.IndexComponent(exchange="kraken", symbol="BTC/USDT", price="90.3", weight="0.5",
                                      effective_weight="0.5", fetched_at_unix_ms=now_ms() - 200)])
    produce(exchange, "md.index.v1", symbol, md_events.IndexPriceUpdated(index_price=index))
    wait_for(lambda: sql(exchange, "select 1 from settlement.index_ticks where symbol = %s", symbol))

    # Mark 90: equity 10.01 - 10 = 0.01 <= maintenance 0.9.
    publish_mark(exchange, symbol, "90")
    [liquidation_id] = wait_for(lambda: liquidation_ids(exchange, weak_id), timeout=30)
    r = completed_receipt(exchange, weak_token, liquidation_id)
    recompute(r)

    w = r["bankruptcy"]
    # E = 0.01 + 10 - 10 = 0.01 -> bankruptcy 90 - 0.01 = 89.99; filled at the bid, 90.50.
    assert (D(w["equity"]), D(w["bankruptcy_price"]), D(w["order_price"])) == (D("0.01"), D("89.99"), D("89.99"))
    assert w["cancelled_order_ids"] == [open_order["order_id"]]
    assert [(D(f["price"]), D(f["quantity"])) for f in r["fills"]] == [(D("90.5"), D("1"))]
    # improvement 0.51, fee 90.5 * 0.0004 = 0.0362, residual 0.4738 to the fund.
    assert (D(r["price_improvement"]), D(r["fees"]), D(r["residual_to_fund"])) == (D("0.51"), D("0.0362"),
                                                                                      D("0.4738"))
    assert r["resolution"] == "SETTLEMENT_RESOLUTION_NO_SHORTFALL"
    assert r["symbol"] == symbol and r["trigger_mark_price"] == "90" and int(r["trigger_engine_seq"]) > 0
    assert D(r["trigger_equity"]) == D("0.01")
    assert r["trigger_index_computed_at_unix_ms"] == str(index.computed_at_unix_ms) and r["trigger_index_event_id"]
    assert [(c["exchange"], c["price"], c["fetched_at_unix_ms"]) for c in r["trigger_index_components"]] == [
        ("binance", "90.1", str(index.components[0].fetched_at_unix_ms)),
        ("kraken", "90.3", str(index.components[1].fetched_at_unix_ms))]
    assert r["trigger_mark_event_id"] and int(r["trigger_mark_computed_at_unix_ms"]) > 0
    # The fund changed by exactly the receipt's delta; the user ends at zero, nothing locked.
    wait_for(lambda: fund(exchange) - fund_before == D(r["insurance_fund_delta"]))
    assert wallet_balance(exchange, weak_id) == (0, 0, 0)
    # Through the real order path: one liquidation order, filled against the bid.
    assert sql(exchange, "select count(*) from orders.orders where liquidation_id = %s", liquidation_id) == [(1,)]
    wait_for_status(exchange, bidder_token, bid["order_id"], "ORDER_STATUS_FILLED")
    # Another user cannot read it.
    _, other_token = funded_user(exchange, "1")
    assert call(exchange.http_url, "GET", f"/v1/liquidations/{liquidation_id}", token=other_token).status == 404
    # The public insurance fund lists the contribution.
    public = call(exchange.http_url, "GET", "/v1/insurance-fund")
    assert public.status == 200, public.body
    assert any(h["liquidation_id"] == liquidation_id and D(h["amount"]) == D("0.4738")
               for h in public.body.get("history", []))
    assert any(b["asset"] == "USDT" for b in public.body["balances"])
    # Risk re-armed: no position left.
    wait_for(lambda: sql(exchange, "select breached from risk.margin_watch where user_id = %s", weak_id)
             == [(False,)])


def kill(exchange, name: str):
    running = exchange.stack.services[name]
    os.kill(running.process.pid, signal.SIGKILL)
    running.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(running.process)
    return running


def start(exchange, name: str, port: int) -> None:
    definition = next(s for s in SERVICES if s.name == name)
    exchange.stack.start_service(definition.name, definition.module, exchange.service_env(), port=port)


def test_settlement_killed_mid_liquidation_resumes_and_completes_once(exchange, admins):
    symbol, (weak_id, weak_token), _, _, _ = losing_long(exchange, admins, "90.50")
    fund_before = fund(exchange)
    # Position down: the liquidation opens its record and cancels orders, but cannot price the
    # account, so it is held at INITIATED while Settlement is SIGKILLed.
    position = kill(exchange, "position")
    try:
        publish_mark(exchange, symbol, "90")
        [liquidation_id] = wait_for(lambda: liquidation_ids(exchange, weak_id), timeout=30)
        wait_for(lambda: sql(exchange, "select status, attempts > 0 from settlement.settlement_records "
                                       "where liquidation_id = %s", liquidation_id) == [("INITIATED", True)])
        settlement = kill(exchange, "settlement")
    finally:
        start(exchange, "position", position.port)
    start(exchange, "settlement", settlement.port)
    r = completed_receipt(exchange, weak_token, liquidation_id)
    recompute(r)
    assert D(r["residual_to_fund"]) == D("0.4738")
    wait_for(lambda: fund(exchange) - fund_before == D(r["insurance_fund_delta"]))
    # Once: one order, one contribution, one completion event; a second kill after completion
    # changes nothing.
    settlement = kill(exchange, "settlement")
    start(exchange, "settlement", settlement.port)
    with exchange.stack.channel("settlement") as channel:
        stub = settlement_pb2_grpc.SettlementServiceStub(channel)
        wait_for(lambda: _fund_rpc(stub))
    assert sql(exchange, "select count(*) from orders.orders where liquidation_id = %s", liquidation_id) == [(1,)]
    assert sql(exchange, "select count(*) from wallet.operations where idempotency_key like %s",
               f"%{r['record_id']}:contribute%") == [(1,)]
    assert sql(exchange, "select count(*) from settlement.outbox where topic = 'settlement.completed.v1' "
                         "and key = %s", weak_id) == [(1,)]
    assert fund(exchange) - fund_before == D(r["insurance_fund_delta"])
    assert wallet_balance(exchange, weak_id) == (0, 0, 0)


def _fund_rpc(stub) -> bool:
    try:
        return bool(stub.GetInsuranceFund(pb.GetInsuranceFundRequest(), timeout=5).balances)
    except Exception:  # noqa: BLE001 - still starting
        return False


def positions_of(exchange, token: str) -> list[dict]:
    response = call(exchange.http_url, "GET", "/v1/positions", token=token)
    assert response.status == 200, response.body
    return response.body.get("positions", [])


def open_positions(exchange, symbol: str) -> dict[str, D]:
    return {u: s for u, s in sql(exchange, "select user_id, size from position.positions where symbol = %s "
                                           "and size <> 0", symbol)}


def test_thin_book_gap_move_deleverages_the_top_ranked_opposite_position_only(exchange, admins):
    symbol = approved_instrument(exchange, admins, price_band_rate=BAND)["symbol"]
    top_id, top_token = funded_user(exchange, "1000")      # SHORT 1 @ 100 at leverage 10 (margin 10)
    weak_id, weak_token = funded_user(exchange, "10.05")    # LONG 1 @ 100 at leverage 10 against top
    low_id, low_token = funded_user(exchange, "1000")       # SHORT 1 @ 100 at leverage 2 (margin 50)
    long_id, long_token = funded_user(exchange, "1000")     # LONG 1 @ 100 at leverage 2 against low
    resting(exchange, top_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    first = placed(exchange, weak_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, weak_token, first["order_id"], "ORDER_STATUS_FILLED")
    resting(exchange, low_token, limit_order(symbol, "SELL", "100.00", "1", leverage="2"))
    second = placed(exchange, long_token, limit_order(symbol, "BUY", "100.00", "1", leverage="2"))
    wait_for_status(exchange, long_token, second["order_id"], "ORDER_STATUS_FILLED")
    wait_for(lambda: wallet_balance(exchange, weak_id) == (D("0.01"), 0, 10))
    for user_id in (weak_id, top_id, low_id, long_id):
        wait_for(lambda u=user_id: sql(exchange, "select 1 from risk.positions where user_id = %s and symbol = %s",
                                       u, symbol))
    fund_before = fund(exchange)
    # ADL queue at mark 95 (no breach yet): top +5% x 95/10 = 0.475 first, low +5% x 95/50 = 0.095.
    publish_mark(exchange, symbol, "95")

    def queue(token: str) -> tuple:
        found = [p for p in positions_of(exchange, token) if p.get("mark_price") == "95"]
        return found and (found[0]["adl_score"], found[0]["adl_queue_position"])

    assert wait_for(lambda: queue(top_token)) == ("0.475", 1)
    assert wait_for(lambda: queue(low_token)) == ("0.095", 2)

    # The book has no bid at all: the IOC at the bankruptcy price cannot fill.
    publish_mark(exchange, symbol, "90")
    [liquidation_id] = wait_for(lambda: liquidation_ids(exchange, weak_id), timeout=30)
    r = completed_receipt(exchange, weak_token, liquidation_id)
    recompute(r)
    assert r["resolution"] == "SETTLEMENT_RESOLUTION_ADL"
    assert (D(r["filled_quantity"]), D(r["unfilled_quantity"]), D(r["adl_quantity"])) == (0, 1, 1)
    assert r["adl_counterparties"] == 1
    # Ranked by PnL% x effective leverage at mark 90: top 10% x 9 = 0.9 > low 10% x 1.8 = 0.18.
    # Only top is reduced, at the bankruptcy price 89.99, with no fee.
    wait_for(lambda: open_positions(exchange, symbol) == {low_id: D("-1"), long_id: D("1")})
    wait_for(lambda: wallet_balance(exchange, weak_id) == (0, 0, 0))
    # top: 1000 - 0.01 (maker fee) + (100 - 89.99) realized, margin back.
    wait_for(lambda: wallet_balance(exchange, top_id) == (D("1000") - D("0.01") + D("10.01"), 0, 0))
    assert fund(exchange) == fund_before and D(r["insurance_fund_delta"]) == 0
    # Long open interest equals short open interest.
    sizes = open_positions(exchange, symbol).values()
    assert sum(s for s in sizes if s > 0) == -sum(s for s in sizes if s < 0)
    assert sql(exchange, "select count(*) from settlement.outbox where topic = 'settlement.adl.triggered.v1' "
                         "and key = %s", symbol) == [(1,)]


def test_cross_margin_two_symbols_liquidated_one_after_the_other_largest_loss_first(exchange, admins):
    first_symbol = approved_instrument(exchange, admins, price_band_rate=BAND)["symbol"]
    second_symbol = approved_instrument(exchange, admins, price_band_rate=BAND)["symbol"]
    seller_id, seller_token = funded_user(exchange, "1000")
    weak_id, weak_token = funded_user(exchange, "20.10")
    bidder_id, bidder_token = funded_user(exchange, "1000")
    for symbol in (first_symbol, second_symbol):
        resting(exchange, seller_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
        taker = placed(exchange, weak_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
        wait_for_status(exchange, weak_token, taker["order_id"], "ORDER_STATUS_FILLED")
    # Wallet 20.02 (0.02 available after two 0.04 fees, 20 position margin).
    wait_for(lambda: wallet_balance(exchange, weak_id) == (D("0.02"), 0, 20))
    for symbol in (first_symbol, second_symbol):
        wait_for(lambda s=symbol: len(sql(exchange, "select 1 from risk.positions where user_id = %s and symbol = %s",
                                          weak_id, s)) == 1)
    resting(exchange, bidder_token, limit_order(first_symbol, "BUY", "88.50", "1", leverage="10"))
    resting(exchange, bidder_token, limit_order(second_symbol, "BUY", "92.10", "1", leverage="10"))
    fund_before = fund(exchange)

    # Marks 92 then 88: E = 20.02 - 8 - 12 = 0.02 <= maintenance 0.92 + 0.88.
    publish_mark(exchange, second_symbol, "92")
    publish_mark(exchange, first_symbol, "88")
    ids = wait_for(lambda: (found := liquidation_ids(exchange, weak_id)) and len(found) == 2 and found, timeout=30)
    receipts = [completed_receipt(exchange, weak_token, i, timeout=90) for i in ids]
    for r in receipts:
        recompute(r)
    first, second = receipts
    # Largest loss first: the first symbol (-12), priced with the second still open at its mark.
    assert (first["symbol"], second["symbol"]) == (first_symbol, second_symbol)
    assert len(first["bankruptcy"]["positions"]) == 2
    assert (D(first["bankruptcy"]["equity"]), D(first["bankruptcy"]["bankruptcy_price"])) == (D("0.02"), D("87.98"))
    # improvement 0.52, fee 0.0354: residual 0.4846 to the fund, equity back to zero.
    assert D(first["residual_to_fund"]) == D("0.4846")
    # The second is priced after the first completed: the account alone at zero equity -> mark.
    assert int(second["bankruptcy"]["computed_at_unix_ms"]) >= int(first["completed_at_unix_ms"])
    assert [p["symbol"] for p in second["bankruptcy"]["positions"]] == [second_symbol]
    assert (D(second["bankruptcy"]["equity"]), D(second["bankruptcy"]["bankruptcy_price"])) == (0, D("92"))
    # 0.10 improvement at 92.10, fee 0.03684: residual 0.06316.
    assert D(second["residual_to_fund"]) == D("0.06316")
    total_delta = sum(D(r["insurance_fund_delta"]) for r in receipts)
    wait_for(lambda: fund(exchange) - fund_before == total_delta)
    wait_for(lambda: wallet_balance(exchange, weak_id) == (0, 0, 0))
    # Risk: re-armed once the last of the two completed; nothing open, no new trigger.
    wait_for(lambda: sql(exchange, "select count(*) from risk.open_liquidations where user_id = %s", weak_id)
             == [(0,)])
    wait_for(lambda: sql(exchange, "select breached from risk.margin_watch where user_id = %s", weak_id)
             == [(False,)])
    assert len(liquidation_ids(exchange, weak_id)) == 2


def test_a_fill_at_the_bankruptcy_price_leaves_the_fee_to_the_insurance_fund(exchange, admins):
    # Give the fund something first: a liquidation with a better fill contributes 0.4738.
    symbol, (weak_id, weak_token), _, _, _ = losing_long(exchange, admins, "90.50")
    publish_mark(exchange, symbol, "90")
    [first_id] = wait_for(lambda: liquidation_ids(exchange, weak_id), timeout=30)
    completed_receipt(exchange, weak_token, first_id)

    # Now a bid exactly at the bankruptcy price 89.99: no improvement, the fee 89.99 * 0.0004 =
    # 0.035996 is more than the user holds (nothing), the Wallet's shortfall, covered by the fund.
    symbol, (weak_id, weak_token), _, _, _ = losing_long(exchange, admins, "89.99")
    fund_before = fund(exchange)
    assert fund_before >= D("0.035996")
    publish_mark(exchange, symbol, "90")
    [liquidation_id] = wait_for(lambda: liquidation_ids(exchange, weak_id), timeout=30)
    r = completed_receipt(exchange, weak_token, liquidation_id)
    recompute(r)
    assert (D(r["price_improvement"]), D(r["fees"]), D(r["residual_to_fund"])) == (0, D("0.035996"), 0)
    assert (D(r["shortfall"]), D(r["shortfall_covered"]), D(r.get("shortfall_uncovered") or "0")) == (
        D("0.035996"), D("0.035996"), 0)
    assert r["resolution"] == "SETTLEMENT_RESOLUTION_INSURANCE_FUND"
    assert D(r["insurance_fund_delta"]) == D("-0.035996")
    wait_for(lambda: fund(exchange) - fund_before == D(r["insurance_fund_delta"]))
    assert wallet_balance(exchange, weak_id) == (0, 0, 0)
    assert sql(exchange, "select count(*) from settlement.outbox where topic = 'settlement.insurance.used.v1' "
                         "and key = %s", weak_id) == [(1,)]
    public = call(exchange.http_url, "GET", "/v1/insurance-fund")
    assert any(h["liquidation_id"] == liquidation_id and h["kind"] == "SHORTFALL_COVERED"
               and D(h["amount"]) == D("-0.035996") for h in public.body["history"])


def test_settlement_killed_with_its_order_in_flight_resumes_and_completes_once(exchange, admins):
    symbol, (weak_id, weak_token), _, _, _ = losing_long(exchange, admins, "90.50")
    fund_before = fund(exchange)
    # Engine down: the liquidation order is accepted by the Order service but not matched, so the
    # record is held at ORDER_SUBMITTED while Settlement is SIGKILLed.
    engine = kill(exchange, "engine")
    try:
        publish_mark(exchange, symbol, "90")
        [liquidation_id] = wait_for(lambda: liquidation_ids(exchange, weak_id), timeout=30)
        wait_for(lambda: record_status(exchange, liquidation_id) == "ORDER_SUBMITTED", timeout=30)
        settlement = kill(exchange, "settlement")
    finally:
        start(exchange, "engine", engine.port)
    start(exchange, "settlement", settlement.port)
    r = completed_receipt(exchange, weak_token, liquidation_id, timeout=90)
    recompute(r)
    assert D(r["residual_to_fund"]) == D("0.4738") and [f["price"] for f in r["fills"]] == ["90.5"]
    wait_for(lambda: fund(exchange) - fund_before == D(r["insurance_fund_delta"]))
    assert sql(exchange, "select count(*) from orders.orders where liquidation_id = %s", liquidation_id) == [(1,)]
    assert sql(exchange, "select count(*) from wallet.operations where idempotency_key like %s",
               f"%{r['record_id']}:contribute%") == [(1,)]
    assert sql(exchange, "select count(*) from settlement.outbox where topic = 'settlement.completed.v1' "
                         "and key = %s", weak_id) == [(1,)]
    assert wallet_balance(exchange, weak_id) == (0, 0, 0)
