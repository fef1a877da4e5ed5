"""The money formulas of a pre-trade check (the lock parts come from services/platform/money.py,
shared with Order and Position). Pure, Decimal only.

For an order of quantity q at price P (the limit price, or the protection price of a MARKET
order: the worst price it may fill at) with leverage L, in the instrument's quote asset:

    notional        = P * q
    initial_margin  = ceil(notional / L)                 (0 for reduce-only orders)
    fee_reserve     = ceil(notional * taker_fee_rate)    (0 for reduce-only orders)
    lock_amount     = initial_margin + fee_reserve       -> what the order margin holds for it

ceil() rounds UP to MONEY_QUANTUM (1e-8): a lock must never be a hair smaller than the margin
the Position service later computes for a fill (price * quantity / leverage, unrounded), or
the Wallet's SettleTrade would find too little locked. The fee is reserved at the taker rate
because Risk cannot know whether the order will make or take; a maker fill uses less and the
Order service releases the rest when the order is done. Reduce-only orders lock nothing (the
Wallet's contract: their fees are charged from available at settlement), since a fill only
frees margin.

A MARKET order's protection price is the trusted reference (mark, else index) moved by the
instrument's price_band_rate against the taker, rounded to a tick towards the reference so it
stays inside the band:  BUY: floor_tick(ref * (1 + band)),  SELL: ceil_tick(ref * (1 - band)).
"""
from __future__ import annotations

import decimal
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from services.platform.money import LOCK_QUANTUM, ceil_lock, exact_notional, fee_reserve, initial_margin
from services.risk.domain.orders import Side

__all__ = ["MONEY_QUANTUM", "notional", "ceil_money", "initial_margin", "fee_reserve", "band_limits",
           "inside_band", "protection_price"]

MONEY_QUANTUM = LOCK_QUANTUM
_CONTEXT = decimal.Context(prec=60)  # band arithmetic only; the money formulas are shared


def notional(price: Decimal, quantity: Decimal) -> Decimal:
    return exact_notional(price, quantity)


def ceil_money(value: Decimal) -> Decimal:
    return ceil_lock(value)


def band_limits(reference: Decimal, band_rate: Decimal) -> tuple[Decimal, Decimal]:
    """The lowest and highest price inside the band (both inclusive)."""
    width = _CONTEXT.multiply(reference, band_rate)
    return reference - width, reference + width


def inside_band(price: Decimal, reference: Decimal, band_rate: Decimal) -> bool:
    low, high = band_limits(reference, band_rate)
    return low <= price <= high


def protection_price(side: Side, reference: Decimal, band_rate: Decimal, tick_size: Decimal) -> Decimal:
    low, high = band_limits(reference, band_rate)
    if side is Side.BUY:
        price = _to_tick(high, tick_size, ROUND_FLOOR)
    else:
        price = _to_tick(low, tick_size, ROUND_CEILING)
    # A band of 100% or more (or a reference below one tick) would give zero; the lowest real
    # price is one tick.
    return max(price, tick_size)


def _to_tick(price: Decimal, tick_size: Decimal, rounding: str) -> Decimal:
    ticks = _CONTEXT.divide(price, tick_size).to_integral_value(rounding=rounding)
    return _CONTEXT.multiply(ticks, tick_size)
