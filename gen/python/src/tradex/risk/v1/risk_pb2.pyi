from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.common.v1 import positions_pb2 as _positions_pb2
from tradex.common.v1 import trading_pb2 as _trading_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PreTradeDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRE_TRADE_DECISION_UNSPECIFIED: _ClassVar[PreTradeDecision]
    PRE_TRADE_DECISION_APPROVED: _ClassVar[PreTradeDecision]
    PRE_TRADE_DECISION_REJECTED: _ClassVar[PreTradeDecision]

class RejectReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REJECT_REASON_UNSPECIFIED: _ClassVar[RejectReason]
    REJECT_REASON_LEVERAGE_ABOVE_INSTRUMENT_MAX: _ClassVar[RejectReason]
    REJECT_REASON_LEVERAGE_ABOVE_TIER_MAX: _ClassVar[RejectReason]
    REJECT_REASON_INSUFFICIENT_MARGIN: _ClassVar[RejectReason]
    REJECT_REASON_POSITION_LIMIT_EXCEEDED: _ClassVar[RejectReason]
    REJECT_REASON_EXPOSURE_LIMIT_EXCEEDED: _ClassVar[RejectReason]
    REJECT_REASON_PRICE_OUTSIDE_BAND: _ClassVar[RejectReason]
    REJECT_REASON_ACCOUNT_SUSPENDED: _ClassVar[RejectReason]
    REJECT_REASON_KYC_TIER_LIMIT: _ClassVar[RejectReason]
    REJECT_REASON_INSTRUMENT_NOT_ACTIVE: _ClassVar[RejectReason]
    REJECT_REASON_REDUCE_ONLY_WOULD_INCREASE: _ClassVar[RejectReason]
    REJECT_REASON_NO_REFERENCE_PRICE: _ClassVar[RejectReason]
    REJECT_REASON_UNKNOWN_ACCOUNT: _ClassVar[RejectReason]
PRE_TRADE_DECISION_UNSPECIFIED: PreTradeDecision
PRE_TRADE_DECISION_APPROVED: PreTradeDecision
PRE_TRADE_DECISION_REJECTED: PreTradeDecision
REJECT_REASON_UNSPECIFIED: RejectReason
REJECT_REASON_LEVERAGE_ABOVE_INSTRUMENT_MAX: RejectReason
REJECT_REASON_LEVERAGE_ABOVE_TIER_MAX: RejectReason
REJECT_REASON_INSUFFICIENT_MARGIN: RejectReason
REJECT_REASON_POSITION_LIMIT_EXCEEDED: RejectReason
REJECT_REASON_EXPOSURE_LIMIT_EXCEEDED: RejectReason
REJECT_REASON_PRICE_OUTSIDE_BAND: RejectReason
REJECT_REASON_ACCOUNT_SUSPENDED: RejectReason
REJECT_REASON_KYC_TIER_LIMIT: RejectReason
REJECT_REASON_INSTRUMENT_NOT_ACTIVE: RejectReason
REJECT_REASON_REDUCE_ONLY_WOULD_INCREASE: RejectReason
REJECT_REASON_NO_REFERENCE_PRICE: RejectReason
REJECT_REASON_UNKNOWN_ACCOUNT: RejectReason

class SetLeverageRequest(_message.Message):
    __slots__ = ("symbol", "leverage")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    leverage: str
    def __init__(self, symbol: _Optional[str] = ..., leverage: _Optional[str] = ...) -> None: ...

class SetLeverageResponse(_message.Message):
    __slots__ = ("symbol", "leverage", "updated_at_unix_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    leverage: str
    updated_at_unix_ms: int
    def __init__(self, symbol: _Optional[str] = ..., leverage: _Optional[str] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class PreTradeCheckRequest(_message.Message):
    __slots__ = ("order_id", "user_id", "symbol", "side", "order_type", "price", "quantity", "leverage", "reduce_only")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ORDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    symbol: str
    side: _trading_pb2.Side
    order_type: _trading_pb2.OrderType
    price: str
    quantity: str
    leverage: str
    reduce_only: bool
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[_trading_pb2.Side, str]] = ..., order_type: _Optional[_Union[_trading_pb2.OrderType, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., leverage: _Optional[str] = ..., reduce_only: _Optional[bool] = ...) -> None: ...

class PreTradeCheckResponse(_message.Message):
    __slots__ = ("decision", "reject_reason", "message", "asset", "initial_margin", "fee_reserve", "lock_amount", "reference_price", "protection_price", "leverage")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    INITIAL_MARGIN_FIELD_NUMBER: _ClassVar[int]
    FEE_RESERVE_FIELD_NUMBER: _ClassVar[int]
    LOCK_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_PRICE_FIELD_NUMBER: _ClassVar[int]
    PROTECTION_PRICE_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    decision: PreTradeDecision
    reject_reason: RejectReason
    message: str
    asset: str
    initial_margin: str
    fee_reserve: str
    lock_amount: str
    reference_price: str
    protection_price: str
    leverage: str
    def __init__(self, decision: _Optional[_Union[PreTradeDecision, str]] = ..., reject_reason: _Optional[_Union[RejectReason, str]] = ..., message: _Optional[str] = ..., asset: _Optional[str] = ..., initial_margin: _Optional[str] = ..., fee_reserve: _Optional[str] = ..., lock_amount: _Optional[str] = ..., reference_price: _Optional[str] = ..., protection_price: _Optional[str] = ..., leverage: _Optional[str] = ...) -> None: ...

class PositionRisk(_message.Message):
    __slots__ = ("symbol", "side", "size", "entry_price", "mark_price", "notional", "unrealized_pnl", "maintenance_margin", "estimated_liquidation_price")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_LIQUIDATION_PRICE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    side: _positions_pb2.PositionSide
    size: str
    entry_price: str
    mark_price: str
    notional: str
    unrealized_pnl: str
    maintenance_margin: str
    estimated_liquidation_price: str
    def __init__(self, symbol: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., notional: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., maintenance_margin: _Optional[str] = ..., estimated_liquidation_price: _Optional[str] = ...) -> None: ...

class AccountRisk(_message.Message):
    __slots__ = ("asset", "wallet_balance", "unrealized_pnl", "equity", "order_margin", "position_margin", "maintenance_margin", "margin_ratio", "available_margin", "positions", "as_of_unix_ms")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    WALLET_BALANCE_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    ORDER_MARGIN_FIELD_NUMBER: _ClassVar[int]
    POSITION_MARGIN_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    MARGIN_RATIO_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    asset: str
    wallet_balance: str
    unrealized_pnl: str
    equity: str
    order_margin: str
    position_margin: str
    maintenance_margin: str
    margin_ratio: str
    available_margin: str
    positions: _containers.RepeatedCompositeFieldContainer[PositionRisk]
    as_of_unix_ms: int
    def __init__(self, asset: _Optional[str] = ..., wallet_balance: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., equity: _Optional[str] = ..., order_margin: _Optional[str] = ..., position_margin: _Optional[str] = ..., maintenance_margin: _Optional[str] = ..., margin_ratio: _Optional[str] = ..., available_margin: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[PositionRisk, _Mapping]]] = ..., as_of_unix_ms: _Optional[int] = ...) -> None: ...

class GetAccountRiskRequest(_message.Message):
    __slots__ = ("asset",)
    ASSET_FIELD_NUMBER: _ClassVar[int]
    asset: str
    def __init__(self, asset: _Optional[str] = ...) -> None: ...

class GetAccountRiskResponse(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[AccountRisk]
    def __init__(self, accounts: _Optional[_Iterable[_Union[AccountRisk, _Mapping]]] = ...) -> None: ...
