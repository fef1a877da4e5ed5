"""User domain: profile status, the KYC request lifecycle and the tier-limit rules (pure logic)."""
from __future__ import annotations

import importlib.util
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from services.platform.errors import AlreadyExists, FailedPrecondition, InvalidArgument, PermissionDenied
from services.user.domain.kyc import (
    TRANSITIONS,
    KycRequestStatus,
    Review,
    apply_approval,
    replay_or_conflict,
    request_change,
    review,
)
from services.user.domain.limits import AssetLimits, TierLimits, limits_of, validate_tiers
from services.user.domain.profile import (
    STATUS_TRANSITIONS,
    AccountStatus,
    change_status,
    check_user_id,
    new_profile,
)

USER = "01JUSER0000000000000000000"
MAKER = "01JMAKER000000000000000000"
CHECKER = "01JCHECKER0000000000000000"
TIERS = [0, 1, 2]


def profile(**changes):
    return replace(new_profile(USER, "u@example.com", 1000), **changes)


def pending(to_tier=1, **changes):
    return replace(request_change("REQ1", profile(), to_tier, "passport verified", MAKER, TIERS, 2000), **changes)


# --- profiles and status ------------------------------------------------------------------------

def test_signup_profile_is_tier_0_active_version_1():
    p = new_profile(USER, "u@example.com", 1000)
    assert (p.kyc_tier, p.status, p.version, p.created_at_unix_ms, p.updated_at_unix_ms) == \
        (0, AccountStatus.ACTIVE, 1, 1000, 1000)


@pytest.mark.parametrize("bad", ["", "a/b", "x" * 65, "id with space", "../etc"])
def test_user_id_shape_is_checked_naming_the_field(bad):
    with pytest.raises(InvalidArgument, match="user_id"):
        check_user_id(bad)


def test_status_transitions_table_is_the_whole_lifecycle():
    assert STATUS_TRANSITIONS == {AccountStatus.ACTIVE: {AccountStatus.SUSPENDED},
                                  AccountStatus.SUSPENDED: {AccountStatus.ACTIVE}}


def test_suspend_then_reactivate_bumps_version_and_keeps_reason():
    suspended = change_status(profile(), AccountStatus.SUSPENDED, "  chargeback  ", MAKER, 5000)
    assert suspended.status is AccountStatus.SUSPENDED and suspended.status_reason == "chargeback"
    assert suspended.version == 2 and suspended.updated_at_unix_ms == 5000
    active = change_status(suspended, AccountStatus.ACTIVE, "resolved", CHECKER, 6000)
    assert active.status is AccountStatus.ACTIVE and active.version == 3


def test_setting_the_current_status_again_is_a_no_op():
    assert change_status(profile(), AccountStatus.ACTIVE, "again", MAKER, 5000) is None


def test_status_change_needs_a_reason_and_another_admin():
    with pytest.raises(InvalidArgument, match="reason"):
        change_status(profile(), AccountStatus.SUSPENDED, "   ", MAKER, 5000)
    with pytest.raises(InvalidArgument, match="reason"):
        change_status(profile(), AccountStatus.SUSPENDED, "x" * 501, MAKER, 5000)
    with pytest.raises(PermissionDenied):
        change_status(profile(), AccountStatus.SUSPENDED, "self", USER, 5000)


# --- KYC tier requests ---------------------------------------------------------------------------

def test_request_lifecycle_table():
    assert TRANSITIONS == {
        (KycRequestStatus.PENDING, Review.APPROVE): KycRequestStatus.APPROVED,
        (KycRequestStatus.PENDING, Review.REJECT): KycRequestStatus.REJECTED,
    }


def test_request_records_the_tier_the_maker_saw():
    change = request_change("REQ1", profile(kyc_tier=1), 2, " address proof ", MAKER, TIERS, 2000)
    assert (change.from_tier, change.to_tier, change.status, change.reason, change.requested_by) == \
        (1, 2, KycRequestStatus.PENDING, "address proof", MAKER)


def test_downgrade_is_a_request_like_any_other():
    assert request_change("REQ1", profile(kyc_tier=2), 0, "document expired", MAKER, TIERS, 1).to_tier == 0


@pytest.mark.parametrize("to_tier,reason,message", [
    (None, "ok", "to_tier is required"),
    (7, "ok", "to_tier 7 is not a configured KYC tier"),
    (-1, "ok", "to_tier -1 is not a configured"),
    (0, "ok", "to_tier must differ"),
    (1, "", "reason is required"),
])
def test_bad_requests_name_the_field(to_tier, reason, message):
    with pytest.raises(InvalidArgument, match=message):
        request_change("REQ1", profile(), to_tier, reason, MAKER, TIERS, 2000)


def test_maker_cannot_raise_their_own_tier():
    with pytest.raises(PermissionDenied):
        request_change("REQ1", profile(), 1, "me", USER, TIERS, 2000)


def test_same_proposal_replays_and_a_different_one_conflicts():
    first = pending()
    again = request_change("REQ2", profile(), 1, "passport verified", MAKER, TIERS, 3000)
    assert replay_or_conflict(first, again) is first
    for other in (replace(again, to_tier=2), replace(again, reason="other"), replace(again, requested_by=CHECKER)):
        with pytest.raises(AlreadyExists, match="REQ1"):
            replay_or_conflict(first, other)


def test_checker_approves_and_the_profile_moves_to_the_new_tier():
    approved = review(pending(), Review.APPROVE, CHECKER, 3000)
    assert approved.status is KycRequestStatus.APPROVED and approved.reviewed_by == CHECKER
    assert approved.rejection_reason == ""
    upgraded = apply_approval(profile(), approved, 3000)
    assert upgraded.kyc_tier == 1 and upgraded.version == 2 and upgraded.updated_at_unix_ms == 3000


def test_four_eyes():
    with pytest.raises(PermissionDenied, match="requested"):
        review(pending(), Review.APPROVE, MAKER, 3000)
    with pytest.raises(PermissionDenied, match="own account"):
        review(pending(), Review.APPROVE, USER, 3000)


def test_reject_needs_a_reason_and_leaves_the_tier():
    with pytest.raises(InvalidArgument, match="reason"):
        review(pending(), Review.REJECT, CHECKER, 3000, " ")
    rejected = review(pending(), Review.REJECT, CHECKER, 3000, "blurry scan")
    assert rejected.status is KycRequestStatus.REJECTED and rejected.rejection_reason == "blurry scan"
    with pytest.raises(FailedPrecondition):
        apply_approval(profile(), rejected, 3000)


@pytest.mark.parametrize("final", [KycRequestStatus.APPROVED, KycRequestStatus.REJECTED])
@pytest.mark.parametrize("decision", list(Review))
def test_reviewed_requests_are_final(final, decision):
    with pytest.raises(FailedPrecondition, match=final.value):
        review(pending(status=final), decision, CHECKER, 4000, "late")


def test_approval_against_a_moved_tier_is_refused():
    approved = review(pending(), Review.APPROVE, CHECKER, 3000)
    with pytest.raises(FailedPrecondition, match="tier 2"):
        apply_approval(profile(kyc_tier=2), approved, 3000)


# --- tier limits ---------------------------------------------------------------------------------

def _seeded_tiers() -> list[TierLimits]:
    """The launch values exactly as the migration inserts them."""
    path = next((Path(__file__).parents[3] / "services/user/adapters/migrations/versions").glob("0001_*.py"))
    spec = importlib.util.spec_from_file_location("user_migration_0001", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [TierLimits(tier=t["tier"], max_leverage=t["max_leverage"], asset_limits=tuple(
        AssetLimits(asset, order, position, deposit)
        for tier, asset, order, position, deposit in module.ASSET_LIMITS if tier == t["tier"]))
        for t in module.TIERS]


def test_seeded_tiers_obey_the_rules_and_are_decimals():
    tiers = _seeded_tiers()
    validate_tiers(tiers)
    assert [t.tier for t in tiers] == [0, 1, 2]
    for tier in tiers:
        assert isinstance(tier.max_leverage, Decimal)
        assert sorted(a.asset for a in tier.asset_limits) == ["INR", "USDT"]
        for a in tier.asset_limits:
            assert all(isinstance(v, Decimal) for v in (a.max_order_notional, a.max_position_notional,
                                                         a.daily_deposit_cap))
    # Tier 0 is usable but small; verification unlocks strictly more.
    assert limits_of(tiers, 0).for_asset("USDT").max_order_notional < limits_of(tiers, 1).for_asset(
        "USDT").max_order_notional
    assert limits_of(tiers, 0).max_leverage < limits_of(tiers, 2).max_leverage


def _tier(n, leverage="5", order="100", position="500", deposit="100", assets=("USDT",)):
    return TierLimits(n, Decimal(leverage), tuple(
        AssetLimits(a, Decimal(order), Decimal(position), Decimal(deposit)) for a in assets))


@pytest.mark.parametrize("tiers,message", [
    ([], "tier 0"),
    ([_tier(1)], "without gaps"),
    ([_tier(0), _tier(2)], "without gaps"),
    ([_tier(0, leverage="0.5")], "max_leverage"),
    ([_tier(0, order="0")], "max_order_notional"),
    ([_tier(0, order="100", position="50")], "max_position_notional"),
    ([_tier(0, deposit="-1")], "daily_deposit_cap"),
    ([_tier(0), _tier(1, assets=("USDT", "INR"))], "same assets"),
    ([_tier(0, leverage="10"), _tier(1, leverage="5")], "max_leverage is below"),
    ([_tier(0), _tier(1, order="50", position="500")], "max_order_notional is below"),
    ([_tier(0), _tier(1, deposit="10")], "daily_deposit_cap is below"),
])
def test_incoherent_tier_tables_are_refused(tiers, message):
    with pytest.raises(InvalidArgument, match=message):
        validate_tiers(tiers)
