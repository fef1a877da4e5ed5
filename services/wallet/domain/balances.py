"""Balances: the ledger's running sums, and applying an entry's postings to them. Pure.

A user's three accounts of one asset live in one row (one `Balance`, one `version`), so one
optimistic-lock check covers every user account an entry touches.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from services.platform.errors import FailedPrecondition
from services.wallet.domain.ledger import AccountKind, Posting

ZERO = Decimal(0)

_FIELD = {
    AccountKind.USER_AVAILABLE: "available",
    AccountKind.USER_LOCKED: "locked",
    AccountKind.USER_POSITION_MARGIN: "position_margin",
}


class InsufficientFunds(FailedPrecondition):
    def __init__(self, message: str) -> None:
        super().__init__(message, reason="INSUFFICIENT_FUNDS")


@dataclass(frozen=True)
class Balance:
    user_id: str
    asset: str
    available: Decimal = ZERO
    locked: Decimal = ZERO
    position_margin: Decimal = ZERO
    version: int = 0
    updated_at_unix_ms: int = 0

    @property
    def total(self) -> Decimal:
        return self.available + self.locked + self.position_margin

    def of(self, kind: AccountKind) -> Decimal:
        return getattr(self, _FIELD[kind])

    def plus(self, kind: AccountKind, delta: Decimal) -> Balance:
        return replace(self, **{_FIELD[kind]: self.of(kind) + delta})


@dataclass(frozen=True)
class SystemBalance:
    kind: AccountKind
    asset: str
    balance: Decimal = ZERO
    version: int = 0
    updated_at_unix_ms: int = 0


@dataclass(frozen=True)
class Applied:
    """The result of applying one entry: new balances (versions bumped once each) and, per
    posting in order, the account's balance right after it."""

    balances: dict[tuple[str, str], Balance]
    balance_after: tuple[Decimal, ...]


def apply_to_users(balances: dict[tuple[str, str], Balance], postings: tuple[Posting, ...],
                   now_ms: int) -> Applied:
    """Applies the postings on user accounts; raises InsufficientFunds if any would go negative.

    `balances` must hold the (user_id, asset) row of every user posting. System postings are
    skipped here (they are applied as atomic increments by the store); their balance_after is
    filled in later, so it is None in the returned tuple for them.
    """
    current = dict(balances)
    after: list[Decimal | None] = []
    touched: set[tuple[str, str]] = set()
    for posting in postings:
        account = posting.account
        if not account.kind.is_user:
            after.append(None)
            continue
        key = (account.user_id, account.asset)
        if key not in current:
            raise KeyError(f"no balance loaded for {key}")
        updated = current[key].plus(account.kind, posting.signed)
        current[key] = updated
        touched.add(key)
        after.append(updated.of(account.kind))
    for key in touched:
        balance = current[key]
        for kind in _FIELD:
            if balance.of(kind) < 0:
                raise InsufficientFunds(
                    f"{kind.value.lower()} {balances[key].of(kind).normalize():f} {key[1]} of user {key[0]} "
                    f"does not cover {-(balance.of(kind) - balances[key].of(kind)).normalize():f}")
        current[key] = replace(balance, version=balances[key].version + 1, updated_at_unix_ms=now_ms)
    return Applied({k: current[k] for k in touched}, tuple(after))
