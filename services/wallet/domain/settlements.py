"""Postings for settlement.v1 (funding, trades) and the insurance fund. Pure.

Counter-accounts (see LedgerAccountKind in wallet.proto):
  FUNDING                CLEARING <-> USER_AVAILABLE. A receipt is paid out of CLEARING (which may
                         go negative); a payment is collected from total equity (available, then
                         position margin); what even that cannot pay is a shortfall the insurance
                         fund covers (app/settlements.py).
  TRADE                  see settle_trade_instruction.
  DrawInsuranceFund      INSURANCE_FUND -> CLEARING.
  ContributeInsurance    USER_POSITION_MARGIN, then USER_AVAILABLE -> INSURANCE_FUND.

The kinds REALIZED_PNL and MARGIN_RELEASE of tradex.position.v1.SettlementKind are retired: they
predate the TRADE instruction (one per fill, with its PnL and both margins), nothing emits them, and
applying one beside TRADE would move the same money twice (a MARGIN_RELEASE larger than the
position margin could also never apply). The consumer records one as seen and skips it with an
ALARM (RETIRED_KINDS, api/consumers.py), never retrying it: it must not stall the partition.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from services.wallet.domain.balances import ZERO, Balance, InsufficientFunds
from services.wallet.domain.ledger import Account, AccountKind, EntryKind, Posting, move
from services.wallet.domain.order_funds import OrderFunds


class SettlementKind(Enum):
    FUNDING = "FUNDING"
    TRADE = "TRADE"


# tradex.position.v1.SettlementKind names (without the prefix) the Wallet no longer applies.
RETIRED_KINDS = frozenset({"REALIZED_PNL", "MARGIN_RELEASE"})

ENTRY_KIND = {
    SettlementKind.FUNDING: EntryKind.FUNDING,
    SettlementKind.TRADE: EntryKind.TRADE_SETTLED,
}


def settle(balance: Balance, kind: SettlementKind, amount: Decimal) -> tuple[tuple[Posting, ...], Decimal]:
    """FUNDING: returns the postings and the signed amount actually posted to the user (a payment
    may be collected only in part; nothing to post gives no postings)."""
    if kind is not SettlementKind.FUNDING:
        raise ValueError(f"settle() applies FUNDING only, not {kind.value}")
    available = Account.user(AccountKind.USER_AVAILABLE, balance.user_id, balance.asset)
    clearing = Account.system(AccountKind.CLEARING, balance.asset)
    if amount > 0:
        return move(clearing, available, amount), amount
    if amount == 0:
        return (), ZERO
    # Funding is collected from total equity: available, then position margin (DESIGN).
    postings, collected = _collect(balance, -amount, clearing, available=balance.available,
                                   position_margin=balance.position_margin)[:2]
    return postings, -collected


def _collect(balance: Balance, amount: Decimal, to: Account, *, available: Decimal, position_margin: Decimal,
             lock: Decimal = ZERO) -> tuple[tuple[Posting, ...], Decimal, Decimal, Decimal, Decimal]:
    """Takes `amount` from the order's lock, then available, then position margin, as far as they go.
    Returns (postings, collected, lock left, available left, position margin left)."""
    postings: list[Posting] = []
    collected = ZERO
    left = [lock, available, position_margin]
    kinds = (AccountKind.USER_LOCKED, AccountKind.USER_AVAILABLE, AccountKind.USER_POSITION_MARGIN)
    for i, kind in enumerate(kinds):
        take = min(amount - collected, left[i])
        if take > 0:
            postings += move(Account.user(kind, balance.user_id, balance.asset), to, take)
            collected += take
            left[i] -= take
    return tuple(postings), collected, left[0], left[1], left[2]


@dataclass(frozen=True)
class TradeInstruction:
    """settlement.v1 kind TRADE, as Position computed it (the Wallet recomputes nothing)."""

    margin_released: Decimal  # >= 0, position margin -> available
    margin_in: Decimal  # >= 0, the order's lock (then available) -> position margin
    realized_pnl: Decimal  # signed, CLEARING <-> user
    fee: Decimal  # signed, user -> FEES (negative: a rebate)


@dataclass(frozen=True)
class TradeApplied:
    postings: tuple[Posting, ...]
    funds: OrderFunds
    # What could not be applied as written (the user's equity in the asset ran out):
    margin_short: Decimal  # margin the position did not get (no money is missing for it)
    pnl_short: Decimal  # loss not collected: CLEARING is short by it
    fee_short: Decimal  # fee not collected: FEES is short by it


def settle_trade_instruction(balance: Balance, funds: OrderFunds, instruction: TradeInstruction) -> TradeApplied:
    """Applies one fill's instruction as far as the user's equity goes, never refusing it (a trade
    that happened on the engine must settle, or the consumer would stall): first the margin the
    fill frees, so that a loss is paid from it; then the margin it needs, from the order's lock,
    then available; then the realized PnL; then the fee, from what is left of the order's lock,
    then available, then position margin. Whatever is left of a loss or a fee is the shortfall,
    for the insurance fund."""
    user = balance.user_id, balance.asset
    available_acc = Account.user(AccountKind.USER_AVAILABLE, *user)
    margin_acc = Account.user(AccountKind.USER_POSITION_MARGIN, *user)
    locked_acc = Account.user(AccountKind.USER_LOCKED, *user)
    lock, available, margin = funds.locked, balance.available, balance.position_margin
    postings: list[Posting] = []
    released = min(instruction.margin_released, margin)
    if released > 0:
        postings += move(margin_acc, available_acc, released)
        margin -= released
        available += released
    from_lock = min(instruction.margin_in, lock)
    top_up = min(instruction.margin_in - from_lock, available)
    if from_lock > 0:
        postings += move(locked_acc, margin_acc, from_lock)
    if top_up > 0:
        postings += move(available_acc, margin_acc, top_up)
    lock, available, margin = lock - from_lock, available - top_up, margin + from_lock + top_up
    margin_short = instruction.margin_in - from_lock - top_up
    clearing = Account.system(AccountKind.CLEARING, balance.asset)
    pnl_short = ZERO
    if instruction.realized_pnl > 0:
        postings += move(clearing, available_acc, instruction.realized_pnl)
        available += instruction.realized_pnl
    elif instruction.realized_pnl < 0:
        # A loss is not taken from the order's lock (that stays the order's, for its fee and its release).
        taken, collected, _, available, margin = _collect(balance, -instruction.realized_pnl, clearing,
                                                          available=available, position_margin=margin)
        postings += taken
        pnl_short = -instruction.realized_pnl - collected
    fees = Account.system(AccountKind.FEES, balance.asset)
    fee_short = ZERO
    fee_from_lock = ZERO
    if instruction.fee > 0:
        lock_before = lock
        taken, collected, lock, available, margin = _collect(balance, instruction.fee, fees, lock=lock,
                                                             available=available, position_margin=margin)
        postings += taken
        fee_short = instruction.fee - collected
        fee_from_lock = lock_before - lock
    elif instruction.fee < 0:
        postings += move(fees, available_acc, -instruction.fee)
    updated = replace(funds, locked=funds.locked - from_lock - fee_from_lock,
                      settled_margin=funds.settled_margin + from_lock + top_up,
                      fees=funds.fees + instruction.fee - fee_short)
    return TradeApplied(tuple(postings), updated, margin_short, pnl_short, fee_short)


def shortfall_cover(fund: Decimal, asset: str, pnl_short: Decimal,
                    fee_short: Decimal) -> tuple[tuple[Posting, ...], Decimal]:
    """INSURANCE_FUND -> CLEARING (an uncollected loss) and -> FEES (an uncollected fee), as far as
    the fund goes (it is never negative). Returns the postings and what stays uncovered."""
    postings: list[Posting] = []
    left = fund
    for short, kind in ((pnl_short, AccountKind.CLEARING), (fee_short, AccountKind.FEES)):
        cover = min(short, left)
        if cover > 0:
            postings += move(Account.system(AccountKind.INSURANCE_FUND, asset), Account.system(kind, asset), cover)
            left -= cover
    return tuple(postings), pnl_short + fee_short - (fund - left)


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
