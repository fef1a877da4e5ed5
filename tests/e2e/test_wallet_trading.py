"""The wallet's trading-path RPCs (WalletInternalService, called on the wallet's own port as the
Order and Settlement services will) and the settlement.v1 consumer, against the real service,
PostgreSQL and Kafka: idempotent by their keys, refusing what the balances cannot cover, and
never routed by Envoy."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from tradex.common.v1 import trading_pb2
from tradex.position.v1 import events_pb2 as position_events
from tradex.wallet.v1 import wallet_pb2 as pb
from tradex.wallet.v1 import wallet_pb2_grpc

from mesh.rest import call
from services.platform.ids import now_ms
from tests.e2e.wallet_support import funded_user, internal_stub, produce, sql, wait_for, wallet_channel

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stub(exchange):
    with wallet_channel(exchange) as channel:
        yield internal_stub(channel)


def balance_of(stub, user_id: str, asset: str = "USDT") -> pb.Balance:
    return stub.GetAccountBalances(pb.GetAccountBalancesRequest(user_id=user_id, asset=asset)).balances[0]


def refusal(call_rpc) -> tuple[grpc.StatusCode, str, str]:
    """(code, message, ErrorInfo reason) of a refused call."""
    with pytest.raises(grpc.RpcError) as error:
        call_rpc()
    reason = ""
    for key, value in error.value.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason = info.reason
    return error.value.code(), error.value.details(), reason


def test_lock_release_and_settle_trade_move_money_once_per_key(stub, exchange):
    user_id, token = funded_user(exchange, "1000")
    order = "order-" + uuid.uuid4().hex[:8]
    lock = pb.LockFundsRequest(order_id=order, user_id=user_id, asset="USDT", amount="300")
    first = stub.LockFunds(lock)
    assert (first.balance.available, first.balance.locked, first.order_funds.locked) == ("700", "300", "300")
    replay = stub.LockFunds(pb.LockFundsRequest(order_id=order, user_id=user_id, asset="USDT", amount="300.000"))
    assert replay.balance.version == first.balance.version and replay.order_funds == first.order_funds

    code, message, reason = refusal(lambda: stub.LockFunds(
        pb.LockFundsRequest(order_id=order, user_id=user_id, asset="USDT", amount="301")))
    assert code == grpc.StatusCode.ALREADY_EXISTS and reason == "IDEMPOTENCY_KEY_REUSED"
    code, message, reason = refusal(lambda: stub.LockFunds(
        pb.LockFundsRequest(order_id=order + "-2", user_id=user_id, asset="USDT", amount="700.01")))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS"), message
    for bad, field in (({"amount": "-1"}, "amount"), ({"amount": "abc"}, "amount"), ({"asset": "EUR"}, "asset"),
                       ({"user_id": ""}, "user_id"), ({"order_id": ""}, "order_id")):
        request = dict(order_id=order + "-3", user_id=user_id, asset="USDT", amount="1") | bad
        code, message, _ = refusal(lambda r=request: stub.LockFunds(pb.LockFundsRequest(**r)))
        assert code == grpc.StatusCode.INVALID_ARGUMENT and field in message

    fill = pb.SettleTradeRequest(trade_id="BTC-USDT-PERP:1", order_id=order, user_id=user_id, symbol="BTC-USDT-PERP",
                                 asset="USDT", liquidity_role=trading_pb2.LIQUIDITY_ROLE_TAKER, price="60000",
                                 quantity="0.01", margin="120", fee="0.24")
    settled = stub.SettleTrade(fill)
    assert (settled.balance.available, settled.balance.locked, settled.balance.position_margin) == ("700", "179.76",
                                                                                                     "120")
    assert (settled.order_funds.settled_margin, settled.order_funds.fees) == ("120", "0.24")
    assert stub.SettleTrade(fill).journal_entry == settled.journal_entry  # the original entry
    code, _, _ = refusal(lambda: stub.SettleTrade(pb.SettleTradeRequest(**{
        **{f.name: getattr(fill, f.name) for f in fill.DESCRIPTOR.fields}, "fee": "0.25"})))
    assert code == grpc.StatusCode.ALREADY_EXISTS

    release = stub.ReleaseFunds(pb.ReleaseFundsRequest(release_id=order + ":final", order_id=order, user_id=user_id,
                                                       all_remaining=True))
    assert release.released == "179.76" and release.order_funds.locked == "0"
    again = stub.ReleaseFunds(pb.ReleaseFundsRequest(release_id=order + ":final", order_id=order, user_id=user_id,
                                                     all_remaining=True))
    assert again.released == "179.76" and again.balance.version == release.balance.version
    code, _, reason = refusal(lambda: stub.ReleaseFunds(pb.ReleaseFundsRequest(
        release_id=order + ":more", order_id=order, user_id=user_id, amount="0.01")))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "RELEASE_EXCEEDS_LOCKED")
    final = balance_of(stub, user_id)
    assert (final.available, final.locked, final.position_margin, final.total) == ("879.76", "0", "120", "999.76")
    # One entry per key, whatever the replays.
    assert sql(exchange, "select j.kind, count(*) from wallet.journal_entries j where j.reference_id in (%s, %s) "
                         "group by j.kind order by j.kind", order, "BTC-USDT-PERP:1") == [
        ("FUNDS_LOCKED", 1), ("FUNDS_RELEASED", 1), ("TRADE_SETTLED", 1)]

    # The owner's ledger lines through Envoy, newest first, page by page.
    lines, token_page = [], ""
    while True:
        page = call(exchange.http_url, "GET", f"/v1/wallet/ledger?page_size=2&page_token={token_page}", token=token)
        assert page.status == 200, page.body
        lines += page.body["entries"]
        token_page = page.body["next_page_token"]
        if not token_page:
            break
    assert [(line["kind"].removeprefix("JOURNAL_ENTRY_KIND_"), line["account_kind"].removeprefix(
        "LEDGER_ACCOUNT_KIND_"), line["amount"]) for line in lines] == [
        ("FUNDS_RELEASED", "USER_AVAILABLE", "179.76"), ("FUNDS_RELEASED", "USER_LOCKED", "-179.76"),
        ("TRADE_SETTLED", "USER_LOCKED", "-0.24"), ("TRADE_SETTLED", "USER_POSITION_MARGIN", "120"),
        ("TRADE_SETTLED", "USER_LOCKED", "-120"), ("FUNDS_LOCKED", "USER_LOCKED", "300"),
        ("FUNDS_LOCKED", "USER_AVAILABLE", "-300"), ("DEPOSIT", "USER_AVAILABLE", "1000")]
    only_fees = call(exchange.http_url, "GET", "/v1/wallet/ledger?kind=JOURNAL_ENTRY_KIND_DEPOSIT", token=token)
    assert [line["amount"] for line in only_fees.body["entries"]] == ["1000"]


def test_concurrent_locks_on_one_balance_never_overdraw_it(stub, exchange):
    """Optimistic locking: 20 orders race for 150 USDT in steps of 10; exactly 15 win."""
    user_id, _ = funded_user(exchange, "150")

    def lock(n: int):
        try:
            stub.LockFunds(pb.LockFundsRequest(order_id=f"race-{user_id}-{n}", user_id=user_id, asset="USDT",
                                               amount="10"))
            return "locked"
        except grpc.RpcError as error:
            return error.code()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lock, range(20)))
    assert outcomes.count("locked") == 15, outcomes
    assert outcomes.count(grpc.StatusCode.FAILED_PRECONDITION) == 5, outcomes
    b = balance_of(stub, user_id)
    assert (b.available, b.locked, b.version) == ("0", "150", 16)
    assert sql(exchange, "select sum(locked) from wallet.order_funds where user_id = %s", user_id) == [(Decimal(150),)]


def test_internal_rpcs_are_not_reachable_through_envoy(exchange):
    with grpc.insecure_channel(exchange.grpc_target) as channel:
        with pytest.raises(grpc.RpcError) as error:
            wallet_pb2_grpc.WalletInternalServiceStub(channel).GetAccountBalances(
                pb.GetAccountBalancesRequest(user_id="anyone"), timeout=10)
    assert error.value.code() in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.NOT_FOUND)
    answer = call(exchange.http_url, "POST", "/tradex.wallet.v1.WalletInternalService/LockFunds", {})
    assert answer.status == 404


def settlement(user_id: str, sid: str, kind, amount: str, **refs) -> position_events.Settlement:
    return position_events.Settlement(settlement_id=sid, user_id=user_id, asset="USDT", kind=kind, amount=amount,
                                      symbol="BTC-USDT-PERP", occurred_at_unix_ms=now_ms(), **refs)


def test_retired_settlement_kinds_are_skipped_and_funding_is_posted_exactly_once(stub, exchange):
    user_id, _ = funded_user(exchange, "500")
    order = "order-" + uuid.uuid4().hex[:8]
    stub.LockFunds(pb.LockFundsRequest(order_id=order, user_id=user_id, asset="USDT", amount="200"))
    stub.SettleTrade(pb.SettleTradeRequest(trade_id="T:1", order_id=order, user_id=user_id, symbol="BTC-USDT-PERP",
                                           asset="USDT", liquidity_role=trading_pb2.LIQUIDITY_ROLE_MAKER, price="100",
                                           quantity="2", margin="200", fee="-0.02"))
    clearing_before = sql(exchange, "select balance from wallet.system_balances where account_kind = 'CLEARING' "
                                    "and asset = 'USDT'")[0][0]
    retired = [
        # REALIZED_PNL / MARGIN_RELEASE predate settlement.v1 TRADE: recorded as seen, nothing posted.
        settlement(user_id, f"margin:T:2:{user_id}", position_events.SETTLEMENT_KIND_MARGIN_RELEASE, "200",
                   trade_id="T:2"),
        settlement(user_id, f"pnl:T:2:{user_id}", position_events.SETTLEMENT_KIND_REALIZED_PNL, "35.5",
                   trade_id="T:2"),
        # More than the position margin: before, the Wallet retried this one forever.
        settlement(user_id, f"margin:T:3:{user_id}", position_events.SETTLEMENT_KIND_MARGIN_RELEASE, "1000",
                   trade_id="T:3"),
    ]
    funding = settlement(user_id, f"funding:1:{user_id}:BTC-USDT-PERP", position_events.SETTLEMENT_KIND_FUNDING,
                         "-1.25", funding_id=f"funding:1:{user_id}:BTC-USDT-PERP")
    retired_ids = [produce(exchange, "settlement.v1", user_id, e) for e in retired]
    funding_id = produce(exchange, "settlement.v1", user_id, funding)
    produce(exchange, "settlement.v1", user_id, funding, event_id=funding_id)  # redelivered
    last = produce(exchange, "settlement.v1", user_id, funding)  # Position replaying: same settlement_id
    wait_for(lambda: sql(exchange, "select 1 from wallet.inbox where event_id = %s", last), timeout=90)
    # The partition went on past the retired kinds, and each was recorded as seen.
    assert sql(exchange, "select count(*) from wallet.inbox where event_id = any(%s)", retired_ids) == [(3,)]
    b = balance_of(stub, user_id)
    # 500 - 200 locked + 0.02 rebate, - 1.25 funding; the position margin stays where it was
    assert (b.available, b.locked, b.position_margin) == ("298.77", "0", "200")
    assert sql(exchange, "select count(*) from wallet.operations where idempotency_key = any(%s)",
               [f"settlement:{e.settlement_id}" for e in retired]) == [(0,)]
    assert sql(exchange, "select j.kind, count(distinct j.journal_entry_id) from wallet.journal_entries j join "
                         "wallet.postings p using (journal_entry_id) where p.user_id = %s and j.kind in "
                         "('REALIZED_PNL', 'FUNDING', 'MARGIN_RELEASED') group by j.kind order by j.kind", user_id) == [
        ("FUNDING", 1)]
    clearing_after = sql(exchange, "select balance from wallet.system_balances where account_kind = 'CLEARING' "
                                   "and asset = 'USDT'")[0][0]
    assert clearing_after - clearing_before == Decimal("1.25")


def test_a_bankrupt_funding_payment_is_collected_down_to_zero_and_the_insurance_fund_covers_the_rest(stub,
                                                                                                     exchange):
    loser, _ = funded_user(exchange, "100")
    donor, _ = funded_user(exchange, "1000")
    # A liquidation surplus feeds the fund first (from available when there is no position margin).
    contributed = stub.ContributeInsuranceFund(pb.ContributeInsuranceFundRequest(
        transfer_id=uuid.uuid4().hex, settlement_id="s-1", user_id=donor, asset="USDT", amount="300"))
    assert contributed.balance.available == "700"

    sid = f"funding:1:{loser}:BTC-USDT-PERP"
    last = produce(exchange, "settlement.v1", loser,
                   settlement(loser, sid, position_events.SETTLEMENT_KIND_FUNDING, "-130", funding_id=sid))
    wait_for(lambda: sql(exchange, "select 1 from wallet.inbox where event_id = %s", last), timeout=90)
    assert balance_of(stub, loser).available == "0"
    assert sql(exchange, "select amount from wallet.operations where idempotency_key = %s",
               f"settlement:{sid}") == [(Decimal("-100"),)]
    assert sql(exchange, "select pnl_short, covered_by_insurance, uncovered from wallet.settlement_shortfalls "
                         "where settlement_id = %s", sid) == [(Decimal(30), Decimal(30), Decimal(0))]
    fund_before = Decimal([s.balance for s in stub.GetSystemBalances(pb.GetSystemBalancesRequest(asset="USDT")).balances
                           if s.account_kind == pb.LEDGER_ACCOUNT_KIND_INSURANCE_FUND][0])

    transfer = uuid.uuid4().hex
    draw = pb.DrawInsuranceFundRequest(transfer_id=transfer, settlement_id="liq", user_id=loser, asset="USDT",
                                       amount="30")
    drawn = stub.DrawInsuranceFund(draw)
    assert Decimal(drawn.insurance_fund.balance) == fund_before - 30
    assert stub.DrawInsuranceFund(draw).journal_entry == drawn.journal_entry
    code, _, reason = refusal(lambda: stub.DrawInsuranceFund(pb.DrawInsuranceFundRequest(
        transfer_id=uuid.uuid4().hex, settlement_id="liq", user_id=loser, asset="USDT",
        amount=str(fund_before * 10))))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS")
    systems = stub.GetSystemBalances(pb.GetSystemBalancesRequest(asset="USDT")).balances
    assert {pb.LedgerAccountKind.Name(s.account_kind) for s in systems} == {
        "LEDGER_ACCOUNT_KIND_FEES", "LEDGER_ACCOUNT_KIND_INSURANCE_FUND", "LEDGER_ACCOUNT_KIND_EXTERNAL",
        "LEDGER_ACCOUNT_KIND_CLEARING"}
