"""How much of the order margin Risk's view of a user requires the Wallet has booked. Pure.

The Order service books a symbol's order margin into its Wallet bucket after the order's commit
(its SYNC, docs/ARCHITECTURE.md, "Order margin"), so an approval is not yet locked in the
Wallet when the next check runs, and the Wallet's `available` does not show it. Risk compares,
per symbol, the requirement of the working orders it counts (open on the book, or approved and
not yet seen by the engine) with the level the Wallet booked (wallet.balance.updated.v1 carries
the bucket rows), and treats what is not booked yet as spent:

    uncovered = sum over symbols of max(requirement - booked level, 0)

Per symbol, never in total: between an engine fill (the requirement falls) and its settlement
(the level falls) a bucket holds more than its orders need, and that excess is about to become
position margin. Set against another symbol's shortfall, or spent by a new order, it would
approve more than the user has. An excess counts for nothing -- except the part an amended
order already holds (`own_booked`), which the amend replaces.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from services.platform.money import order_margin
from services.risk.domain.accounts import Balance
from services.risk.domain.netting import increment, position_size, symbol_orders
from services.risk.domain.orders import WorkingOrder
from services.risk.domain.positions import ValuedPosition

ZERO = Decimal(0)


def requirement(symbol: str, positions: Iterable[ValuedPosition], orders: Iterable[WorkingOrder],
                taker_fee_rate: Decimal) -> Decimal:
    """The symbol's order margin for these working orders (services/platform/money.py, the
    formula the Order service books)."""
    return order_margin(position_size(positions, symbol), symbol_orders(orders, symbol), taker_fee_rate).total


def uncovered(balance: Balance | None, positions: Iterable[ValuedPosition], orders: Iterable[WorkingOrder],
              fee_rate: Callable[[str], Decimal]) -> Decimal:
    positions, orders = tuple(positions), tuple(orders)
    total = ZERO
    for symbol in sorted({o.symbol for o in orders}):
        booked = balance.booked(symbol) if balance is not None else ZERO
        total += max(requirement(symbol, positions, orders, fee_rate(symbol)) - booked, ZERO)
    return total


def own_booked(balance: Balance | None, order: WorkingOrder, positions: Iterable[ValuedPosition],
               others: Iterable[WorkingOrder], taker_fee_rate: Decimal) -> Decimal:
    """What the Wallet holds for `order` as it is open now (an amend re-checks it): its increment
    beside `others`, as far as its bucket holds more than `others` require."""
    positions, others = tuple(positions), tuple(others)
    booked = balance.booked(order.symbol) if balance is not None else ZERO
    excess = max(booked - requirement(order.symbol, positions, others, taker_fee_rate), ZERO)
    return min(excess, increment(order, positions, others, taker_fee_rate).lock)
