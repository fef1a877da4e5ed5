"""What Risk knows about a trader: KYC tier and status (from user.*), tier limits (from
user.kyc_updated.v1 and configuration) and wallet balances (from wallet.balance.updated.v1).

Pure: no protobuf, no I/O. Every `merge_*` function is idempotent and order-tolerant, because
the three user topics are separate topics (Kafka orders nothing across them) and any event may
be redelivered: each field keeps the value of the newest event that set it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

ZERO = Decimal(0)


class AccountStatus(Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


@dataclass(frozen=True)
class Account:
    user_id: str
    kyc_tier: int
    status: AccountStatus
    # When the event that set each field happened (-1: never set by an event).
    tier_as_of_unix_ms: int = -1
    status_as_of_unix_ms: int = -1


def new_account(user_id: str) -> Account:
    """The state signup gives everyone (tier 0, ACTIVE) before any event said otherwise."""
    return Account(user_id=user_id, kyc_tier=0, status=AccountStatus.ACTIVE)


def merge_tier(account: Account, tier: int, at_unix_ms: int) -> Account:
    if at_unix_ms < account.tier_as_of_unix_ms:
        return account  # an older event (e.g. user.created.v1 read after a tier change)
    return replace(account, kyc_tier=tier, tier_as_of_unix_ms=at_unix_ms)


def merge_status(account: Account, status: AccountStatus, at_unix_ms: int) -> Account:
    if at_unix_ms < account.status_as_of_unix_ms:
        return account
    return replace(account, status=status, status_as_of_unix_ms=at_unix_ms)


@dataclass(frozen=True)
class AssetLimits:
    """A tier's limits in one margin asset (USDT and INR notionals cannot share a number)."""

    asset: str
    max_order_notional: Decimal
    max_position_notional: Decimal


@dataclass(frozen=True)
class TierLimits:
    tier: int
    max_leverage: Decimal
    asset_limits: tuple[AssetLimits, ...]
    # When these limits were published (the kyc event's time); -1 for configured defaults, so
    # that any event wins over them.
    as_of_unix_ms: int = -1

    def for_asset(self, asset: str) -> AssetLimits | None:
        return next((a for a in self.asset_limits if a.asset == asset), None)


def newer_tier_limits(current: TierLimits | None, candidate: TierLimits) -> bool:
    return current is None or candidate.as_of_unix_ms >= current.as_of_unix_ms


@dataclass(frozen=True)
class Balance:
    """The wallet's balance of one asset, as of `version` (the wallet's optimistic-lock counter)."""

    user_id: str
    asset: str
    available: Decimal
    locked: Decimal
    position_margin: Decimal
    total: Decimal
    version: int
    updated_at_unix_ms: int
    # What the Wallet's order-margin buckets of this asset hold as of `version`, per symbol
    # (sorted, no zeros): the order margin booked for the user's open orders of each symbol
    # (docs/ARCHITECTURE.md, "Order margin"). Part of `locked`.
    order_margin: tuple[tuple[str, Decimal], ...] = ()

    def booked(self, symbol: str) -> Decimal:
        return next((level for s, level in self.order_margin if s == symbol), ZERO)


def newer_balance(current: Balance | None, candidate: Balance) -> bool:
    # Full state with a version: keep the highest, skip anything older (TOPICS.md).
    return current is None or candidate.version > current.version


def with_booked(current: Balance | None, candidate: Balance, changed: dict[str, Decimal]) -> Balance:
    """`candidate` (a newer balance) with the bucket levels of `current` updated by the ones its
    entry changed (`changed`: symbol -> level after it). The Wallet names only the rows an entry
    moved, so the levels are carried from version to version; the feed applies one user's
    balances in version order (one key, one partition), and older ones are skipped whole."""
    levels = dict(current.order_margin) if current is not None else {}
    levels.update(changed)
    return replace(candidate, order_margin=tuple(sorted((s, v) for s, v in levels.items() if v != 0)))
