"""What the wallet tracks per order, and the postings of the trading path. Pure.

An order's lock lives in the user's USER_LOCKED account; `OrderFunds` attributes part of that
account to the order, so a release or a fill can never take another order's margin.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from services.platform.errors import FailedPrecondition, InvalidArgument
from services.wallet.domain.balances import ZERO, Balance, InsufficientFunds
from services.wallet.domain.ledger import Account, AccountKind, Posting, move


@dataclass(frozen=True)
class OrderFunds:
    order_id: str
    user_id: str
    asset: str
    locked: Decimal = ZERO
    total_locked: Decimal = ZERO
    settled_margin: Decimal = ZERO
    fees: Decimal = ZERO  # signed: net of rebates
    released: Decimal = ZERO
    version: int = 0  # 0: not stored yet


def _user(kind: AccountKind, balance: Balance) -> Account:
    return Account.user(kind, balance.user_id, balance.asset)


def check_owner(funds: OrderFunds, user_id: str, asset: str) -> None:
    if funds.user_id != user_id:
        raise InvalidArgument(f"order {funds.order_id} belongs to another user than user_id {user_id!r}")
    if funds.asset != asset:
        raise InvalidArgument(f"order {funds.order_id} is funded in {funds.asset}, not asset {asset!r}")


def lock(balance: Balance, funds: OrderFunds, amount: Decimal) -> tuple[tuple[Posting, ...], OrderFunds]:
    """USER_AVAILABLE -> USER_LOCKED, attributed to the order."""
    if balance.available < amount:
        raise InsufficientFunds(
            f"available {balance.available.normalize():f} {balance.asset} is less than {amount.normalize():f} "
            "to lock")
    postings = move(_user(AccountKind.USER_AVAILABLE, balance), _user(AccountKind.USER_LOCKED, balance), amount)
    return postings, replace(funds, locked=funds.locked + amount, total_locked=funds.total_locked + amount)


def release(balance: Balance, funds: OrderFunds, amount: Decimal | None) -> tuple[tuple[Posting, ...], OrderFunds, Decimal]:
    """USER_LOCKED -> USER_AVAILABLE; `amount` None means all the order still has locked.
    Returns no postings when there is nothing to release."""
    if amount is None:
        amount = funds.locked
    elif amount > funds.locked:
        raise FailedPrecondition(
            f"order {funds.order_id} has only {funds.locked.normalize():f} {funds.asset} locked, cannot release "
            f"{amount.normalize():f}", reason="RELEASE_EXCEEDS_LOCKED")
    if amount == 0:
        return (), funds, ZERO
    postings = move(_user(AccountKind.USER_LOCKED, balance), _user(AccountKind.USER_AVAILABLE, balance), amount)
    return postings, replace(funds, locked=funds.locked - amount, released=funds.released + amount), amount


def settle_trade(balance: Balance, funds: OrderFunds, margin: Decimal,
                 fee: Decimal) -> tuple[tuple[Posting, ...], OrderFunds]:
    """One fill's order-side posting: margin from the order's lock to USER_POSITION_MARGIN; a fee
    from what is left of the lock, then from available, to FEES; a rebate (fee < 0) from FEES to
    available.

    A fill can need more margin than its order locked: a sell filled above its limit (or a MARKET
    sell, locked at its protection price) has a larger notional. The trade has already happened on
    the engine, so refusing it would only block settlement forever; the excess is taken from
    available, as far as it goes. If available cannot cover it, the position starts with less margin
    than its leverage asks and Risk's maintenance check is what protects the exchange."""
    from_lock = min(margin, funds.locked)
    top_up = min(margin - from_lock, balance.available)
    postings: list[Posting] = []
    locked_left = funds.locked
    if from_lock > 0:
        postings += move(_user(AccountKind.USER_LOCKED, balance),
                         _user(AccountKind.USER_POSITION_MARGIN, balance), from_lock)
        locked_left -= from_lock
    if top_up > 0:
        postings += move(_user(AccountKind.USER_AVAILABLE, balance),
                         _user(AccountKind.USER_POSITION_MARGIN, balance), top_up)
    margin = from_lock + top_up
    available_left = balance.available - top_up
    fees_account = Account.system(AccountKind.FEES, balance.asset)
    if fee > 0:
        from_lock = min(fee, locked_left)
        from_available = fee - from_lock
        if from_available > available_left:
            raise InsufficientFunds(
                f"the fee {fee.normalize():f} {balance.asset} is not covered by the order's lock and available "
                "balance")
        if from_lock > 0:
            postings += move(_user(AccountKind.USER_LOCKED, balance), fees_account, from_lock)
        if from_available > 0:
            postings += move(_user(AccountKind.USER_AVAILABLE, balance), fees_account, from_available)
        locked_left -= from_lock
    elif fee < 0:
        postings += move(fees_account, _user(AccountKind.USER_AVAILABLE, balance), -fee)
    updated = replace(funds, locked=locked_left, settled_margin=funds.settled_margin + margin,
                      fees=funds.fees + fee)
    return tuple(postings), updated


def set_level(balance: Balance, funds: OrderFunds,
              amount: Decimal) -> tuple[tuple[Posting, ...], OrderFunds, Decimal]:
    """An order-margin bucket set to `amount` (SetOrderMargin): the excess USER_LOCKED ->
    USER_AVAILABLE, or the shortfall USER_AVAILABLE -> USER_LOCKED as far as available goes.
    Returns the postings (none when already there), the funds row and what stays short."""
    if amount < 0:
        raise InvalidArgument("amount must not be negative")
    if amount < funds.locked:
        excess = funds.locked - amount
        postings = move(_user(AccountKind.USER_LOCKED, balance), _user(AccountKind.USER_AVAILABLE, balance), excess)
        return postings, replace(funds, locked=amount, released=funds.released + excess), ZERO
    wanted = amount - funds.locked
    more = min(wanted, max(balance.available, ZERO))
    if more <= 0:
        return (), funds, wanted
    postings = move(_user(AccountKind.USER_AVAILABLE, balance), _user(AccountKind.USER_LOCKED, balance), more)
    return postings, replace(funds, locked=funds.locked + more, total_locked=funds.total_locked + more), wanted - more
