from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.common.v1 import orders_pb2 as _orders_pb2
from tradex.common.v1 import trading_pb2 as _trading_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATUS_UNSPECIFIED: _ClassVar[OrderStatus]
    ORDER_STATUS_NEW: _ClassVar[OrderStatus]
    ORDER_STATUS_PARTIALLY_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_FILLED: _ClassVar[OrderStatus]
    ORDER_STATUS_CANCELLED: _ClassVar[OrderStatus]
    ORDER_STATUS_REJECTED: _ClassVar[OrderStatus]
    ORDER_STATUS_EXPIRED: _ClassVar[OrderStatus]

class OrderStateFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATE_FILTER_UNSPECIFIED: _ClassVar[OrderStateFilter]
    ORDER_STATE_FILTER_OPEN: _ClassVar[OrderStateFilter]
    ORDER_STATE_FILTER_CLOSED: _ClassVar[OrderStateFilter]
ORDER_STATUS_UNSPECIFIED: OrderStatus
ORDER_STATUS_NEW: OrderStatus
ORDER_STATUS_PARTIALLY_FILLED: OrderStatus
ORDER_STATUS_FILLED: OrderStatus
ORDER_STATUS_CANCELLED: OrderStatus
ORDER_STATUS_REJECTED: OrderStatus
ORDER_STATUS_EXPIRED: OrderStatus
ORDER_STATE_FILTER_UNSPECIFIED: OrderStateFilter
ORDER_STATE_FILTER_OPEN: OrderStateFilter
ORDER_STATE_FILTER_CLOSED: OrderStateFilter

class Order(_message.Message):
    __slots__ = ("order_id", "client_order_id", "user_id", "symbol", "side", "order_type", "time_in_force", "price", "quantity", "filled_quantity", "remaining_quantity", "average_fill_price", "leverage", "reduce_only", "self_trade_prevention", "status", "reject_reason", "cancel_reason", "expire_reason", "status_message", "margin_asset", "margin_locked", "fees", "is_liquidation", "liquidation_id", "created_at_unix_ms", "updated_at_unix_ms", "accepted_at_unix_ms", "cancel_requested_at_unix_ms", "amend_requested_at_unix_ms", "closed_at_unix_ms", "version")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REMAINING_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FILL_PRICE_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    SELF_TRADE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_ASSET_FIELD_NUMBER: _ClassVar[int]
    MARGIN_LOCKED_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    IS_LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REQUESTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    AMEND_REQUESTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    client_order_id: str
    user_id: str
    symbol: str
    side: _trading_pb2.Side
    order_type: _trading_pb2.OrderType
    time_in_force: _trading_pb2.TimeInForce
    price: str
    quantity: str
    filled_quantity: str
    remaining_quantity: str
    average_fill_price: str
    leverage: str
    reduce_only: bool
    self_trade_prevention: _orders_pb2.SelfTradePrevention
    status: OrderStatus
    reject_reason: _orders_pb2.OrderRejectReason
    cancel_reason: _orders_pb2.OrderCancelReason
    expire_reason: _orders_pb2.OrderExpireReason
    status_message: str
    margin_asset: str
    margin_locked: str
    fees: str
    is_liquidation: bool
    liquidation_id: str
    created_at_unix_ms: int
    updated_at_unix_ms: int
    accepted_at_unix_ms: int
    cancel_requested_at_unix_ms: int
    amend_requested_at_unix_ms: int
    closed_at_unix_ms: int
    version: int
    def __init__(self, order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., order_type: _Optional[_Union[_trading_pb2.OrderType, str]] = ..., time_in_force: _Optional[_Union[_trading_pb2.TimeInForce, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., filled_quantity: _Optional[str] = ..., remaining_quantity: _Optional[str] = ..., average_fill_price: _Optional[str] = ..., leverage: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., self_trade_prevention: _Optional[_Union[_orders_pb2.SelfTradePrevention, str]] = ..., status: _Optional[_Union[OrderStatus, str]] = ..., reject_reason: _Optional[_Union[_orders_pb2.OrderRejectReason, str]] = ..., cancel_reason: _Optional[_Union[_orders_pb2.OrderCancelReason, str]] = ..., expire_reason: _Optional[_Union[_orders_pb2.OrderExpireReason, str]] = ..., status_message: _Optional[str] = ..., margin_asset: _Optional[str] = ..., margin_locked: _Optional[str] = ..., fees: _Optional[str] = ..., is_liquidation: _Optional[bool] = ..., liquidation_id: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ..., accepted_at_unix_ms: _Optional[int] = ..., cancel_requested_at_unix_ms: _Optional[int] = ..., amend_requested_at_unix_ms: _Optional[int] = ..., closed_at_unix_ms: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...

class Fill(_message.Message):
    __slots__ = ("trade_id", "order_id", "client_order_id", "user_id", "symbol", "side", "price", "quantity", "fee", "fee_asset", "liquidity_role", "margin", "is_liquidation", "executed_at_unix_ms")
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    FEE_ASSET_FIELD_NUMBER: _ClassVar[int]
    LIQUIDITY_ROLE_FIELD_NUMBER: _ClassVar[int]
    MARGIN_FIELD_NUMBER: _ClassVar[int]
    IS_LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    EXECUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    trade_id: str
    order_id: str
    client_order_id: str
    user_id: str
    symbol: str
    side: _trading_pb2.Side
    price: str
    quantity: str
    fee: str
    fee_asset: str
    liquidity_role: _trading_pb2.LiquidityRole
    margin: str
    is_liquidation: bool
    executed_at_unix_ms: int
    def __init__(self, trade_id: _Optional[str] = ..., order_id: _Optional[str] = ..., client_order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., fee: _Optional[str] = ..., fee_asset: _Optional[str] = ..., liquidity_role: _Optional[_Union[_trading_pb2.LiquidityRole, str]] = ..., margin: _Optional[str] = ..., is_liquidation: _Optional[bool] = ..., executed_at_unix_ms: _Optional[int] = ...) -> None: ...

class PlaceOrderRequest(_message.Message):
    __slots__ = ("symbol", "side", "order_type", "time_in_force", "price", "quantity", "client_order_id", "reduce_only", "leverage", "self_trade_prevention")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    SELF_TRADE_PREVENTION_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    side: _trading_pb2.Side
    order_type: _trading_pb2.OrderType
    time_in_force: _trading_pb2.TimeInForce
    price: str
    quantity: str
    client_order_id: str
    reduce_only: bool
    leverage: str
    self_trade_prevention: _orders_pb2.SelfTradePrevention
    def __init__(self, symbol: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., order_type: _Optional[_Union[_trading_pb2.OrderType, str]] = ..., time_in_force: _Optional[_Union[_trading_pb2.TimeInForce, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., client_order_id: _Optional[str] = ..., reduce_only: _Optional[bool] = ..., leverage: _Optional[str] = ..., self_trade_prevention: _Optional[_Union[_orders_pb2.SelfTradePrevention, str]] = ...) -> None: ...

class PlaceOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CancelOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class CancelOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CancelAllOrdersRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class CancelAllOrdersResponse(_message.Message):
    __slots__ = ("order_ids",)
    ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    order_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, order_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AmendOrderRequest(_message.Message):
    __slots__ = ("order_id", "price", "quantity")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    price: str
    quantity: str
    def __init__(self, order_id: _Optional[str] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ...) -> None: ...

class AmendOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("symbol", "state", "client_order_id", "start_unix_ms", "end_unix_ms", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    state: OrderStateFilter
    client_order_id: str
    start_unix_ms: int
    end_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., state: _Optional[_Union[OrderStateFilter, str]] = ..., client_order_id: _Optional[str] = ..., start_unix_ms: _Optional[int] = ..., end_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListFillsRequest(_message.Message):
    __slots__ = ("symbol", "order_id", "start_unix_ms", "end_unix_ms", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    order_id: str
    start_unix_ms: int
    end_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., order_id: _Optional[str] = ..., start_unix_ms: _Optional[int] = ..., end_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFillsResponse(_message.Message):
    __slots__ = ("fills", "next_page_token")
    FILLS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    fills: _containers.RepeatedCompositeFieldContainer[Fill]
    next_page_token: str
    def __init__(self, fills: _Optional[_Iterable[_Union[Fill, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class StreamOrderUpdatesRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamOrderUpdatesResponse(_message.Message):
    __slots__ = ("order", "fill")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    order: Order
    fill: Fill
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ..., fill: _Optional[_Union[Fill, _Mapping]] = ...) -> None: ...

class SubmitLiquidationOrderRequest(_message.Message):
    __slots__ = ("liquidation_id", "user_id", "symbol", "side", "quantity", "price")
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    liquidation_id: str
    user_id: str
    symbol: str
    side: _trading_pb2.Side
    quantity: str
    price: str
    def __init__(self, liquidation_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ...) -> None: ...

class SubmitLiquidationOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CancelUserOrdersRequest(_message.Message):
    __slots__ = ("user_id", "symbol", "reason")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    symbol: str
    reason: _orders_pb2.OrderCancelReason
    def __init__(self, user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., reason: _Optional[_Union[_orders_pb2.OrderCancelReason, str]] = ...) -> None: ...

class CancelUserOrdersResponse(_message.Message):
    __slots__ = ("order_ids",)
    ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    order_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, order_ids: _Optional[_Iterable[str]] = ...) -> None: ...
