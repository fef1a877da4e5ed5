"""Netting at placement: what an order adds to the margin its symbol's open orders need. Pure.

Open orders are margined per (user, symbol) by services/platform/money.py `order_margin`:
the larger side, net of what the position offsets (Binance's rule). So an order's lock is its
increment:

    lock = order_margin(position, other open orders + this one) - order_margin(position, others)

which is 0 for an order that only closes the position, or that quotes the other side within
the larger side's size, and never negative. Reduce-only orders are not counted (they lock
nothing). The Order service locks the same increment into the symbol's order-margin bucket in
the Wallet and keeps the bucket at order_margin as orders come and go (docs/ARCHITECTURE.md,
"Order margin").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from services.platform.money import OpenOrder, OrderMargin, order_margin
from services.risk.domain.orders import WorkingOrder
from services.risk.domain.positions import ValuedPosition

ZERO = Decimal(0)


def open_order(order: WorkingOrder) -> OpenOrder | None:
    if order.reduce_only or order.price is None or order.remaining <= 0:
        return None
    return OpenOrder(order.order_id, order.side.sign, order.price, order.remaining, order.leverage)


def symbol_orders(orders: Iterable[WorkingOrder], symbol: str, exclude_order_id: str = "") -> list[OpenOrder]:
    return [o for o in (open_order(w) for w in orders if w.symbol == symbol and w.order_id != exclude_order_id)
            if o is not None]


def position_size(positions: Iterable[ValuedPosition], symbol: str) -> Decimal:
    return sum((p.size for p in positions if p.symbol == symbol), ZERO)


@dataclass(frozen=True)
class Increment:
    before: OrderMargin
    after: OrderMargin

    @property
    def lock(self) -> Decimal:
        return max(self.after.total - self.before.total, ZERO)

    @property
    def initial_margin(self) -> Decimal:
        """The lock's margin part (the rest is fee reserve)."""
        return min(max(self.after.initial_margin - self.before.initial_margin, ZERO), self.lock)

    @property
    def fee_reserve(self) -> Decimal:
        return self.lock - self.initial_margin


def increment(order: WorkingOrder, positions: Iterable[ValuedPosition], working_orders: Iterable[WorkingOrder],
              taker_fee_rate: Decimal) -> Increment:
    """What `order` adds to its symbol's order margin, beside the user's other working orders."""
    position = position_size(positions, order.symbol)
    others = symbol_orders(working_orders, order.symbol, exclude_order_id=order.order_id)
    this = open_order(order)
    before = order_margin(position, others, taker_fee_rate)
    after = order_margin(position, [*others, this] if this else others, taker_fee_rate)
    return Increment(before, after)
