"""Orders as Risk sees them: the intent being checked, and the user's other working orders
(open on the engine's book, or approved by Risk and not yet seen by the engine).

Pure: no protobuf, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Side(Enum):
    BUY = "BUY"
    SELL = "SELL"

    @property
    def sign(self) -> int:
        """+1 for BUY (adds to a long), -1 for SELL."""
        return 1 if self is Side.BUY else -1


class OrderType(Enum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"


@dataclass(frozen=True)
class OrderIntent:
    """What PreTradeCheck is asked about. `price` is None for MARKET orders."""

    order_id: str
    user_id: str
    symbol: str
    side: Side
    order_type: OrderType
    price: Decimal | None
    quantity: Decimal
    leverage: Decimal
    reduce_only: bool


@dataclass(frozen=True)
class WorkingOrder:
    """An order that may still fill: its open quantity at its price.

    `price` is None for a MARKET order whose command carried no protection price; the state
    values it at the mark when it builds a check's view.
    """

    order_id: str
    user_id: str
    symbol: str
    side: Side
    price: Decimal | None
    remaining: Decimal
    leverage: Decimal
    reduce_only: bool


@dataclass
class Reservation:
    """An approval's hold on the user's state until the engine's events catch up.

    Approved at `created_at_unix_ms`, an order is committed by the Order service and then
    accepted by the engine, which Risk learns a little later through Kafka. Until the engine's
    OrderAccepted/OrderRejected arrives, Risk counts the order among the working orders -- and so
    in its symbol's order-margin requirement, which the Wallet's bucket covers once the Order
    service's SYNC booked it (domain/cover.py). An order that never gets there (the Order
    service refused it or died) is forgotten after the reservation TTL.
    """

    order: WorkingOrder
    asset: str
    created_at_unix_ms: int
    engine_seen: bool = False

    @property
    def settled(self) -> bool:
        """The order is visible in the state from events: the reservation has no work left."""
        return self.engine_seen
