"""The order-side view of the money formulas, which live once in services/platform/money.py
(shared with Risk and Position): a fill's margin (0 for reduce-only and liquidation orders),
its fee at the maker or taker rate, and what an order's open quantity needs locked. Order only
mirrors these for its own records; the Wallet moves what Position's settlement.v1 says.
"""
from __future__ import annotations

from decimal import Decimal

from services.platform import money
from services.platform.money import ZERO, cut, fill_fee, required_lock

__all__ = ["ZERO", "cut", "notional", "fill_margin", "fill_fee", "required_lock", "lock_after_fill",
           "average_price"]


def notional(price: Decimal, quantity: Decimal) -> Decimal:
    return cut(money.exact_notional(price, quantity))


def fill_margin(price: Decimal, quantity: Decimal, leverage: Decimal, *, reduce_only: bool,
                is_liquidation: bool) -> Decimal:
    if reduce_only or is_liquidation:
        return ZERO
    return money.fill_margin(price, quantity, leverage)


def lock_after_fill(locked: Decimal, margin: Decimal, fee: Decimal) -> Decimal:
    """The order's lock after the wallet settled one fill: the margin leaves the lock, then a
    positive fee is taken from what is left (the wallet charges any excess to available)."""
    left = max(ZERO, locked - margin)
    if fee > 0:
        left -= min(fee, left)
    return left


def average_price(filled_notional: Decimal, filled_quantity: Decimal) -> Decimal | None:
    if filled_quantity <= 0:
        return None
    return money.divide(filled_notional, filled_quantity)
