"""The exchange's money formulas, once. Pure, Decimal only; Risk, Order and Position all use
these (docs/ARCHITECTURE.md → Money model, "one owner per number": Position computes what moves, Risk what to lock, and
both from the same formulas).

Two roundings, both chosen so money is never created:
- a figure that moves money (a fill's margin, fee, a notional) is cut to 18 fractional digits
  (NUMERIC(38,18)) by truncation toward zero, which is symmetric (cut(-x) = -cut(x)), so the
  buyer's and the seller's side of one fill are exact opposites;
- a lock is rounded UP to 1e-8, so it is never a hair smaller than the margin a fill moves
  out of it:  lock = ceil(P*q / L) + ceil(P*q * max(taker_fee_rate, 0)), nothing for reduce-only.

Open orders are margined per (user, symbol) the way Binance counts them (`order_margin`): the
account needs the margin of the larger side, net of what the position offsets, never of both.
"""
from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class OpenOrder:
    """What an open order may still add to a position: `side` +1 buys, -1 sells; `quantity` is
    what is still open, at `price` (a MARKET order's protection price). Reduce-only and
    liquidation orders are not open orders here: they can only shrink the position."""

    key: str  # the order id: a deterministic tie-break
    side: int
    price: Decimal
    quantity: Decimal
    leverage: Decimal


@dataclass(frozen=True)
class OrderMargin:
    """The margin a (user, symbol)'s open orders need: the larger side's, with its parts."""

    initial_margin: Decimal = ZERO
    fee_reserve: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.initial_margin + self.fee_reserve


def _side_margin(position: Decimal, orders: list[OpenOrder], side: int, taker_fee_rate: Decimal) -> OrderMargin:
    """One side: its orders' quantity beyond what closes the position needs margin.

    closable = max(0, -position * side): that much of the side only reduces the position (needs
    no margin; its fee comes from the margin a reducing fill frees). Which orders fill first is
    unknown, so the closing quantity is taken from the cheapest orders (lowest margin + fee per
    unit) and the dearest are margined: an upper bound whatever the fill order."""
    def unit_cost(order: OpenOrder) -> Decimal:
        return _CONTEXT.divide(order.price, order.leverage) + _CONTEXT.multiply(order.price, max(taker_fee_rate, ZERO))

    closable = max(ZERO, -position * side)
    im = fee = ZERO
    for order in sorted((o for o in orders if o.side == side), key=lambda o: (unit_cost(o), o.key)):
        closing = min(order.quantity, closable)
        closable -= closing
        opening = order.quantity - closing
        if opening > 0:
            value = exact_notional(order.price, opening)
            im += initial_margin(value, order.leverage)
            fee += fee_reserve(value, taker_fee_rate)
    return OrderMargin(im, fee)


def order_margin(position: Decimal, orders: Iterable[OpenOrder], taker_fee_rate: Decimal) -> OrderMargin:
    """What a user's open orders on one symbol need locked, given the signed position size:
    max(buy side, sell side), each net of the part that closes the position (Binance's rule).

    Both sides can never open at once: whichever fills first, the position moves toward one
    side, so the larger side's margin covers every sequence of fills (fees of a reducing fill
    are paid from the margin it frees). Adding an order never lowers it, so the increment an
    order brings, order_margin(with it) - order_margin(without it), is >= 0."""
    orders = [o for o in orders if o.quantity > 0 and o.leverage > 0]
    buy = _side_margin(position, orders, 1, taker_fee_rate)
    sell = _side_margin(position, orders, -1, taker_fee_rate)
    return buy if (buy.total, buy.initial_margin) >= (sell.total, sell.initial_margin) else sell


def order_margin_bucket(user_id: str, symbol: str) -> str:
    """The Wallet funds row (an `order_id` of LockFunds / ReleaseFunds) holding the order margin of
    a user's open orders on one symbol: the Order service keeps it at `order_margin`, a fill's
    settlement.v1 takes its margin from it (docs/ARCHITECTURE.md, "Order margin")."""
    return f"om:{user_id}:{symbol}"


def order_margin_bucket_symbol(user_id: str, funds_id: str) -> str | None:
    """The symbol of `user_id`'s order-margin bucket named `funds_id`; None for any other funds
    row (an order's own lock, another user's bucket)."""
    prefix = order_margin_bucket(user_id, "")
    return funds_id.removeprefix(prefix) if funds_id.startswith(prefix) else None
