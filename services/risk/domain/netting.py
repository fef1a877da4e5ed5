"""Netting at placement: the part of an order that closes the user's position needs no new
initial margin (a fill that reduces a position only frees margin; the Position service moves no
margin into the position for it). Pure.

    closable  = max(0, -position * side.sign - same-side working orders that are not reduce-only)
    reducing  = min(quantity, closable)

Same-side working orders are taken to close first (they are older), so two orders can never both
count the same position as theirs to close. The reducing part needs no fee reserve either, like
a reduce-only order: the Wallet applies a fill's freed margin before its fee, and collects a fee
from total equity. Binance's "larger side" rule for open orders on both sides is not
modelled here: each order's lock is its own in the Wallet, so the sum of locks stays an upper bound.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from services.risk.domain.orders import OrderIntent, WorkingOrder
from services.risk.domain.positions import ValuedPosition

ZERO = Decimal(0)


def reducing_quantity(intent: OrderIntent, positions: Iterable[ValuedPosition],
                      working_orders: Iterable[WorkingOrder]) -> Decimal:
    position = sum((p.size for p in positions if p.symbol == intent.symbol), ZERO)
    ahead = sum((o.remaining for o in working_orders
                 if o.symbol == intent.symbol and o.side is intent.side and o.order_id != intent.order_id), ZERO)
    closable = max(ZERO, -position * intent.side.sign - ahead)
    return min(intent.quantity, closable)
