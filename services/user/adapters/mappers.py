"""Protobuf <-> domain for the User API and its events."""
from __future__ import annotations

from tradex.user.v1 import user_pb2 as pb

from services.platform.decimals import format_decimal
from services.user.domain.kyc import KycRequestStatus, KycTierChange
from services.user.domain.limits import TierLimits
from services.user.domain.profile import AccountStatus, UserProfile

ACCOUNT_STATUS_TO_PB = {
    AccountStatus.ACTIVE: pb.ACCOUNT_STATUS_ACTIVE,
    AccountStatus.SUSPENDED: pb.ACCOUNT_STATUS_SUSPENDED,
}
ACCOUNT_STATUS_FROM_PB = {value: key for key, value in ACCOUNT_STATUS_TO_PB.items()}

KYC_STATUS_TO_PB = {
    KycRequestStatus.PENDING: pb.KYC_TIER_CHANGE_STATUS_PENDING,
    KycRequestStatus.APPROVED: pb.KYC_TIER_CHANGE_STATUS_APPROVED,
    KycRequestStatus.REJECTED: pb.KYC_TIER_CHANGE_STATUS_REJECTED,
}
KYC_STATUS_FROM_PB = {value: key for key, value in KYC_STATUS_TO_PB.items()}


def user_to_proto(profile: UserProfile) -> pb.User:
    return pb.User(user_id=profile.user_id, email=profile.email, kyc_tier=profile.kyc_tier,
                   status=ACCOUNT_STATUS_TO_PB[profile.status], status_reason=profile.status_reason,
                   created_at_unix_ms=profile.created_at_unix_ms, updated_at_unix_ms=profile.updated_at_unix_ms)


def limits_to_proto(limits: TierLimits) -> pb.KycTierLimits:
    return pb.KycTierLimits(
        tier=limits.tier, max_leverage=format_decimal(limits.max_leverage),
        asset_limits=[pb.AssetLimits(asset=a.asset, max_order_notional=format_decimal(a.max_order_notional),
                                     max_position_notional=format_decimal(a.max_position_notional),
                                     daily_deposit_cap=format_decimal(a.daily_deposit_cap))
                      for a in limits.asset_limits])


def kyc_request_to_proto(change: KycTierChange) -> pb.KycTierChangeRequest:
    return pb.KycTierChangeRequest(
        request_id=change.request_id, user_id=change.user_id, from_tier=change.from_tier,
        to_tier=change.to_tier, reason=change.reason, status=KYC_STATUS_TO_PB[change.status],
        requested_by=change.requested_by, requested_at_unix_ms=change.requested_at_unix_ms,
        reviewed_by=change.reviewed_by, reviewed_at_unix_ms=change.reviewed_at_unix_ms,
        rejection_reason=change.rejection_reason)
