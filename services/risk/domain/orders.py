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
    """An approval's hold on the user's state until the other services' events catch up.

    Approved at `created_at_unix_ms`, an order is locked by the Wallet and then accepted by the
    engine, each of which Risk learns a little later through Kafka. Until the wallet's balance
    shows the lock, Risk subtracts `lock_amount` from the available balance itself; until the
    engine's OrderAccepted/OrderRejected arrives, it counts the order among the working orders.
    An order that never gets there (LockFunds refused, the Order service died) is forgotten
    after the reservation TTL.
    """

    order: WorkingOrder
    asset: str
    lock_amount: Decimal
    created_at_unix_ms: int
    wallet_locked: bool = False
    engine_seen: bool = False

    @property
    def settled(self) -> bool:
        """Both effects are visible in the state from events: the reservation has no work left."""
        return self.wallet_locked and self.engine_seen
