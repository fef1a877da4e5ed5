from tradex.common.v1 import orders_pb2 as _orders_pb2
from tradex.common.v1 import trading_pb2 as _trading_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CommandType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMMAND_TYPE_UNSPECIFIED: _ClassVar[CommandType]
    COMMAND_TYPE_NEW_ORDER: _ClassVar[CommandType]
    COMMAND_TYPE_CANCEL_ORDER: _ClassVar[CommandType]
    COMMAND_TYPE_AMEND_ORDER: _ClassVar[CommandType]
    COMMAND_TYPE_CANCEL_ALL_ORDERS: _ClassVar[CommandType]

class CommandRejectReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMMAND_REJECT_REASON_UNSPECIFIED: _ClassVar[CommandRejectReason]
    COMMAND_REJECT_REASON_UNKNOWN_ORDER: _ClassVar[CommandRejectReason]
    COMMAND_REJECT_REASON_NOT_OWNER: _ClassVar[CommandRejectReason]
    COMMAND_REJECT_REASON_INVALID_PRICE: _ClassVar[CommandRejectReason]
    COMMAND_REJECT_REASON_INVALID_QUANTITY: _ClassVar[CommandRejectReason]
    COMMAND_REJECT_REASON_POST_ONLY_WOULD_TAKE: _ClassVar[CommandRejectReason]
    COMMAND_REJECT_REASON_NO_CHANGE: _ClassVar[CommandRejectReason]

class BookHashAlgorithm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOOK_HASH_ALGORITHM_UNSPECIFIED: _ClassVar[BookHashAlgorithm]
    BOOK_HASH_ALGORITHM_SHA256_V1: _ClassVar[BookHashAlgorithm]
COMMAND_TYPE_UNSPECIFIED: CommandType
COMMAND_TYPE_NEW_ORDER: CommandType
COMMAND_TYPE_CANCEL_ORDER: CommandType
COMMAND_TYPE_AMEND_ORDER: CommandType
COMMAND_TYPE_CANCEL_ALL_ORDERS: CommandType
COMMAND_REJECT_REASON_UNSPECIFIED: CommandRejectReason
COMMAND_REJECT_REASON_UNKNOWN_ORDER: CommandRejectReason
COMMAND_REJECT_REASON_NOT_OWNER: CommandRejectReason
COMMAND_REJECT_REASON_INVALID_PRICE: CommandRejectReason
COMMAND_REJECT_REASON_INVALID_QUANTITY: CommandRejectReason
COMMAND_REJECT_REASON_POST_ONLY_WOULD_TAKE: CommandRejectReason
COMMAND_REJECT_REASON_NO_CHANGE: CommandRejectReason
BOOK_HASH_ALGORITHM_UNSPECIFIED: BookHashAlgorithm
BOOK_HASH_ALGORITHM_SHA256_V1: BookHashAlgorithm

class OrderCommand(_message.Message):
    __slots__ = ("command_id", "symbol", "issued_at_unix_ms", "new_order", "cancel_order", "amend_order", "cancel_all_orders")
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    NEW_ORDER_FIELD_NUMBER: _ClassVar[int]
    CANCEL_ORDER_FIELD_NUMBER: _ClassVar[int]
    AMEND_ORDER_FIELD_NUMBER: _ClassVar[int]
    CANCEL_ALL_ORDERS_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    symbol: str
    issued_at_unix_ms: int
    new_order: NewOrder
    cancel_order: CancelOrder
    amend_order: AmendOrder
    cancel_all_orders: CancelAllOrders
    def __init__(self, command_id: _Optional[str] = ..., symbol: _Optional[str] = ..., issued_at_unix_ms: _Optional[int] = ..., new_order: _Optional[_Union[NewOrder, _Mapping]] = ..., cancel_order: _Optional[_Union[CancelOrder, _Mapping]] = ..., amend_order: _Optional[_Union[AmendOrder, _Mapping]] = ..., cancel_all_orders: _Optional[_Union[CancelAllOrders, _Mapping]] = ...) -> None: ...

class NewOrder(_message.Message):
    __slots__ = ("order_id", "user_id", "side", "order_type", "time_in_force", "price", "quantity", "tick_size", "lot_size", "leverage", "reduce_only", "self_trade_prevention", "is_liquidation", "liquidation_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TICK_SIZE_FIELD_NUMBER: _ClassVar[int]
    LOT_SIZE_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    SELF_TRADE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    IS_LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    side: _trading_pb2.Side
    order_type: _trading_pb2.OrderType
    time_in_force: _trading_pb2.TimeInForce
    price: str
    quantity: str
    tick_size: str
    lot_size: str
    leverage: str
    reduce_only: bool
    self_trade_prevention: _orders_pb2.SelfTradePrevention
    is_liquidation: bool
    liquidation_id: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., order_type: _Optional[_Union[_trading_pb2.OrderType, str]] = ..., time_in_force: _Optional[_Union[_trading_pb2.TimeInForce, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., tick_size: _Optional[str] = ..., lot_size: _Optional[str] = ..., leverage: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., self_trade_prevention: _Optional[_Union[_orders_pb2.SelfTradePrevention, str]] = ..., is_liquidation: _Optional[bool] = ..., liquidation_id: _Optional[str] = ...) -> None: ...

class CancelOrder(_message.Message):
    __slots__ = ("order_id", "user_id", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    reason: _orders_pb2.OrderCancelReason
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[_Union[_orders_pb2.OrderCancelReason, str]] = ...) -> None: ...

class AmendOrder(_message.Message):
    __slots__ = ("order_id", "user_id", "price", "quantity")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    price: str
    quantity: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ...) -> None: ...

class CancelAllOrders(_message.Message):
    __slots__ = ("user_id", "reason")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    reason: _orders_pb2.OrderCancelReason
    def __init__(self, user_id: _Optional[str] = ..., reason: _Optional[_Union[_orders_pb2.OrderCancelReason, str]] = ...) -> None: ...

class EngineEvent(_message.Message):
    __slots__ = ("event_id", "symbol", "engine_seq", "command_id", "input_partition", "input_offset", "occurred_at_unix_ms", "last_in_command", "order_accepted", "order_rejected", "trade_executed", "order_cancelled", "order_amended", "order_expired", "book_delta", "command_rejected")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    INPUT_PARTITION_FIELD_NUMBER: _ClassVar[int]
    INPUT_OFFSET_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_IN_COMMAND_FIELD_NUMBER: _ClassVar[int]
    ORDER_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ORDER_REJECTED_FIELD_NUMBER: _ClassVar[int]
    TRADE_EXECUTED_FIELD_NUMBER: _ClassVar[int]
    ORDER_CANCELLED_FIELD_NUMBER: _ClassVar[int]
    ORDER_AMENDED_FIELD_NUMBER: _ClassVar[int]
    ORDER_EXPIRED_FIELD_NUMBER: _ClassVar[int]
    BOOK_DELTA_FIELD_NUMBER: _ClassVar[int]
    COMMAND_REJECTED_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    symbol: str
    engine_seq: int
    command_id: str
    input_partition: int
    input_offset: int
    occurred_at_unix_ms: int
    last_in_command: bool
    order_accepted: OrderAccepted
    order_rejected: OrderRejected
    trade_executed: TradeExecuted
    order_cancelled: OrderCancelled
    order_amended: OrderAmended
    order_expired: OrderExpired
    book_delta: BookDelta
    command_rejected: CommandRejected
    def __init__(self, event_id: _Optional[str] = ..., symbol: _Optional[str] = ..., engine_seq: _Optional[int] = ..., command_id: _Optional[str] = ..., input_partition: _Optional[int] = ..., input_offset: _Optional[int] = ..., occurred_at_unix_ms: _Optional[int] = ..., last_in_command: _Optional[bool] = ..., order_accepted: _Optional[_Union[OrderAccepted, _Mapping]] = ..., order_rejected: _Optional[_Union[OrderRejected, _Mapping]] = ..., trade_executed: _Optional[_Union[TradeExecuted, _Mapping]] = ..., order_cancelled: _Optional[_Union[OrderCancelled, _Mapping]] = ..., order_amended: _Optional[_Union[OrderAmended, _Mapping]] = ..., order_expired: _Optional[_Union[OrderExpired, _Mapping]] = ..., book_delta: _Optional[_Union[BookDelta, _Mapping]] = ..., command_rejected: _Optional[_Union[CommandRejected, _Mapping]] = ...) -> None: ...

class OrderAccepted(_message.Message):
    __slots__ = ("order_id", "user_id", "side", "order_type", "time_in_force", "price", "quantity", "leverage", "reduce_only", "is_liquidation", "liquidation_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    IS_LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    side: _trading_pb2.Side
    order_type: _trading_pb2.OrderType
    time_in_force: _trading_pb2.TimeInForce
    price: str
    quantity: str
    leverage: str
    reduce_only: bool
    is_liquidation: bool
    liquidation_id: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., order_type: _Optional[_Union[_trading_pb2.OrderType, str]] = ..., time_in_force: _Optional[_Union[_trading_pb2.TimeInForce, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., leverage: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., is_liquidation: _Optional[bool] = ..., liquidation_id: _Optional[str] = ...) -> None: ...

class OrderRejected(_message.Message):
    __slots__ = ("order_id", "user_id", "reason", "message")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    reason: _orders_pb2.OrderRejectReason
    message: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[_Union[_orders_pb2.OrderRejectReason, str]] = ..., message: _Optional[str] = ...) -> None: ...

class TradeExecuted(_message.Message):
    __slots__ = ("trade_id", "price", "quantity", "taker_side", "maker_order_id", "maker_user_id", "taker_order_id", "taker_user_id", "maker_remaining_quantity", "taker_remaining_quantity", "maker_leverage", "taker_leverage", "maker_reduce_only", "taker_reduce_only", "taker_is_liquidation", "liquidation_id")
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TAKER_SIDE_FIELD_NUMBER: _ClassVar[int]
    MAKER_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MAKER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TAKER_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TAKER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    MAKER_REMAINING_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TAKER_REMAINING_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    MAKER_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    TAKER_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MAKER_REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    TAKER_REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    TAKER_IS_LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    trade_id: str
    price: str
    quantity: str
    taker_side: _trading_pb2.Side
    maker_order_id: str
    maker_user_id: str
    taker_order_id: str
    taker_user_id: str
    maker_remaining_quantity: str
    taker_remaining_quantity: str
    maker_leverage: str
    taker_leverage: str
    maker_reduce_only: bool
    taker_reduce_only: bool
    taker_is_liquidation: bool
    liquidation_id: str
    def __init__(self, trade_id: _Optional[str] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., taker_side: _Optional[_Union[_trading_pb2.Side, str]] = ..., maker_order_id: _Optional[str] = ..., maker_user_id: _Optional[str] = ..., taker_order_id: _Optional[str] = ..., taker_user_id: _Optional[str] = ..., maker_remaining_quantity: _Optional[str] = ..., taker_remaining_quantity: _Optional[str] = ..., maker_leverage: _Optional[str] = ..., taker_leverage: _Optional[str] = ..., maker_reduce_only: _Optional[bool] = ..., taker_reduce_only: _Optional[bool] = ..., taker_is_liquidation: _Optional[bool] = ..., liquidation_id: _Optional[str] = ...) -> None: ...

class OrderCancelled(_message.Message):
    __slots__ = ("order_id", "user_id", "reason", "cancelled_quantity", "filled_quantity")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    reason: _orders_pb2.OrderCancelReason
    cancelled_quantity: str
    filled_quantity: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[_Union[_orders_pb2.OrderCancelReason, str]] = ..., cancelled_quantity: _Optional[str] = ..., filled_quantity: _Optional[str] = ...) -> None: ...

class OrderAmended(_message.Message):
    __slots__ = ("order_id", "user_id", "old_price", "old_quantity", "price", "quantity", "remaining_quantity", "priority_kept")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    OLD_PRICE_FIELD_NUMBER: _ClassVar[int]
    OLD_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REMAINING_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_KEPT_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    old_price: str
    old_quantity: str
    price: str
    quantity: str
    remaining_quantity: str
    priority_kept: bool
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., old_price: _Optional[str] = ..., old_quantity: _Optional[str] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., remaining_quantity: _Optional[str] = ..., priority_kept: _Optional[bool] = ...) -> None: ...

class OrderExpired(_message.Message):
    __slots__ = ("order_id", "user_id", "reason", "expired_quantity", "filled_quantity")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    reason: _orders_pb2.OrderExpireReason
    expired_quantity: str
    filled_quantity: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[_Union[_orders_pb2.OrderExpireReason, str]] = ..., expired_quantity: _Optional[str] = ..., filled_quantity: _Optional[str] = ...) -> None: ...

class BookDelta(_message.Message):
    __slots__ = ("side", "price", "quantity", "order_count")
    SIDE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    side: _trading_pb2.Side
    price: str
    quantity: str
    order_count: int
    def __init__(self, side: _Optional[_Union[_trading_pb2.Side, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., order_count: _Optional[int] = ...) -> None: ...

class CommandRejected(_message.Message):
    __slots__ = ("command_type", "order_id", "user_id", "reason", "message")
    COMMAND_TYPE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    command_type: CommandType
    order_id: str
    user_id: str
    reason: CommandRejectReason
    message: str
    def __init__(self, command_type: _Optional[_Union[CommandType, str]] = ..., order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[_Union[CommandRejectReason, str]] = ..., message: _Optional[str] = ...) -> None: ...

class EngineConfig(_message.Message):
    __slots__ = ("default_self_trade_prevention", "market_band_ticks", "market_band_bps", "dedup_window")
    DEFAULT_SELF_TRADE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    MARKET_BAND_TICKS_FIELD_NUMBER: _ClassVar[int]
    MARKET_BAND_BPS_FIELD_NUMBER: _ClassVar[int]
    DEDUP_WINDOW_FIELD_NUMBER: _ClassVar[int]
    default_self_trade_prevention: _orders_pb2.SelfTradePrevention
    market_band_ticks: int
    market_band_bps: int
    dedup_window: int
    def __init__(self, default_self_trade_prevention: _Optional[_Union[_orders_pb2.SelfTradePrevention, str]] = ..., market_band_ticks: _Optional[int] = ..., market_band_bps: _Optional[int] = ..., dedup_window: _Optional[int] = ...) -> None: ...

class RestingOrder(_message.Message):
    __slots__ = ("order_id", "user_id", "side", "price", "quantity", "price_ticks", "quantity_lots", "original_quantity", "filled_quantity", "time_in_force", "leverage", "reduce_only", "self_trade_prevention", "priority_seq")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_TICKS_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_LOTS_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    SELF_TRADE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_SEQ_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    side: _trading_pb2.Side
    price: str
    quantity: str
    price_ticks: int
    quantity_lots: int
    original_quantity: str
    filled_quantity: str
    time_in_force: _trading_pb2.TimeInForce
    leverage: str
    reduce_only: bool
    self_trade_prevention: _orders_pb2.SelfTradePrevention
    priority_seq: int
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., price_ticks: _Optional[int] = ..., quantity_lots: _Optional[int] = ..., original_quantity: _Optional[str] = ..., filled_quantity: _Optional[str] = ..., time_in_force: _Optional[_Union[_trading_pb2.TimeInForce, str]] = ..., leverage: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., self_trade_prevention: _Optional[_Union[_orders_pb2.SelfTradePrevention, str]] = ..., priority_seq: _Optional[int] = ...) -> None: ...

class BookSnapshot(_message.Message):
    __slots__ = ("symbol", "engine_seq", "input_partition", "input_offset", "tick_size", "lot_size", "bids", "asks", "processed_command_ids", "recent_order_ids", "taken_at_unix_ms", "book_hash", "config")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    INPUT_PARTITION_FIELD_NUMBER: _ClassVar[int]
    INPUT_OFFSET_FIELD_NUMBER: _ClassVar[int]
    TICK_SIZE_FIELD_NUMBER: _ClassVar[int]
    LOT_SIZE_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    ASKS_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_COMMAND_IDS_FIELD_NUMBER: _ClassVar[int]
    RECENT_ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    TAKEN_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    BOOK_HASH_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    engine_seq: int
    input_partition: int
    input_offset: int
    tick_size: str
    lot_size: str
    bids: _containers.RepeatedCompositeFieldContainer[RestingOrder]
    asks: _containers.RepeatedCompositeFieldContainer[RestingOrder]
    processed_command_ids: _containers.RepeatedScalarFieldContainer[str]
    recent_order_ids: _containers.RepeatedScalarFieldContainer[str]
    taken_at_unix_ms: int
    book_hash: str
    config: EngineConfig
    def __init__(self, symbol: _Optional[str] = ..., engine_seq: _Optional[int] = ..., input_partition: _Optional[int] = ..., input_offset: _Optional[int] = ..., tick_size: _Optional[str] = ..., lot_size: _Optional[str] = ..., bids: _Optional[_Iterable[_Union[RestingOrder, _Mapping]]] = ..., asks: _Optional[_Iterable[_Union[RestingOrder, _Mapping]]] = ..., processed_command_ids: _Optional[_Iterable[str]] = ..., recent_order_ids: _Optional[_Iterable[str]] = ..., taken_at_unix_ms: _Optional[int] = ..., book_hash: _Optional[str] = ..., config: _Optional[_Union[EngineConfig, _Mapping]] = ...) -> None: ...

class BookHash(_message.Message):
    __slots__ = ("symbol", "engine_seq", "input_partition", "input_offset", "algorithm", "hash", "order_count", "taken_at_unix_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    INPUT_PARTITION_FIELD_NUMBER: _ClassVar[int]
    INPUT_OFFSET_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    TAKEN_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    engine_seq: int
    input_partition: int
    input_offset: int
    algorithm: BookHashAlgorithm
    hash: str
    order_count: int
    taken_at_unix_ms: int
    def __init__(self, symbol: _Optional[str] = ..., engine_seq: _Optional[int] = ..., input_partition: _Optional[int] = ..., input_offset: _Optional[int] = ..., algorithm: _Optional[_Union[BookHashAlgorithm, str]] = ..., hash: _Optional[str] = ..., order_count: _Optional[int] = ..., taken_at_unix_ms: _Optional[int] = ...) -> None: ...
