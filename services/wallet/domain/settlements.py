"""Postings for settlement.v1 (realized PnL, funding, margin release) and the insurance fund. Pure.

Counter-accounts (see LedgerAccountKind in wallet.proto):
  REALIZED_PNL, FUNDING  CLEARING <-> USER_AVAILABLE. A profit is paid out of CLEARING (which may
                         go negative); a loss is collected into CLEARING from available, down to
                         zero at most: the rest stays uncollected in CLEARING for the Settlement
                         service to cover from the insurance fund (DrawInsuranceFund).
  MARGIN_RELEASE         USER_POSITION_MARGIN -> USER_AVAILABLE. More than the user has in position
                         margin is refused (the consumer retries: the SettleTrade that adds it may
                         simply not have arrived yet, the two come by different paths).
  DrawInsuranceFund      INSURANCE_FUND -> CLEARING.
  ContributeInsurance    USER_POSITION_MARGIN, then USER_AVAILABLE -> INSURANCE_FUND.
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum

from services.platform.errors import FailedPrecondition
from services.wallet.domain.balances import ZERO, Balance, InsufficientFunds
from services.wallet.domain.ledger import Account, AccountKind, EntryKind, Posting, move


class SettlementKind(Enum):
    REALIZED_PNL = "REALIZED_PNL"
    FUNDING = "FUNDING"
    MARGIN_RELEASE = "MARGIN_RELEASE"


ENTRY_KIND = {
    SettlementKind.REALIZED_PNL: EntryKind.REALIZED_PNL,
    SettlementKind.FUNDING: EntryKind.FUNDING,
    SettlementKind.MARGIN_RELEASE: EntryKind.MARGIN_RELEASED,
}


class MarginNotYetThere(FailedPrecondition):
    """A margin release larger than the position margin: transient (see the module doc)."""


def settle(balance: Balance, kind: SettlementKind, amount: Decimal) -> tuple[tuple[Posting, ...], Decimal]:
    """Returns the postings and the signed amount actually posted to the user (a loss may be
    collected only in part; nothing to post gives no postings)."""
    available = Account.user(AccountKind.USER_AVAILABLE, balance.user_id, balance.asset)
    if kind is SettlementKind.MARGIN_RELEASE:
        if amount < 0:
            raise FailedPrecondition("a MARGIN_RELEASE amount must not be negative")
        if amount > balance.position_margin:
            raise MarginNotYetThere(
                f"user {balance.user_id} has {balance.position_margin.normalize():f} {balance.asset} position "
                f"margin, less than the {amount.normalize():f} to release")
        if amount == 0:
            return (), ZERO
        margin = Account.user(AccountKind.USER_POSITION_MARGIN, balance.user_id, balance.asset)
        return move(margin, available, amount), amount
    clearing = Account.system(AccountKind.CLEARING, balance.asset)
    if amount > 0:
        return move(clearing, available, amount), amount
    collected = min(-amount, balance.available)
    if collected == 0:
        return (), ZERO
    return move(available, clearing, collected), -collected


def insurance_draw(fund: Decimal, asset: str, amount: Decimal) -> tuple[Posting, ...]:
    if fund < amount:
        raise InsufficientFunds(
            f"the {asset} insurance fund holds {fund.normalize():f}, less than {amount.normalize():f}")
    return move(Account.system(AccountKind.INSURANCE_FUND, asset), Account.system(AccountKind.CLEARING, asset),
                amount)


def insurance_contribution(balance: Balance, amount: Decimal) -> tuple[Posting, ...]:
    if balance.position_margin + balance.available < amount:
        raise InsufficientFunds(
            f"user {balance.user_id} holds {(balance.position_margin + balance.available).normalize():f} "
            f"{balance.asset} in position margin and available, less than {amount.normalize():f}")
    fund = Account.system(AccountKind.INSURANCE_FUND, balance.asset)
    from_margin = min(amount, balance.position_margin)
    postings: list[Posting] = []
    if from_margin > 0:
        postings += move(Account.user(AccountKind.USER_POSITION_MARGIN, balance.user_id, balance.asset), fund,
                         from_margin)
    if amount - from_margin > 0:
        postings += move(Account.user(AccountKind.USER_AVAILABLE, balance.user_id, balance.asset), fund,
                         amount - from_margin)
    return tuple(postings)
