"""The position's money arithmetic. Pure, Decimal only; every figure Position publishes comes from
here (one formula, one place).

Results are cut to 18 fractional digits (NUMERIC(38,18)) by truncation toward zero, which is
symmetric (cut(-x) = -cut(x)): the buyer's and the seller's cost of one fill are exact opposites,
so realized PnL over all users of a symbol sums to exactly zero once everyone is flat.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

ZERO = Decimal(0)
_QUANTUM = Decimal("1e-18")
_PRECISION = 80


def cut(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return value.quantize(_QUANTUM, rounding=ROUND_DOWN)


def mul(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(a * b)


def share(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """total * part / whole, cut; exactly `total` when part == whole (a full close frees all)."""
    if part == whole:
        return total
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(total * part / whole)


def fill_margin(price: Decimal, quantity: Decimal, leverage: Decimal) -> Decimal:
    """Position margin an opening fill needs: price * quantity / leverage (the Wallet's contract)."""
    if leverage <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(price * quantity / leverage)


def fill_fee(price: Decimal, quantity: Decimal, rate: Decimal) -> Decimal:
    """Signed: a negative maker rate is a rebate."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(price * quantity * rate)


def divide(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(a / b)


def fmt(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros ("0" for zero)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
