"""Orders and fills as the Order service keeps them. Pure: no protobuf, no I/O.

Enum values are the proto enum names without their prefix (SIDE_BUY -> "BUY"), which is also
how they are stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.order.domain import money
from services.order.domain.order_state import OrderStatus, is_open


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    POST_ONLY = "POST_ONLY"


class SelfTradePrevention(StrEnum):
    DEFAULT = "UNSPECIFIED"  # the engine's configured default
    CANCEL_MAKER = "CANCEL_MAKER"
    CANCEL_TAKER = "CANCEL_TAKER"
    CANCEL_BOTH = "CANCEL_BOTH"


class LiquidityRole(StrEnum):
    MAKER = "MAKER"
    TAKER = "TAKER"


@dataclass(frozen=True)
class InstrumentRules:
    """The parts of a Metadata instrument that order placement and fills need."""

    symbol: str
    status: str  # "ACTIVE", "PENDING", "REJECTED"
    quote_asset: str
    tick_size: Decimal
    lot_size: Decimal
    min_notional: Decimal
    max_order_quantity: Decimal
    max_leverage: Decimal
    maker_fee_rate: Decimal
    taker_fee_rate: Decimal

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class Order:
    order_id: str
    client_order_id: str
    user_id: str
    symbol: str
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    # The limit (or a MARKET order's protection price); None for a MARKET order without one.
    price: Decimal | None
    quantity: Decimal
    leverage: Decimal
    reduce_only: bool
    self_trade_prevention: SelfTradePrevention
    margin_asset: str
    # The instrument's figures at placement: fills are charged with the rates the order was
    # placed under, and the engine gets the tick and lot its book was built with.
    tick_size: Decimal
    lot_size: Decimal
    maker_fee_rate: Decimal
    taker_fee_rate: Decimal
    request_fingerprint: str
    created_at_unix_ms: int
    status: OrderStatus = OrderStatus.NEW
    filled_quantity: Decimal = money.ZERO
    filled_notional: Decimal = money.ZERO
    # The local mirror of what the wallet holds for the order (lock - fill margins - fees taken
    # from it - releases); decides how much an amend frees.
    margin_locked: Decimal = money.ZERO
    fees: Decimal = money.ZERO
    reject_reason: str = ""
    cancel_reason: str = ""
    expire_reason: str = ""
    status_message: str = ""
    is_liquidation: bool = False
    liquidation_id: str = ""
    # Funds were locked under this order's own id: only orders placed before the per-symbol
    # order-margin bucket (docs/ARCHITECTURE.md → Order margin; migration 0003 marks them). Their
    # close owes a final ReleaseFunds; a newer order's margin is in its bucket and a release would
    # find nothing (a wallet call and two transactions per order, for NOT_FOUND).
    locked_under_own_id: bool = False
    updated_at_unix_ms: int = 0
    accepted_at_unix_ms: int = 0
    cancel_requested_at_unix_ms: int = 0
    amend_requested_at_unix_ms: int = 0
    closed_at_unix_ms: int = 0
    amend_count: int = 0
    version: int = 1

    @property
    def open(self) -> bool:
        return is_open(self.status)

    @property
    def remaining_quantity(self) -> Decimal:
        return self.quantity - self.filled_quantity if self.open else money.ZERO

    @property
    def average_fill_price(self) -> Decimal | None:
        return money.average_price(self.filled_notional, self.filled_quantity)


@dataclass(frozen=True)
class Fill:
    """The order owner's side of one trade; (trade_id, order_id) identifies it."""

    trade_id: str
    order_id: str
    client_order_id: str
    user_id: str
    symbol: str
    side: Side
    price: Decimal
    quantity: Decimal
    fee: Decimal
    fee_asset: str
    liquidity_role: LiquidityRole
    margin: Decimal
    is_liquidation: bool
    executed_at_unix_ms: int


@dataclass(frozen=True)
class TradeLeg:
    """One order's part in a TradeExecuted, as the engine reported it."""

    trade_id: str
    price: Decimal
    quantity: Decimal
    role: LiquidityRole
    remaining_quantity: Decimal  # the order's open quantity after this trade
    executed_at_unix_ms: int
