from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class OrderRejectReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_REJECT_REASON_UNSPECIFIED: _ClassVar[OrderRejectReason]
    ORDER_REJECT_REASON_DUPLICATE_ORDER_ID: _ClassVar[OrderRejectReason]
    ORDER_REJECT_REASON_POST_ONLY_WOULD_TAKE: _ClassVar[OrderRejectReason]
    ORDER_REJECT_REASON_INVALID_PRICE: _ClassVar[OrderRejectReason]
    ORDER_REJECT_REASON_INVALID_QUANTITY: _ClassVar[OrderRejectReason]
    ORDER_REJECT_REASON_INSTRUMENT_MISMATCH: _ClassVar[OrderRejectReason]

class OrderCancelReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_CANCEL_REASON_UNSPECIFIED: _ClassVar[OrderCancelReason]
    ORDER_CANCEL_REASON_USER_REQUESTED: _ClassVar[OrderCancelReason]
    ORDER_CANCEL_REASON_CANCEL_ALL: _ClassVar[OrderCancelReason]
    ORDER_CANCEL_REASON_SELF_TRADE_PREVENTION: _ClassVar[OrderCancelReason]
    ORDER_CANCEL_REASON_REDUCE_ONLY_INVALIDATED: _ClassVar[OrderCancelReason]
    ORDER_CANCEL_REASON_LIQUIDATION: _ClassVar[OrderCancelReason]
    ORDER_CANCEL_REASON_ACCOUNT_SUSPENDED: _ClassVar[OrderCancelReason]

class OrderExpireReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_EXPIRE_REASON_UNSPECIFIED: _ClassVar[OrderExpireReason]
    ORDER_EXPIRE_REASON_IOC_REMAINDER: _ClassVar[OrderExpireReason]
    ORDER_EXPIRE_REASON_FOK_NOT_FILLABLE: _ClassVar[OrderExpireReason]

class SelfTradePrevention(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SELF_TRADE_PREVENTION_UNSPECIFIED: _ClassVar[SelfTradePrevention]
    SELF_TRADE_PREVENTION_CANCEL_MAKER: _ClassVar[SelfTradePrevention]
    SELF_TRADE_PREVENTION_CANCEL_TAKER: _ClassVar[SelfTradePrevention]
    SELF_TRADE_PREVENTION_CANCEL_BOTH: _ClassVar[SelfTradePrevention]
ORDER_REJECT_REASON_UNSPECIFIED: OrderRejectReason
ORDER_REJECT_REASON_DUPLICATE_ORDER_ID: OrderRejectReason
ORDER_REJECT_REASON_POST_ONLY_WOULD_TAKE: OrderRejectReason
ORDER_REJECT_REASON_INVALID_PRICE: OrderRejectReason
ORDER_REJECT_REASON_INVALID_QUANTITY: OrderRejectReason
ORDER_REJECT_REASON_INSTRUMENT_MISMATCH: OrderRejectReason
ORDER_CANCEL_REASON_UNSPECIFIED: OrderCancelReason
ORDER_CANCEL_REASON_USER_REQUESTED: OrderCancelReason
ORDER_CANCEL_REASON_CANCEL_ALL: OrderCancelReason
ORDER_CANCEL_REASON_SELF_TRADE_PREVENTION: OrderCancelReason
ORDER_CANCEL_REASON_REDUCE_ONLY_INVALIDATED: OrderCancelReason
ORDER_CANCEL_REASON_LIQUIDATION: OrderCancelReason
ORDER_CANCEL_REASON_ACCOUNT_SUSPENDED: OrderCancelReason
ORDER_EXPIRE_REASON_UNSPECIFIED: OrderExpireReason
ORDER_EXPIRE_REASON_IOC_REMAINDER: OrderExpireReason
ORDER_EXPIRE_REASON_FOK_NOT_FILLABLE: OrderExpireReason
SELF_TRADE_PREVENTION_UNSPECIFIED: SelfTradePrevention
SELF_TRADE_PREVENTION_CANCEL_MAKER: SelfTradePrevention
SELF_TRADE_PREVENTION_CANCEL_TAKER: SelfTradePrevention
SELF_TRADE_PREVENTION_CANCEL_BOTH: SelfTradePrevention
