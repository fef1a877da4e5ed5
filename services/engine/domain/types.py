"""Domain types of the matching engine: enums, input commands, output events, configuration.

Everything here is plain Python (``dataclass(slots=True)`` and ``StrEnum``), no protobuf and no I/O.
The api layer maps protobuf <-> these types; prices and quantities are integer ticks / lots here
(the Decimal <-> ticks/lots conversion belongs to the symbol's metadata, outside the engine).

Commands and events are mutable slotted dataclasses for speed (frozen dataclasses are ~2x slower to
build); treat them as immutable values.

Every event carries ``symbol`` and ``seq`` (the per-symbol engine sequence number, gap-free, starting
at 1) plus the ``command_id`` of the command that produced it. ``event_id`` is derived, not stored:
``f"{symbol}:{seq}"``. A trade's ``trade_id`` is its event id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


class StpMode(StrEnum):
    """Self-trade prevention: what happens when a taker would match a resting order of the same user.

    The taker's mode decides (the maker's own mode is irrelevant to that match).
    """

    CANCEL_MAKER = "CANCEL_MAKER"  # cancel the resting order(s), keep matching the taker
    CANCEL_TAKER = "CANCEL_TAKER"  # cancel the taker's remainder, resting order untouched
    CANCEL_BOTH = "CANCEL_BOTH"  # cancel that resting order and the taker's remainder


class CommandKind(StrEnum):
    NEW = "NEW"
    CANCEL = "CANCEL"
    AMEND = "AMEND"


class RejectReason(StrEnum):
    """Reasons on :class:`OrderRejected` (new orders) and :class:`CommandRejected` (cancel/amend)."""

    INVALID_SIDE = "INVALID_SIDE"
    INVALID_ORDER_TYPE = "INVALID_ORDER_TYPE"
    INVALID_STP_MODE = "INVALID_STP_MODE"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    INVALID_PRICE = "INVALID_PRICE"
    INVALID_TIME_IN_FORCE = "INVALID_TIME_IN_FORCE"  # also MARKET with GTC / POST_ONLY
    INVALID_AMEND = "INVALID_AMEND"  # amend with neither a new price nor a new quantity
    DUPLICATE_ORDER_ID = "DUPLICATE_ORDER_ID"  # order id of a live (resting) order
    POST_ONLY_WOULD_TAKE = "POST_ONLY_WOULD_TAKE"
    FOK_NOT_FILLABLE = "FOK_NOT_FILLABLE"
    NO_LIQUIDITY = "NO_LIQUIDITY"  # market order against an empty opposite side
    UNKNOWN_ORDER = "UNKNOWN_ORDER"  # cancel/amend of an order that is not resting (never was, or done)
    NOT_ORDER_OWNER = "NOT_ORDER_OWNER"
    # Set only through MatchingEngine.reject_new_order: the caller (which converts decimals to
    # ticks/lots) found the order's tick/lot size differs from the book's.
    INSTRUMENT_MISMATCH = "INSTRUMENT_MISMATCH"


class CancelReason(StrEnum):
    USER_REQUESTED = "USER_REQUESTED"
    SELF_TRADE_PREVENTION = "SELF_TRADE_PREVENTION"
    IOC_REMAINDER = "IOC_REMAINDER"  # limit IOC: the part that did not fill at once
    MARKET_REMAINDER = "MARKET_REMAINDER"  # market order: the opposite side ran out
    MARKET_PROTECTION = "MARKET_PROTECTION"  # market order: liquidity left only beyond the price band


# --------------------------------------------------------------------------------------------- commands


@dataclass(slots=True)
class NewOrder:
    command_id: str
    order_id: str
    user_id: str
    side: Side
    order_type: OrderType
    tif: TimeInForce
    price_ticks: int | None  # None for MARKET
    qty_lots: int
    reduce_only: bool = False  # carried through to events, not enforced (see engine module docstring)
    is_liquidation: bool = False  # carried through, not enforced
    stp_mode: StpMode | None = None  # None: the engine's configured default


@dataclass(slots=True)
class CancelOrder:
    command_id: str
    order_id: str
    user_id: str


@dataclass(slots=True)
class AmendOrder:
    command_id: str
    order_id: str
    user_id: str
    new_price_ticks: int | None = None
    new_qty_lots: int | None = None  # the new *remaining* (open) quantity, not a new total


Command = NewOrder | CancelOrder | AmendOrder


# ----------------------------------------------------------------------------------------------- events


@dataclass(slots=True)
class EngineEvent:
    symbol: str
    seq: int
    command_id: str

    @property
    def event_id(self) -> str:
        return f"{self.symbol}:{self.seq}"


@dataclass(slots=True)
class OrderAccepted(EngineEvent):
    """A new order passed validation; trades/cancel/rest follow in the same command's events.

    ``price_ticks`` is the order's limit; for a MARKET order it is the protection limit the engine
    derived from the band (the worst price it may trade at).
    """

    order_id: str
    user_id: str
    side: Side
    order_type: OrderType
    tif: TimeInForce
    price_ticks: int
    qty_lots: int
    reduce_only: bool
    is_liquidation: bool
    stp_mode: StpMode


@dataclass(slots=True)
class OrderRejected(EngineEvent):
    """A new order was refused; the book did not change."""

    order_id: str
    user_id: str
    reason: RejectReason


@dataclass(slots=True)
class CommandRejected(EngineEvent):
    """A cancel or amend was refused; the order it named (if any) is unchanged.

    Kept apart from :class:`OrderRejected` so a consumer never mistakes "your cancel of order X was
    refused" for "order X was rejected".
    """

    order_id: str
    user_id: str
    command: CommandKind
    reason: RejectReason


@dataclass(slots=True)
class Trade(EngineEvent):
    """One fill. Price is always the maker's resting price. ``trade_id`` == ``event_id``."""

    maker_order_id: str
    taker_order_id: str
    maker_user_id: str
    taker_user_id: str
    price_ticks: int
    qty_lots: int
    taker_side: Side
    maker_remaining_lots: int  # maker's open quantity after this fill (0: fully filled, gone)
    taker_remaining_lots: int  # taker's unfilled quantity after this fill

    @property
    def trade_id(self) -> str:
        return f"{self.symbol}:{self.seq}"


@dataclass(slots=True)
class OrderCancelled(EngineEvent):
    order_id: str
    user_id: str
    reason: CancelReason
    cancelled_lots: int  # the open quantity that was removed


@dataclass(slots=True)
class OrderAmended(EngineEvent):
    """A resting order changed. If ``priority_kept`` is False it moved to the back of its (new) level
    and, if its new price crosses, trades as a taker in the events that follow."""

    order_id: str
    user_id: str
    side: Side
    old_price_ticks: int
    new_price_ticks: int
    old_qty_lots: int
    new_qty_lots: int
    priority_kept: bool


@dataclass(slots=True)
class BookDelta(EngineEvent):
    """Aggregate (L2) change: the level's new total open quantity (0: the level is gone).

    One delta per level touched per command, emitted after the events that changed that level.
    """

    side: Side
    price_ticks: int
    qty_lots: int


Event = OrderAccepted | OrderRejected | CommandRejected | Trade | OrderCancelled | OrderAmended | BookDelta


# ----------------------------------------------------------------------------------------------- config

DEFAULT_MARKET_BAND_BPS = 500  # 5 %
DEFAULT_DEDUP_WINDOW = 100_000


@dataclass(slots=True, frozen=True)
class EngineConfig:
    """Per-symbol engine configuration (part of the snapshot).

    Market protection band: at most one of ``market_band_ticks`` / ``market_band_bps`` is given
    (neither: ``market_band_bps = DEFAULT_MARKET_BAND_BPS``). A
    market BUY may trade up to ``best_ask + band``, a SELL down to ``max(1, best_bid - band)``, where
    ``band = market_band_ticks`` or ``best * market_band_bps // 10_000`` (integer floor), taken from
    the best opposite price when the order arrives.

    ``dedup_window``: how many most recent command ids are remembered for deduplication.
    """

    symbol: str
    default_stp_mode: StpMode = StpMode.CANCEL_MAKER
    market_band_ticks: int | None = None
    market_band_bps: int | None = None  # when neither band is given: DEFAULT_MARKET_BAND_BPS
    dedup_window: int = DEFAULT_DEDUP_WINDOW

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError("symbol must be a non-empty string")
        if self.market_band_ticks is None and self.market_band_bps is None:
            object.__setattr__(self, "market_band_bps", DEFAULT_MARKET_BAND_BPS)
        if self.market_band_ticks is not None and self.market_band_bps is not None:
            raise ValueError("set only one of market_band_ticks / market_band_bps")
        band = self.market_band_ticks if self.market_band_ticks is not None else self.market_band_bps
        if type(band) is not int or band < 0:
            raise ValueError("market band must be a non-negative int")
        if type(self.dedup_window) is not int or self.dedup_window < 1:
            raise ValueError("dedup_window must be a positive int")
        StpMode(self.default_stp_mode)

    def to_dict(self) -> dict:
        return {
            "symbol": self.symbol,
            "default_stp_mode": str(self.default_stp_mode),
            "market_band_ticks": self.market_band_ticks,
            "market_band_bps": self.market_band_bps,
            "dedup_window": self.dedup_window,
        }

    @classmethod
    def from_dict(cls, d: dict) -> EngineConfig:
        return cls(
            symbol=d["symbol"],
            default_stp_mode=StpMode(d["default_stp_mode"]),
            market_band_ticks=d["market_band_ticks"],
            market_band_bps=d["market_band_bps"],
            dedup_window=d["dedup_window"],
        )
