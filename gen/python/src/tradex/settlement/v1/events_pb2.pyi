from tradex.common.v1 import positions_pb2 as _positions_pb2
from tradex.settlement.v1 import settlement_pb2 as _settlement_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SettlementCompleted(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: _settlement_pb2.SettlementRecord
    def __init__(self, record: _Optional[_Union[_settlement_pb2.SettlementRecord, _Mapping]] = ...) -> None: ...

class InsuranceFundUsed(_message.Message):
    __slots__ = ("record_id", "liquidation_id", "user_id", "symbol", "asset", "amount", "fund_balance_after", "used_at_unix_ms")
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FUND_BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    USED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    liquidation_id: str
    user_id: str
    symbol: str
    asset: str
    amount: str
    fund_balance_after: str
    used_at_unix_ms: int
    def __init__(self, record_id: _Optional[str] = ..., liquidation_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ..., fund_balance_after: _Optional[str] = ..., used_at_unix_ms: _Optional[int] = ...) -> None: ...

class AdlTarget(_message.Message):
    __slots__ = ("user_id", "position_side", "quantity", "rank")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    position_side: _positions_pb2.PositionSide
    quantity: str
    rank: int
    def __init__(self, user_id: _Optional[str] = ..., position_side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., quantity: _Optional[str] = ..., rank: _Optional[int] = ...) -> None: ...

class AdlTriggered(_message.Message):
    __slots__ = ("adl_id", "record_id", "liquidation_id", "symbol", "asset", "user_id", "position_side", "quantity", "price", "uncovered_shortfall", "targets", "triggered_at_unix_ms")
    ADL_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    UNCOVERED_SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    TRIGGERED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    adl_id: str
    record_id: str
    liquidation_id: str
    symbol: str
    asset: str
    user_id: str
    position_side: _positions_pb2.PositionSide
    quantity: str
    price: str
    uncovered_shortfall: str
    targets: _containers.RepeatedCompositeFieldContainer[AdlTarget]
    triggered_at_unix_ms: int
    def __init__(self, adl_id: _Optional[str] = ..., record_id: _Optional[str] = ..., liquidation_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., user_id: _Optional[str] = ..., position_side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., quantity: _Optional[str] = ..., price: _Optional[str] = ..., uncovered_shortfall: _Optional[str] = ..., targets: _Optional[_Iterable[_Union[AdlTarget, _Mapping]]] = ..., triggered_at_unix_ms: _Optional[int] = ...) -> None: ...
