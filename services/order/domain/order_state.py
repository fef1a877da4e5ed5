"""The order state machine as one explicit table. Pure: no protobuf, no I/O.

Every engine outcome that concerns an order is one `OrderEvent`; `TRANSITIONS` says which status
an order moves to for each (status, event) pair. A pair that is not in the table is refused
(`IllegalTransition`): final statuses have no outgoing edge at all, so nothing can reopen a
FILLED, CANCELLED, REJECTED or EXPIRED order.
"""
from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


class OrderEvent(StrEnum):
    """What the engine reported about one order."""

    ACCEPTED = "ACCEPTED"          # OrderAccepted: it reached the book (status unchanged)
    REJECTED = "REJECTED"          # OrderRejected: refused before touching the book
    PARTIAL_FILL = "PARTIAL_FILL"  # TradeExecuted leaving open quantity
    FULL_FILL = "FULL_FILL"        # TradeExecuted leaving none
    CANCELLED = "CANCELLED"        # OrderCancelled
    EXPIRED = "EXPIRED"            # OrderExpired: its time in force removed the remainder
    AMENDED = "AMENDED"            # OrderAmended: price/quantity changed (status unchanged)


S, E = OrderStatus, OrderEvent

TRANSITIONS: dict[tuple[OrderStatus, OrderEvent], OrderStatus] = {
    (S.NEW, E.ACCEPTED): S.NEW,
    (S.NEW, E.REJECTED): S.REJECTED,
    (S.NEW, E.PARTIAL_FILL): S.PARTIALLY_FILLED,
    (S.NEW, E.FULL_FILL): S.FILLED,
    (S.NEW, E.CANCELLED): S.CANCELLED,
    (S.NEW, E.EXPIRED): S.EXPIRED,
    (S.NEW, E.AMENDED): S.NEW,
    (S.PARTIALLY_FILLED, E.PARTIAL_FILL): S.PARTIALLY_FILLED,
    (S.PARTIALLY_FILLED, E.FULL_FILL): S.FILLED,
    (S.PARTIALLY_FILLED, E.CANCELLED): S.CANCELLED,
    (S.PARTIALLY_FILLED, E.EXPIRED): S.EXPIRED,
    (S.PARTIALLY_FILLED, E.AMENDED): S.PARTIALLY_FILLED,
}

OPEN_STATUSES = frozenset({S.NEW, S.PARTIALLY_FILLED})
FINAL_STATUSES = frozenset(OrderStatus) - OPEN_STATUSES


class IllegalTransition(Exception):
    """An engine event that the table does not allow for the order's status. The engine's
    per-symbol ordering makes this impossible in a correct stream; the consumer logs and skips
    it rather than retrying forever."""


def next_status(current: OrderStatus, event: OrderEvent) -> OrderStatus:
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalTransition(f"{event.value} is not allowed for an order that is {current.value}") from None


def is_open(status: OrderStatus) -> bool:
    return status in OPEN_STATUSES
