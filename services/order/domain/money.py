"""The order-side money arithmetic. Pure, Decimal only.

The figures here are contracts shared with other services, so they follow the proto comments
exactly: a fill's margin is price * quantity / leverage (0 for reduce-only and liquidation
orders: SettleTradeRequest.margin), its fee is price * quantity * the maker or taker rate
(TradeExecuted), and an order's lock is initial margin plus the worst-case (taker) fee
(PreTradeCheckResponse; Risk rounds each part up to 1e-8, and reduce-only orders lock nothing).
Results are cut to 18 fractional digits (NUMERIC(38,18), and what the
wallet accepts) by truncation toward zero, so a computed margin or fee never exceeds the exact
figure.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, Decimal, localcontext

ZERO = Decimal(0)
_QUANTUM = Decimal("1e-18")
_LOCK_QUANTUM = Decimal("1e-8")
# Enough digits that no product of two NUMERIC(38,18) values is rounded before we truncate.
_PRECISION = 80


def cut(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return value.quantize(_QUANTUM, rounding=ROUND_DOWN)


def notional(price: Decimal, quantity: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(price * quantity)


def fill_margin(price: Decimal, quantity: Decimal, leverage: Decimal, *, reduce_only: bool,
                is_liquidation: bool) -> Decimal:
    if reduce_only or is_liquidation:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(price * quantity / leverage)


def fill_fee(price: Decimal, quantity: Decimal, rate: Decimal) -> Decimal:
    """Signed: a negative maker rate is a rebate."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(price * quantity * rate)


def required_lock(price: Decimal, open_quantity: Decimal, leverage: Decimal, *, reduce_only: bool,
                  taker_fee_rate: Decimal) -> Decimal:
    """What an order's open quantity needs locked, as Risk computes it: initial margin plus the
    taker-fee reserve, each rounded up to 1e-8; nothing for reduce-only orders."""
    if reduce_only:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        value = price * open_quantity
        margin = (value / leverage).quantize(_LOCK_QUANTUM, rounding=ROUND_CEILING)
        reserve = (value * max(ZERO, taker_fee_rate)).quantize(_LOCK_QUANTUM, rounding=ROUND_CEILING)
        return margin + reserve


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
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(filled_notional / filled_quantity)
