from tradex.common.v1 import positions_pb2 as _positions_pb2
from tradex.funding.v1 import funding_pb2 as _funding_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FundingApplied(_message.Message):
    __slots__ = ("funding_id", "cycle_id", "cycle_ts_unix_ms", "user_id", "symbol", "asset", "rate", "mark_price", "side", "size", "amount")
    FUNDING_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_TS_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    funding_id: str
    cycle_id: str
    cycle_ts_unix_ms: int
    user_id: str
    symbol: str
    asset: str
    rate: str
    mark_price: str
    side: _positions_pb2.PositionSide
    size: str
    amount: str
    def __init__(self, funding_id: _Optional[str] = ..., cycle_id: _Optional[str] = ..., cycle_ts_unix_ms: _Optional[int] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class FundingPaymentSettled(_message.Message):
    __slots__ = ("settlement",)
    SETTLEMENT_FIELD_NUMBER: _ClassVar[int]
    settlement: _funding_pb2.FundingSettlement
    def __init__(self, settlement: _Optional[_Union[_funding_pb2.FundingSettlement, _Mapping]] = ...) -> None: ...
