"""The position's money arithmetic. Pure, Decimal only; every figure Position publishes comes from
here, on the formulas of services/platform/money.py (one formula, one place, shared with Risk's
locks and Order's records).

Results are cut to 18 fractional digits (NUMERIC(38,18)) by truncation toward zero, which is
symmetric (cut(-x) = -cut(x)): the buyer's and the seller's cost of one fill are exact opposites,
so realized PnL over all users of a symbol sums to exactly zero once everyone is flat.
"""
from __future__ import annotations

from decimal import Decimal

from services.platform.money import ZERO, cut, divide, exact_mul, fill_fee, fill_margin, mul

__all__ = ["ZERO", "cut", "mul", "share", "fill_margin", "fill_fee", "divide", "fmt"]


def share(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """total * part / whole, cut; exactly `total` when part == whole (a full close frees all)."""
    if part == whole:
        return total
    return divide(exact_mul(total, part), whole)


def fmt(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros ("0" for zero)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
