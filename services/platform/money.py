"""The exchange's money formulas, once. Pure, Decimal only; Risk, Order and Position all use
these (docs/ARCHITECTURE.md → Money model, "one owner per number": Position computes what moves, Risk what to lock, and
both from the same formulas).

Two roundings, both chosen so money is never created:
- a figure that moves money (a fill's margin, fee, a notional) is cut to 18 fractional digits
  (NUMERIC(38,18)) by truncation toward zero, which is symmetric (cut(-x) = -cut(x)), so the
  buyer's and the seller's side of one fill are exact opposites;
- a lock is rounded UP to 1e-8, so it is never a hair smaller than the margin a fill moves
  out of it:  lock = ceil(P*q / L) + ceil(P*q * max(taker_fee_rate, 0)), nothing for reduce-only.
"""
from __future__ import annotations

import decimal
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

ZERO = Decimal(0)
QUANTUM = Decimal("1e-18")
LOCK_QUANTUM = Decimal("1e-8")
# No product or quotient of NUMERIC(38,18) operands is rounded by the context before we round.
_CONTEXT = decimal.Context(prec=80)


def cut(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM, rounding=ROUND_DOWN, context=_CONTEXT)


def ceil_lock(value: Decimal) -> Decimal:
    return value.quantize(LOCK_QUANTUM, rounding=ROUND_CEILING, context=_CONTEXT)


def exact_mul(a: Decimal, b: Decimal) -> Decimal:
    """Unrounded for NUMERIC(38,18) operands (80 digits hold the whole product)."""
    return _CONTEXT.multiply(a, b)


exact_notional = exact_mul


def mul(a: Decimal, b: Decimal) -> Decimal:
    return cut(_CONTEXT.multiply(a, b))


def divide(a: Decimal, b: Decimal) -> Decimal:
    return cut(_CONTEXT.divide(a, b))


def fill_margin(price: Decimal, quantity: Decimal, leverage: Decimal) -> Decimal:
    """Position margin an opening fill needs: price * quantity / leverage."""
    if leverage <= 0:
        return ZERO
    return divide(exact_notional(price, quantity), leverage)


def fill_fee(price: Decimal, quantity: Decimal, rate: Decimal) -> Decimal:
    """Signed: a negative maker rate is a rebate."""
    return cut(_CONTEXT.multiply(exact_notional(price, quantity), rate))


def initial_margin(notional: Decimal, leverage: Decimal) -> Decimal:
    return ceil_lock(_CONTEXT.divide(notional, leverage))


def fee_reserve(notional: Decimal, taker_fee_rate: Decimal) -> Decimal:
    """The fee is reserved at the taker rate: whether an order makes or takes is unknown before."""
    return ceil_lock(_CONTEXT.multiply(notional, max(taker_fee_rate, ZERO)))


def required_lock(price: Decimal, quantity: Decimal, leverage: Decimal, *, reduce_only: bool,
                  taker_fee_rate: Decimal) -> Decimal:
    """What an order's open quantity needs locked: initial margin plus the taker-fee reserve."""
    if reduce_only:
        return ZERO
    value = exact_notional(price, quantity)
    return initial_margin(value, leverage) + fee_reserve(value, taker_fee_rate)
