from tradex.marketdata.v1 import marketdata_pb2 as _marketdata_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TradeRecorded(_message.Message):
    __slots__ = ("trade",)
    TRADE_FIELD_NUMBER: _ClassVar[int]
    trade: _marketdata_pb2.Trade
    def __init__(self, trade: _Optional[_Union[_marketdata_pb2.Trade, _Mapping]] = ...) -> None: ...

class OrderBookUpdated(_message.Message):
    __slots__ = ("delta",)
    DELTA_FIELD_NUMBER: _ClassVar[int]
    delta: _marketdata_pb2.OrderBookDelta
    def __init__(self, delta: _Optional[_Union[_marketdata_pb2.OrderBookDelta, _Mapping]] = ...) -> None: ...

class IndexPriceUpdated(_message.Message):
    __slots__ = ("index_price",)
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    index_price: _marketdata_pb2.IndexPrice
    def __init__(self, index_price: _Optional[_Union[_marketdata_pb2.IndexPrice, _Mapping]] = ...) -> None: ...

class MarkPriceUpdated(_message.Message):
    __slots__ = ("mark_price",)
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    mark_price: _marketdata_pb2.MarkPrice
    def __init__(self, mark_price: _Optional[_Union[_marketdata_pb2.MarkPrice, _Mapping]] = ...) -> None: ...

class FundingRateUpdated(_message.Message):
    __slots__ = ("funding_rate",)
    FUNDING_RATE_FIELD_NUMBER: _ClassVar[int]
    funding_rate: _marketdata_pb2.FundingRateEstimate
    def __init__(self, funding_rate: _Optional[_Union[_marketdata_pb2.FundingRateEstimate, _Mapping]] = ...) -> None: ...
