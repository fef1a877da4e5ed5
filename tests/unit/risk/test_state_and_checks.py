"""Risk's in-memory state and the check use case: reservations, working orders, amends."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from services.risk.app.pretrade import RiskUseCases
from services.risk.config import RiskSettings, parse_tiers
from services.risk.domain.accounts import Account, AccountStatus, merge_status, merge_tier, new_account
from services.risk.domain.orders import OrderType, Side
from services.risk.domain.positions import Exposure, Position
from services.risk.domain.pretrade import RejectReason, RiskPolicy
from services.risk.domain.prices import Quote
from services.risk.domain.state import RiskState
from services.risk.domain.views import account_view, pretrade_view, working_orders
from tests.unit.risk.helpers import BALANCE, BTC, ETH_INSTRUMENT, INSTRUMENT, TIER, USER, intent, working

NOW = 1_700_000_000_000


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> int:
        return self.now


def make(available="1000") -> tuple[RiskUseCases, RiskState, Clock]:
    state = RiskState(ready=True)
    state.instruments.put(INSTRUMENT)
    state.instruments.put(ETH_INSTRUMENT)
    state.put_tier(TIER)
    state.put_account(Account(USER, 1, AccountStatus.ACTIVE))
    state.put_balance(replace(BALANCE, available=D(available)))
    state.put_mark(BTC, Quote(D("50000"), False, NOW))
    clock = Clock()
    settings = RiskSettings(price_max_age_ms=30_000, reservation_ttl_ms=10_000, policy=RiskPolicy(),
                            default_tiers=())
    return RiskUseCases(state, settings, clock), state, clock


def test_an_approval_counts_against_available_until_the_wallet_books_its_bucket():
    checks, state, _ = make(available="1000")
    assert checks.check(intent(order_id="a")).approved           # needs 502.5
    second = checks.check(intent(order_id="b"))                   # 497.5 left: not enough
    assert second.reason is RejectReason.INSUFFICIENT_MARGIN
    # The Order service's SYNC booked the bucket: the balance shows the lower available and
    # the bucket's level, and Risk stops counting "a" as uncovered (no double count).
    state.put_balance(replace(BALANCE, available=D("497.5"), locked=D("502.5"), version=2), {BTC: D("502.5")})
    assert account_view(state, USER, "USDT").available_margin == D("497.5")
    assert checks.check(intent(order_id="b")).reason is RejectReason.INSUFFICIENT_MARGIN
    # A deposit's entry names no bucket: the level booked before is carried.
    state.put_balance(replace(BALANCE, available=D("1002.5"), locked=D("502.5"), version=3), {})
    assert state.balances[(USER, "USDT")].booked(BTC) == D("502.5")
    assert checks.check(intent(order_id="b")).approved


def test_a_buckets_excess_counts_for_nothing():
    # A fill took "a" off the book; its settlement has not moved the bucket's 502.5 into position
    # margin yet. That excess must not pay for a new order, on this symbol or another.
    checks, state, _ = make(available="0")
    state.put_balance(replace(BALANCE, available=D("0"), locked=D("502.5"), version=2), {BTC: D("502.5")})
    assert checks.check(intent(order_id="b")).reason is RejectReason.INSUFFICIENT_MARGIN
    # ...nor hide another symbol's shortfall: ETH's open order needs 100.1 + its fee reserve and
    # its bucket holds 0.1 of it. Counted in total, BTC's excess would cover that and approve "b".
    state.put_balance(replace(BALANCE, available=D("600"), locked=D("502.6"), version=3),
                      {"ETH-USDT-PERP": D("0.1")})
    state.put_open_order(working(Side.BUY, "1", "1001", symbol="ETH-USDT-PERP", order_id="e"))
    eth_fee_reserve = D("1001") * ETH_INSTRUMENT.taker_fee_rate
    assert account_view(state, USER, "USDT").available_margin == D("500") - eth_fee_reserve
    assert checks.check(intent(order_id="b")).reason is RejectReason.INSUFFICIENT_MARGIN
    state.put_balance(replace(BALANCE, available=D("700"), locked=D("502.6"), version=4), {})  # a deposit
    assert checks.check(intent(order_id="b")).approved


def test_a_reservation_ends_once_the_engine_took_over():
    checks, state, _ = make(available="100000")
    assert checks.check(intent(order_id="a")).approved
    assert "a" in state.reservations
    state.engine_saw("a")
    assert "a" not in state.reservations


def test_working_orders_are_open_orders_plus_approvals_the_engine_has_not_seen():
    checks, state, _ = make(available="100000")
    state.put_open_order(working(Side.BUY, "1", order_id="open"))
    assert checks.check(intent(order_id="new", quantity=D("0.5"))).approved
    ids = {o.order_id: o.remaining for o in working_orders(state, USER, "USDT")}
    assert ids == {"open": D("1"), "new": D("0.5")}
    state.engine_saw("new")
    assert {o.order_id for o in working_orders(state, USER, "USDT")} == {"open"}
    assert working_orders(state, USER, "INR") == []


def test_an_amend_in_flight_counts_the_larger_version_and_needs_only_what_the_bucket_does_not_hold():
    checks, state, _ = make(available="600")
    state.put_open_order(working(Side.BUY, "0.1", order_id="o-1"))
    # Not booked yet: the amend needs its whole 1005.
    assert checks.check(intent(order_id="o-1", quantity=D("0.2"))).reason is RejectReason.INSUFFICIENT_MARGIN
    state.put_balance(replace(BALANCE, available=D("600"), locked=D("502.5"), version=2), {BTC: D("502.5")})
    decision = checks.check(intent(order_id="o-1", quantity=D("0.2")))  # needs 1005, holds 502.5
    assert decision.approved and decision.lock_amount == D("1005")
    counted = working_orders(state, USER, "USDT")
    assert [(o.order_id, o.remaining) for o in counted] == [("o-1", D("0.2"))]
    # 502.5 of the amended 1005 is not booked: 97.5 is left.
    assert account_view(state, USER, "USDT").available_margin == D("97.5")
    assert checks.check(intent(order_id="o-2", quantity=D("0.1"))).reason is RejectReason.INSUFFICIENT_MARGIN


def test_a_market_working_order_without_price_is_valued_at_the_mark():
    _, state, _ = make()
    state.put_open_order(replace(working(Side.SELL, "2", order_id="m"), price=None))
    assert [o.price for o in working_orders(state, USER, "USDT")] == [D("50000")]


def test_a_check_reads_positions_in_the_orders_margin_asset_only():
    _, state, _ = make()
    state.put_exposure(Exposure(USER, 1, NOW, (
        Position(BTC, "USDT", D("1"), D("50000"), D("49000"), D("5000")),
        Position("BTC-INR-PERP", "INR", D("-1"), D("4000000"), D("4000000"), D("400000")))))
    view = pretrade_view(state, intent(), NOW, 30_000)
    # Risk's own mark (50000) is newer than the one the Position service valued it at.
    assert [(p.symbol, p.size, p.mark_price) for p in view.positions] == [(BTC, D("1"), D("50000"))]


def test_a_stale_price_is_no_reference_for_a_market_order():
    checks, state, clock = make(available="100000")
    clock.now += 30_001
    market = intent(order_type=OrderType.MARKET, price=None)
    assert checks.check(market).reason is RejectReason.NO_REFERENCE_PRICE
    state.put_index(BTC, Quote(D("50010"), False, clock.now))
    assert checks.check(market).protection_price == D("52510.5")


def test_versions_and_times_keep_the_newest_state():
    _, state, _ = make()
    state.put_balance(replace(BALANCE, available=D("1"), version=5))
    state.put_balance(replace(BALANCE, available=D("2"), version=4))
    assert state.balances[(USER, "USDT")].available == D("1")
    state.put_exposure(Exposure(USER, 3, NOW, ()))
    state.put_exposure(Exposure(USER, 2, NOW, (Position(BTC, "USDT", D("1"), D("1"), D("1"), D("1")),)))
    assert state.exposures[USER].positions == ()
    state.put_mark(BTC, Quote(D("1"), False, NOW - 1))
    assert state.prices[BTC].mark.price == D("50000")


def test_account_merges_tolerate_any_event_order():
    # user.kyc_updated.v1 (t=200) read before user.created.v1 (t=100), then a suspension (t=300).
    account = merge_tier(new_account(USER), 1, 200)
    account = merge_status(merge_tier(account, 0, 100), AccountStatus.ACTIVE, 100)
    account = merge_status(account, AccountStatus.SUSPENDED, 300)
    assert (account.kyc_tier, account.status) == (1, AccountStatus.SUSPENDED)
    # The same events again change nothing.
    assert merge_status(merge_tier(account, 1, 200), AccountStatus.SUSPENDED, 300) == account


def test_event_limits_win_over_configured_defaults_and_newer_events_over_older():
    _, state, _ = make()
    state.put_tier(replace(TIER, max_leverage=D("25"), as_of_unix_ms=10))
    state.put_tier(replace(TIER, max_leverage=D("15"), as_of_unix_ms=5))
    assert state.tiers[1].max_leverage == D("25")


def test_configured_default_tiers_mirror_the_user_services_launch_table():
    tiers = RiskSettings.from_env().default_tiers
    assert [(t.tier, t.max_leverage) for t in tiers] == [(0, D("5")), (1, D("20")), (2, D("100"))]
    assert tiers[0].for_asset("USDT").max_order_notional == D("1000")
    assert parse_tiers('{"0": {"max_leverage": "2", "assets": {"usdt": {"max_order_notional": "1", '
                       '"max_position_notional": "2"}}}}')[0].for_asset("USDT").max_position_notional == D("2")


def test_account_view_values_positions_at_the_latest_mark():
    _, state, _ = make()
    state.put_exposure(Exposure(USER, 1, NOW, (Position(BTC, "USDT", D("-0.5"), D("52000"), D("0"), D("0")),)))
    figures = account_view(state, USER, "USDT")
    assert figures.unrealized_pnl == D("1000")  # short 0.5 from 52000, mark 50000
    assert figures.positions[0].maintenance_margin == D("125")  # 25000 * 0.005


def test_reservation_index_stays_consistent_through_replace_settle_and_expiry():
    checks, state, clock = make(available="1000000")
    for n in range(5):
        clock.now += 1
        assert checks.check(intent(order_id=f"r{n}", quantity=D("0.01"))).approved
    clock.now += 1
    assert checks.check(intent(order_id="r0", quantity=D("0.02"))).approved  # replaced: now the newest
    assert list(state.reservations) == ["r1", "r2", "r3", "r4", "r0"]
    state.engine_saw("r2")
    assert state.reservations_by_user[USER] == {"r0", "r1", "r3", "r4"}
    clock.now = NOW + 10_000 + 5  # r1 (t+2) and r3 (t+4) are past the TTL, r4 (t+5) is exactly at it
    assert state.expire_reservations(clock.now, 10_000) == 2
    assert list(state.reservations) == ["r4", "r0"]
    assert {r.order.order_id for r in state.user_reservations(USER)} == {"r4", "r0"}
    clock.now += 100_000
    state.expire_reservations(clock.now, 10_000)
    assert state.reservations == {} and state.reservations_by_user == {}
