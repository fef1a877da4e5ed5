"""Risk's PreTradeCheck and GetAccountRisk on the real exchange.

Risk's state comes from Kafka only. The instrument goes through the real maker-checker flow; a
trader's tier, status, balance, positions, working orders and prices are produced here as the
User, Wallet, Position, engine and Market Data services would (same topics, keys, headers and
payloads), then PreTradeCheck is called on the risk service's own port (it is internal: Envoy
has no route to it) and GetAccountRisk through Envoy REST with a token signed by the exchange's
key. Two tests use the real producers instead (User signup + KYC approval, Wallet deposit +
SetOrderMargin), and two SIGKILL Risk to show the state comes back from its schema's last checkpoint
and the events read again after it.
"""
from __future__ import annotations

import os
import signal
import uuid
from decimal import Decimal

import grpc
import pytest
from confluent_kafka import Producer
from tradex.common.v1 import positions_pb2, trading_pb2
from tradex.engine.v1 import events_pb2 as engine_events
from tradex.marketdata.v1 import events_pb2 as md_events
from tradex.marketdata.v1 import marketdata_pb2
from tradex.position.v1 import events_pb2 as position_events
from tradex.risk.v1 import risk_pb2, risk_pb2_grpc
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import events_pb2 as wallet_events
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from mesh.exchange import SERVICES
from mesh.rest import call
from services.auth.adapters.keys import load_or_create_private_key
from services.auth.adapters.tokens import TokenMinter
from services.platform.events import event_headers
from services.platform.ids import new_id, now_ms
from tests.e2e.test_configuration_flow import new_spec, sql, wait_for

pytestmark = pytest.mark.e2e

APPROVED = risk_pb2.PRE_TRADE_DECISION_APPROVED
REJECTED = risk_pb2.PRE_TRADE_DECISION_REJECTED
BUY, SELL = trading_pb2.SIDE_BUY, trading_pb2.SIDE_SELL
LIMIT, MARKET = trading_pb2.ORDER_TYPE_LIMIT, trading_pb2.ORDER_TYPE_MARKET


# --- producing events as their producers would ----------------------------------------------------

class Events:
    """Publishes events with the headers every TradeX topic carries (services/platform/events.py)."""

    def __init__(self, exchange) -> None:
        self._producer = Producer({"bootstrap.servers": exchange.stack.kafka_bootstrap, "enable.idempotence": True})

    def send(self, topic: str, key: str, message, event_id: str | None = None) -> str:
        event_id = event_id or new_id()
        self._producer.produce(topic, key=key.encode(), value=message.SerializeToString(),
                               headers=event_headers(event_id, message.DESCRIPTOR.full_name, now_ms()))
        assert self._producer.flush(15) == 0
        return event_id

    def close(self) -> None:
        # Dropped while Kafka still runs, so librdkafka does not log reconnects at teardown.
        self._producer.flush(5)
        del self._producer

    def user_created(self, user_id: str, tier: int = 0) -> str:
        return self.send("user.created.v1", user_id, user_events.UserCreated(user=user_pb2.User(
            user_id=user_id, email=f"{user_id}@example.com", kyc_tier=tier, status=user_pb2.ACCOUNT_STATUS_ACTIVE,
            created_at_unix_ms=now_ms(), updated_at_unix_ms=now_ms())))

    def status(self, user_id: str, status: int) -> str:
        return self.send("user.status_changed.v1", user_id, user_events.UserStatusChanged(
            user_id=user_id, to_status=status, reason="test", changed_by="admin", changed_at_unix_ms=now_ms()))

    def balance(self, user_id: str, available: str, version: int, asset: str = "USDT", *, locked: str = "0",
                journal: wallet_pb2.JournalEntry | None = None,
                order_funds: tuple[wallet_pb2.OrderFunds, ...] = ()) -> str:
        total = Decimal(available) + Decimal(locked)
        return self.send("wallet.balance.updated.v1", user_id, wallet_events.BalanceUpdated(
            balance=wallet_pb2.Balance(user_id=user_id, asset=asset, available=available, locked=locked,
                                       position_margin="0", total=str(total), version=version,
                                       updated_at_unix_ms=now_ms()),
            journal_entry=journal or wallet_pb2.JournalEntry(kind=wallet_pb2.JOURNAL_ENTRY_KIND_DEPOSIT),
            order_funds=order_funds),
            event_id=f"balance:{user_id}:{asset}:v{version}")

    def exposure(self, user_id: str, version: int, *positions: tuple[str, int, str, str]) -> str:
        """positions: (symbol, POSITION_SIDE_*, size, entry price)."""
        return self.send("risk.exposure.v2", user_id, position_events.ExposureUpdated(
            user_id=user_id, version=version, as_of_unix_ms=now_ms(), symbols=[
                position_events.SymbolExposure(symbol=s, asset="USDT", side=side, size=size, entry_price=entry,
                                               mark_price=entry, notional=str(Decimal(size) * Decimal(entry)))
                for s, side, size, entry in positions]))

    def mark(self, symbol: str, price: str, *, stale: bool = False) -> str:
        return self.send("md.mark.v1", symbol, md_events.MarkPriceUpdated(mark_price=marketdata_pb2.MarkPrice(
            symbol=symbol, mark_price=price, index_price=price, basis="0", stale=stale,
            computed_at_unix_ms=now_ms())))

    def engine(self, symbol: str, seq: int, **event) -> str:
        return self.send("engine.event.v1", symbol, engine_events.EngineEvent(
            event_id=f"{symbol}:{seq}", symbol=symbol, engine_seq=seq, occurred_at_unix_ms=now_ms(),
            last_in_command=True, **event), event_id=f"{symbol}:{seq}")


def risk_stub(exchange, channel_holder: list) -> risk_pb2_grpc.RiskServiceStub:
    channel = exchange.stack.channel("risk")
    channel_holder.append(channel)
    return risk_pb2_grpc.RiskServiceStub(channel)


@pytest.fixture
def risk(exchange):
    channels: list = []
    stub = risk_stub(exchange, channels)
    yield stub
    for channel in channels:
        channel.close()


@pytest.fixture(scope="module")
def events(exchange):
    producer = Events(exchange)
    yield producer
    producer.close()


@pytest.fixture(scope="module")
def market(exchange, admins, events) -> str:
    """An ACTIVE instrument (max leverage 50, band 10%, taker fee 0.0004) known to Risk, mark 100."""
    spec = new_spec(max_leverage="50", price_band_rate="0.1", taker_fee_rate="0.0004", tick_size="0.01",
                    lot_size="0.1", maintenance_margin_rate="0.01")
    assert call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec},
                admins["maker"]["token"]).status == 200
    assert call(exchange.http_url, "POST", f"/v1/instruments/{spec['symbol']}/approve", {},
                admins["checker"]["token"]).status == 200
    wait_for(lambda: sql(exchange, "select 1 from risk.instruments where symbol = %s", spec["symbol"]))
    return spec["symbol"]


def fresh_mark(exchange, events: Events, symbol: str, price: str = "100") -> None:
    """Marks are trusted for 30 s: each test sends its own."""
    at = now_ms()
    events.mark(symbol, price)
    wait_for(lambda: sql(exchange, "select 1 from risk.prices where symbol = %s and mark_at_unix_ms >= %s",
                         symbol, at))


def trader(exchange, events: Events, *, tier: int = 1, usdt: str = "10000") -> str:
    """A user Risk knows at `tier` (limits from its configured launch table) with `usdt` available."""
    user_id = "risk-" + uuid.uuid4().hex[:12]
    events.user_created(user_id, tier)
    events.balance(user_id, usdt, version=1)
    wait_for(lambda: sql(exchange, "select 1 from risk.balances where user_id = %s", user_id))
    wait_for(lambda: sql(exchange, "select 1 from risk.accounts where user_id = %s", user_id))
    return user_id


def order(user_id: str, symbol: str, *, side=BUY, price="100", quantity="10", leverage="10", order_type=LIMIT,
          reduce_only=False, order_id: str | None = None) -> risk_pb2.PreTradeCheckRequest:
    return risk_pb2.PreTradeCheckRequest(
        order_id=order_id or new_id(), user_id=user_id, symbol=symbol, side=side, order_type=order_type,
        price=price if order_type == LIMIT else "", quantity=quantity, leverage=leverage, reduce_only=reduce_only)


def check(risk, request) -> risk_pb2.PreTradeCheckResponse:
    return risk.PreTradeCheck(request, timeout=5)


def reason(response) -> str:
    assert response.decision == REJECTED, response
    return risk_pb2.RejectReason.Name(response.reject_reason).removeprefix("REJECT_REASON_")


def token_for(exchange, user_id: str, roles=("trader",)) -> str:
    minter = TokenMinter(load_or_create_private_key(exchange.private_key_path), "tradex-auth", "tradex")
    return minter.access_token(user_id, f"{user_id}@example.com", list(roles), now_ms()).token


# --- the checks ------------------------------------------------------------------------------------

def test_approval_carries_the_amount_to_lock(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events)
    response = check(risk, order(user_id, market, price="100.5", quantity="10", leverage="10"))
    assert response.decision == APPROVED, response
    # notional 1005; margin 1005 / 10 = 100.5; taker fee reserve 1005 * 0.0004 = 0.402
    assert (response.asset, response.initial_margin, response.fee_reserve, response.lock_amount) == \
        ("USDT", "100.5", "0.402", "100.902")
    assert (response.reference_price, response.protection_price, response.reject_reason) == ("100.5", "", 0)


def test_each_rule_refuses_with_its_reason(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events, usdt="1000")
    assert reason(check(risk, order(user_id, market, leverage="50.5"))) == "LEVERAGE_ABOVE_INSTRUMENT_MAX"
    tier_max = check(risk, order(user_id, market, leverage="25"))
    assert reason(tier_max) == "LEVERAGE_ABOVE_TIER_MAX" and tier_max.message == "leverage 25 above tier 1 maximum 20"
    # One order id throughout: each approval replaces the previous one's reservation.
    same = "each-rule-" + user_id
    assert reason(check(risk, order(user_id, market, price="110.01", order_id=same))) == "PRICE_OUTSIDE_BAND"
    assert check(risk, order(user_id, market, price="110", quantity="1", order_id=same)).decision == APPROVED
    # Tier 1: at most 50000 USDT per order.
    assert reason(check(risk, order(user_id, market, quantity="500.1", leverage="20"))) == "KYC_TIER_LIMIT"
    # 1000 available: 100 * 99 / 10 + fee 3.96 = 993.96 fits, 100 * 100 / 10 + 4 = 1004 does not.
    assert check(risk, order(user_id, market, quantity="99", order_id=same)).decision == APPROVED
    assert reason(check(risk, order(user_id, market, quantity="100", order_id=same))) == "INSUFFICIENT_MARGIN"
    assert reason(check(risk, order(user_id, "NOPE-USDT-PERP"))) == "INSTRUMENT_NOT_ACTIVE"
    assert reason(check(risk, order("nobody-" + uuid.uuid4().hex, market))) == "UNKNOWN_ACCOUNT"


def test_an_approval_is_held_against_the_next_check_until_the_wallet_books_it(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events, usdt="1000")
    first = check(risk, order(user_id, market, quantity="60", order_id="first-" + user_id))
    assert first.decision == APPROVED and first.lock_amount == "602.4"
    # Its lock is not in the wallet yet: Risk holds it itself, so the second does not fit.
    assert reason(check(risk, order(user_id, market, quantity="60"))) == "INSUFFICIENT_MARGIN"
    # Retrying the same order replaces its own reservation instead of adding to it.
    assert check(risk, order(user_id, market, quantity="60", order_id="first-" + user_id)).decision == APPROVED
    # The Order service's SYNC booked it into the symbol's order-margin bucket: no double count,
    # 397.6 left.
    bucket = f"om:{user_id}:{market}"
    events.balance(user_id, "397.6", version=2, locked="602.4", journal=wallet_pb2.JournalEntry(
        kind=wallet_pb2.JOURNAL_ENTRY_KIND_FUNDS_LOCKED, reference_id=bucket), order_funds=(wallet_pb2.OrderFunds(
            order_id=bucket, user_id=user_id, asset="USDT", locked="602.4"),))
    wait_for(lambda: sql(exchange, "select version, order_margin from risk.balances where user_id = %s",
                         user_id) == [(2, f'{{"{market}": "602.4"}}')])
    assert check(risk, order(user_id, market, quantity="39", order_id="second")).decision == APPROVED  # 391.56
    assert reason(check(risk, order(user_id, market, quantity="40", order_id="second"))) == "INSUFFICIENT_MARGIN"


def test_invalid_input_is_invalid_argument_not_a_rejection(exchange, market, risk):
    for bad in (order("u", market, quantity="abc"), order("u", market, leverage="0.5"),
                order("u", market, price=""), order("", market)):
        with pytest.raises(grpc.RpcError) as err:
            check(risk, bad)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_market_orders_get_a_protection_price_from_the_mark(exchange, events, market, risk):
    fresh_mark(exchange, events, market, "200.05")
    user_id = trader(exchange, events)
    buy = check(risk, order(user_id, market, order_type=MARKET, quantity="1"))
    assert buy.decision == APPROVED and buy.protection_price == "220.05"  # 200.05 * 1.1 = 220.055, floored
    assert buy.reference_price == "220.05" and buy.initial_margin == "22.005"
    sell = check(risk, order(user_id, market, order_type=MARKET, side=SELL, quantity="1"))
    assert sell.protection_price == "180.05"  # 180.045 ceiled to the tick
    # A mark flagged stale (and no index) is no reference: MARKET orders are refused.
    events.mark(market, "200", stale=True)
    wait_for(lambda: sql(exchange, "select mark_stale from risk.prices where symbol = %s", market) == [(True,)])
    assert reason(check(risk, order(user_id, market, order_type=MARKET, quantity="1"))) == "NO_REFERENCE_PRICE"


def test_suspension_positions_and_reduce_only(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events, usdt="100000")
    events.exposure(user_id, 1, (market, positions_pb2.POSITION_SIDE_LONG, "5", "100"))
    wait_for(lambda: sql(exchange, "select size from risk.positions where user_id = %s", user_id) == [(Decimal(5),)])
    assert reason(check(risk, order(user_id, market, side=BUY, quantity="1", reduce_only=True))) == \
        "REDUCE_ONLY_WOULD_INCREASE"
    assert reason(check(risk, order(user_id, market, side=SELL, quantity="5.1", reduce_only=True))) == \
        "REDUCE_ONLY_WOULD_INCREASE"
    closing = check(risk, order(user_id, market, side=SELL, quantity="5", reduce_only=True,
                                order_id="close-" + user_id))
    assert closing.decision == APPROVED and closing.lock_amount == "0"

    events.status(user_id, user_pb2.ACCOUNT_STATUS_SUSPENDED)
    wait_for(lambda: sql(exchange, "select status from risk.accounts where user_id = %s", user_id) == [("SUSPENDED",)])
    assert reason(check(risk, order(user_id, market, quantity="1"))) == "ACCOUNT_SUSPENDED"
    # Still free to reduce (the approval above is this same order's, so it does not count twice).
    assert check(risk, order(user_id, market, side=SELL, quantity="5", reduce_only=True,
                             order_id="close-" + user_id)).decision == APPROVED
    events.status(user_id, user_pb2.ACCOUNT_STATUS_ACTIVE)
    wait_for(lambda: sql(exchange, "select status from risk.accounts where user_id = %s", user_id) == [("ACTIVE",)])
    assert check(risk, order(user_id, market, quantity="1")).decision == APPROVED


def test_position_limit_counts_positions_and_open_orders_from_the_engine(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events, tier=0, usdt="100000")  # tier 0: 5000 per position, 1000 per order
    events.exposure(user_id, 1, (market, positions_pb2.POSITION_SIDE_LONG, "45", "100"))
    wait_for(lambda: sql(exchange, "select 1 from risk.positions where user_id = %s", user_id))
    probe = "probe-" + user_id  # re-checked like an amend: never counted against itself

    def probe_check(quantity: str):
        return check(risk, order(user_id, market, quantity=quantity, leverage="5", order_id=probe))

    assert probe_check("5").decision == APPROVED  # 45 + 5 = 50 at 100 = 5000
    assert reason(probe_check("5.1")) == "POSITION_LIMIT_EXCEEDED"
    # A resting buy of 2 on the engine's book counts as if filled: now 3 fits, 3.1 does not ...
    rest = "rest-" + user_id
    events.engine(market, 1, order_accepted=engine_events.OrderAccepted(
        order_id=rest, user_id=user_id, side=BUY, order_type=LIMIT, time_in_force=trading_pb2.TIME_IN_FORCE_GTC,
        price="100", quantity="2", leverage="5"))
    wait_for(lambda: sql(exchange, "select remaining from risk.open_orders where order_id = %s", rest) == [(2,)])
    assert reason(probe_check("3.1")) == "POSITION_LIMIT_EXCEEDED"
    assert probe_check("3").decision == APPROVED
    # ... a fill leaves 1 open (an absolute figure, so a redelivery changes nothing) ...
    events.engine(market, 2, trade_executed=engine_events.TradeExecuted(
        trade_id=f"{market}:2", price="100", quantity="1", taker_side=SELL,
        maker_order_id=rest, maker_user_id=user_id, maker_remaining_quantity="1",
        taker_order_id="someone", taker_user_id="someone-else", taker_remaining_quantity="0"))
    wait_for(lambda: sql(exchange, "select remaining from risk.open_orders where order_id = %s", rest) == [(1,)])
    assert probe_check("4").decision == APPROVED
    # ... and a cancel frees the rest.
    events.engine(market, 3, order_cancelled=engine_events.OrderCancelled(
        order_id=rest, user_id=user_id, cancelled_quantity="1", filled_quantity="1"))
    wait_for(lambda: not sql(exchange, "select 1 from risk.open_orders where order_id = %s", rest))
    assert probe_check("5").decision == APPROVED


def test_get_account_risk_through_envoy(exchange, events, market):
    fresh_mark(exchange, events, market, "110")
    user_id = trader(exchange, events, usdt="5000")
    events.exposure(user_id, 1, (market, positions_pb2.POSITION_SIDE_LONG, "20", "100"))
    wait_for(lambda: sql(exchange, "select 1 from risk.positions where user_id = %s", user_id))
    response = call(exchange.http_url, "GET", "/v1/risk/account?asset=USDT", token=token_for(exchange, user_id))
    assert response.status == 200, response.body
    [account] = response.body["accounts"]
    assert (account["asset"], account["wallet_balance"], account["unrealized_pnl"], account["equity"]) == \
        ("USDT", "5000", "200", "5200")
    assert account["maintenance_margin"] == "22"  # 20 * 110 * 0.01
    assert account["margin_ratio"] == "0.00423077"  # 22 / 5200, rounded up
    assert account["available_margin"] == "5000"
    [position] = account["positions"]
    assert (position["symbol"], position["side"], position["size"], position["mark_price"], position["notional"]) == \
        (market, "POSITION_SIDE_LONG", "20", "110", "2200")
    # Backed by more than its notional: no price liquidates it.
    assert position["estimated_liquidation_price"] == ""
    # Only the caller's own state: another user's token sees nothing of it.
    other = call(exchange.http_url, "GET", "/v1/risk/account", token=token_for(exchange, "someone-" + user_id))
    assert other.status == 200 and other.body.get("accounts", []) == []
    assert call(exchange.http_url, "GET", "/v1/risk/account").status == 401


def test_pre_trade_check_is_not_routed_by_envoy(exchange, market):
    with grpc.insecure_channel(exchange.grpc_target) as channel:
        with pytest.raises(grpc.RpcError) as err:
            risk_pb2_grpc.RiskServiceStub(channel).PreTradeCheck(order("u", market), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def kill_risk(exchange, *, then_restart: bool) -> None:
    running = exchange.stack.services["risk"]
    os.kill(running.process.pid, signal.SIGKILL)
    running.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(running.process)
    if then_restart:
        restart_risk(exchange, running.port)


def restart_risk(exchange, port: int) -> None:
    definition = next(s for s in SERVICES if s.name == "risk")
    exchange.stack.start_service(definition.name, definition.module, exchange.service_env(), port=port)


def first_answer(risk, request) -> risk_pb2.PreTradeCheckResponse:
    """The first check a restarted Risk answers: UNAVAILABLE until its state has caught up."""
    def answered():
        try:
            return check(risk, request)
        except grpc.RpcError as error:
            assert error.code() in (grpc.StatusCode.UNAVAILABLE,), error
            return None
    return wait_for(answered)


def test_state_comes_back_from_the_schema_after_sigkill(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events, usdt="1000")
    events.status(user_id, user_pb2.ACCOUNT_STATUS_SUSPENDED)
    wait_for(lambda: sql(exchange, "select status from risk.accounts where user_id = %s", user_id) == [("SUSPENDED",)])
    kill_risk(exchange, then_restart=True)
    assert reason(first_answer(risk, order(user_id, market, quantity="1"))) == "ACCOUNT_SUSPENDED"  # not forgotten
    events.status(user_id, user_pb2.ACCOUNT_STATUS_ACTIVE)
    wait_for(lambda: sql(exchange, "select status from risk.accounts where user_id = %s", user_id) == [("ACTIVE",)])
    assert check(risk, order(user_id, market, quantity="1")).decision == APPROVED
    assert check(risk, order(user_id, market, quantity="100")).reject_reason == risk_pb2.REJECT_REASON_INSUFFICIENT_MARGIN


def test_events_after_the_last_checkpoint_and_while_down_are_applied_once_after_sigkill(
        exchange, events, market, risk):
    """Risk writes its state with the feed's positions about once a second: what came after the
    last checkpoint (the suspension, killed at once) and while it was down (a smaller balance, a
    cancel) is read again from those positions on restart -- nothing lost, nothing counted twice."""
    fresh_mark(exchange, events, market)
    user_id = trader(exchange, events, usdt="1000")
    rest = "rest-" + user_id
    events.engine(market, 10, order_accepted=engine_events.OrderAccepted(
        order_id=rest, user_id=user_id, side=BUY, order_type=LIMIT, time_in_force=trading_pb2.TIME_IN_FORCE_GTC,
        price="100", quantity="2", leverage="5"))
    wait_for(lambda: sql(exchange, "select remaining from risk.open_orders where order_id = %s", rest) == [(2,)])
    stored = dict(sql(exchange, "select topic || ':' || partition, next_offset from risk.feed_positions "
                                "where feed = 'risk.feed'"))
    assert stored, "the checkpoint stores the feed's positions with the rows"

    events.status(user_id, user_pb2.ACCOUNT_STATUS_SUSPENDED)
    port = exchange.stack.services["risk"].port
    kill_risk(exchange, then_restart=False)  # within about a millisecond: before any checkpoint of it
    events.balance(user_id, "1000", version=2, locked="0")
    events.balance(user_id, "5", version=3)  # the newest: 5 USDT left
    events.engine(market, 11, order_cancelled=engine_events.OrderCancelled(
        order_id=rest, user_id=user_id, cancelled_quantity="2"))
    restart_risk(exchange, port)

    assert reason(first_answer(risk, order(user_id, market, quantity="1"))) == "ACCOUNT_SUSPENDED"
    events.status(user_id, user_pb2.ACCOUNT_STATUS_ACTIVE)
    wait_for(lambda: sql(exchange, "select status from risk.accounts where user_id = %s", user_id) == [("ACTIVE",)])
    # 5 USDT (version 3, not 1000): 0.4 at 100 with leverage 10 needs 4 + fee 0.016, 0.5 needs 5.02
    # (one order id: the second check replaces the first one's reservation).
    probe = "probe-" + user_id
    assert check(risk, order(user_id, market, quantity="0.4", order_id=probe)).decision == APPROVED
    assert reason(check(risk, order(user_id, market, quantity="0.5", order_id=probe))) == "INSUFFICIENT_MARGIN"
    wait_for(lambda: sql(exchange, "select version, available from risk.balances where user_id = %s",
                         user_id) == [(3, Decimal(5))])
    wait_for(lambda: not sql(exchange, "select 1 from risk.open_orders where order_id = %s", rest))
    after = dict(sql(exchange, "select topic || ':' || partition, next_offset from risk.feed_positions "
                               "where feed = 'risk.feed'"))
    assert all(after[p] >= offset for p, offset in stored.items())


# --- with the real producers -------------------------------------------------------------------------

def test_real_signup_and_kyc_approval_reach_risk(exchange, admins, events, market, risk):
    from tests.e2e.test_user_onboarding import onboarded

    fresh_mark(exchange, events, market)
    user = onboarded(exchange)
    user_id = user["user_id"]
    wait_for(lambda: sql(exchange, "select kyc_tier from risk.accounts where user_id = %s", user_id) == [(0,)])
    events.balance(user_id, "100000", version=10_000)  # far above any version the Wallet reached for it
    wait_for(lambda: sql(exchange, "select version from risk.balances where user_id = %s and asset = 'USDT'",
                         user_id) == [(10_000,)])
    assert reason(check(risk, order(user_id, market, quantity="1", leverage="20"))) == "LEVERAGE_ABOVE_TIER_MAX"
    requested = call(exchange.http_url, "POST", f"/v1/users/{user_id}/kyc-tier-requests",
                     {"to_tier": 1, "reason": "documents verified"}, admins["maker"]["token"])
    assert requested.status == 200, requested.body
    approved = call(exchange.http_url, "POST", f"/v1/kyc-tier-requests/{requested.body['request']['request_id']}"
                    "/approve", {}, admins["checker"]["token"])
    assert approved.status == 200, approved.body
    wait_for(lambda: sql(exchange, "select kyc_tier from risk.accounts where user_id = %s", user_id) == [(1,)])
    assert sql(exchange, "select max_leverage from risk.kyc_tiers where tier = 1") == [(Decimal(20),)]
    assert check(risk, order(user_id, market, quantity="1", leverage="20")).decision == APPROVED


@pytest.mark.skipif("wallet" not in {s.name for s in SERVICES}, reason="the Wallet is not part of the mesh")
def test_real_wallet_deposit_and_lock_reach_risk(exchange, events, market, risk):
    fresh_mark(exchange, events, market)
    user_id = "risk-w-" + uuid.uuid4().hex[:10]
    events.user_created(user_id, tier=1)
    wait_for(lambda: sql(exchange, "select count(*) from wallet.balances where user_id = %s", user_id) == [(2,)])
    token = token_for(exchange, user_id)
    created = call(exchange.http_url, "POST", "/v1/deposit",
                   {"asset": "USDT", "amount": "1000", "client_request_id": uuid.uuid4().hex}, token)
    assert created.status == 200, created.body
    # The rail simulator confirms by itself after a moment; the Wallet publishes the new balance.
    wait_for(lambda: sql(exchange, "select available from risk.balances where user_id = %s and asset = 'USDT'",
                         user_id) == [(Decimal(1000),)], timeout=30)

    first_id = "wallet-first-" + user_id
    first = check(risk, order(user_id, market, quantity="60", order_id=first_id))
    assert first.decision == APPROVED
    # As the Order service's SYNC does after the order's commit: the symbol's bucket set to it.
    with exchange.stack.channel("wallet") as channel:
        wallet_pb2_grpc.WalletInternalServiceStub(channel).SetOrderMargin(wallet_pb2.SetOrderMarginRequest(
            operation_id=first_id, order_id=f"om:{user_id}:{market}", user_id=user_id, asset="USDT",
            amount=first.lock_amount), timeout=5)
    # The Wallet's event names the bucket's level; Risk keeps it with the balance.
    wait_for(lambda: sql(exchange, "select available, locked, order_margin from risk.balances where user_id = %s "
                                   "and asset = 'USDT'", user_id) == [(Decimal("397.6"), Decimal("602.4"),
                                                                      f'{{"{market}": "602.4"}}')])
    # Risk now reads the lock from the wallet's balance and no longer holds it itself.
    assert check(risk, order(user_id, market, quantity="39")).decision == APPROVED
    assert reason(check(risk, order(user_id, market, quantity="40"))) == "INSUFFICIENT_MARGIN"
