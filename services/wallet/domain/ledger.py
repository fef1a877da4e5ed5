"""The double-entry ledger's vocabulary: accounts, postings, journal entries. Pure.

Every account is credit-normal (balance = credits - debits), as in wallet.proto. A journal
entry is valid only if, for every asset in it, the DEBIT amounts sum to the CREDIT amounts; the
database checks the same rule again at commit (a deferred constraint trigger, see the first
migration), so a bug here cannot commit an unbalanced entry.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

ASSETS = ("INR", "USDT")


class AccountKind(Enum):
    USER_AVAILABLE = "USER_AVAILABLE"
    USER_LOCKED = "USER_LOCKED"
    USER_POSITION_MARGIN = "USER_POSITION_MARGIN"
    FEES = "FEES"
    INSURANCE_FUND = "INSURANCE_FUND"
    EXTERNAL = "EXTERNAL"
    CLEARING = "CLEARING"

    @property
    def is_user(self) -> bool:
        return self.value.startswith("USER_")


USER_KINDS = tuple(k for k in AccountKind if k.is_user)
SYSTEM_KINDS = tuple(k for k in AccountKind if not k.is_user)
# System accounts that, like user accounts, may never go negative (a DB CHECK as well).
NON_NEGATIVE_SYSTEM_KINDS = frozenset({AccountKind.INSURANCE_FUND})


class Direction(Enum):
    DEBIT = "DEBIT"
    CREDIT = "CREDIT"


class EntryKind(Enum):
    DEPOSIT = "DEPOSIT"
    FUNDS_LOCKED = "FUNDS_LOCKED"
    FUNDS_RELEASED = "FUNDS_RELEASED"
    TRADE_SETTLED = "TRADE_SETTLED"
    REALIZED_PNL = "REALIZED_PNL"
    FUNDING = "FUNDING"
    MARGIN_RELEASED = "MARGIN_RELEASED"
    INSURANCE_DRAW = "INSURANCE_DRAW"
    INSURANCE_CONTRIBUTION = "INSURANCE_CONTRIBUTION"


class UnbalancedEntry(ValueError):
    """A programming error: a use case built postings that do not balance. Never a user error."""


@dataclass(frozen=True)
class Account:
    kind: AccountKind
    asset: str
    user_id: str = ""

    def __post_init__(self) -> None:
        if self.kind.is_user != bool(self.user_id):
            raise ValueError(f"{self.kind.value} account {'needs' if self.kind.is_user else 'takes no'} user_id")

    @classmethod
    def user(cls, kind: AccountKind, user_id: str, asset: str) -> Account:
        return cls(kind, asset, user_id)

    @classmethod
    def system(cls, kind: AccountKind, asset: str) -> Account:
        return cls(kind, asset)


@dataclass(frozen=True)
class Posting:
    account: Account
    direction: Direction
    amount: Decimal

    @property
    def signed(self) -> Decimal:
        """The change to the (credit-normal) account's balance."""
        return self.amount if self.direction is Direction.CREDIT else -self.amount


def move(source: Account, target: Account, amount: Decimal) -> tuple[Posting, Posting]:
    """Money leaves `source` (DEBIT) and arrives in `target` (CREDIT)."""
    if source.asset != target.asset:
        raise UnbalancedEntry("a move cannot change the asset")
    return (Posting(source, Direction.DEBIT, amount), Posting(target, Direction.CREDIT, amount))


def check_balanced(postings: tuple[Posting, ...] | list[Posting]) -> None:
    if len(postings) < 2:
        raise UnbalancedEntry("a journal entry needs at least two postings")
    net: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        if not posting.amount > 0:
            raise UnbalancedEntry(f"posting amounts must be positive, got {posting.amount}")
        net[posting.account.asset] += posting.signed
    unbalanced = {asset: value for asset, value in net.items() if value != 0}
    if unbalanced:
        raise UnbalancedEntry(f"credits - debits per asset must be 0, got {unbalanced}")


@dataclass(frozen=True)
class JournalEntry:
    journal_entry_id: str
    kind: EntryKind
    idempotency_key: str
    reference_id: str
    postings: tuple[Posting, ...]
    created_at_unix_ms: int

    def __post_init__(self) -> None:
        check_balanced(self.postings)
