from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InstrumentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUMENT_STATUS_UNSPECIFIED: _ClassVar[InstrumentStatus]
    INSTRUMENT_STATUS_PENDING: _ClassVar[InstrumentStatus]
    INSTRUMENT_STATUS_ACTIVE: _ClassVar[InstrumentStatus]
    INSTRUMENT_STATUS_REJECTED: _ClassVar[InstrumentStatus]
INSTRUMENT_STATUS_UNSPECIFIED: InstrumentStatus
INSTRUMENT_STATUS_PENDING: InstrumentStatus
INSTRUMENT_STATUS_ACTIVE: InstrumentStatus
INSTRUMENT_STATUS_REJECTED: InstrumentStatus

class IndexSource(_message.Message):
    __slots__ = ("exchange", "symbol", "weight")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    symbol: str
    weight: str
    def __init__(self, exchange: _Optional[str] = ..., symbol: _Optional[str] = ..., weight: _Optional[str] = ...) -> None: ...

class Instrument(_message.Message):
    __slots__ = ("symbol", "base_asset", "quote_asset", "status", "tick_size", "lot_size", "min_notional", "max_leverage", "maintenance_margin_rate", "maker_fee_rate", "taker_fee_rate", "price_band_rate", "max_order_quantity", "index_sources", "created_by", "created_at_unix_ms", "reviewed_by", "reviewed_at_unix_ms", "rejection_reason")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    BASE_ASSET_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ASSET_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TICK_SIZE_FIELD_NUMBER: _ClassVar[int]
    LOT_SIZE_FIELD_NUMBER: _ClassVar[int]
    MIN_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    MAX_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_RATE_FIELD_NUMBER: _ClassVar[int]
    MAKER_FEE_RATE_FIELD_NUMBER: _ClassVar[int]
    TAKER_FEE_RATE_FIELD_NUMBER: _ClassVar[int]
    PRICE_BAND_RATE_FIELD_NUMBER: _ClassVar[int]
    MAX_ORDER_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    INDEX_SOURCES_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_BY_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    REJECTION_REASON_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    base_asset: str
    quote_asset: str
    status: InstrumentStatus
    tick_size: str
    lot_size: str
    min_notional: str
    max_leverage: str
    maintenance_margin_rate: str
    maker_fee_rate: str
    taker_fee_rate: str
    price_band_rate: str
    max_order_quantity: str
    index_sources: _containers.RepeatedCompositeFieldContainer[IndexSource]
    created_by: str
    created_at_unix_ms: int
    reviewed_by: str
    reviewed_at_unix_ms: int
    rejection_reason: str
    def __init__(self, symbol: _Optional[str] = ..., base_asset: _Optional[str] = ..., quote_asset: _Optional[str] = ..., status: _Optional[_Union[InstrumentStatus, str]] = ..., tick_size: _Optional[str] = ..., lot_size: _Optional[str] = ..., min_notional: _Optional[str] = ..., max_leverage: _Optional[str] = ..., maintenance_margin_rate: _Optional[str] = ..., maker_fee_rate: _Optional[str] = ..., taker_fee_rate: _Optional[str] = ..., price_band_rate: _Optional[str] = ..., max_order_quantity: _Optional[str] = ..., index_sources: _Optional[_Iterable[_Union[IndexSource, _Mapping]]] = ..., created_by: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., reviewed_by: _Optional[str] = ..., reviewed_at_unix_ms: _Optional[int] = ..., rejection_reason: _Optional[str] = ...) -> None: ...

class CreateInstrumentRequest(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: Instrument
    def __init__(self, instrument: _Optional[_Union[Instrument, _Mapping]] = ...) -> None: ...

class CreateInstrumentResponse(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: Instrument
    def __init__(self, instrument: _Optional[_Union[Instrument, _Mapping]] = ...) -> None: ...

class ApproveInstrumentRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class ApproveInstrumentResponse(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: Instrument
    def __init__(self, instrument: _Optional[_Union[Instrument, _Mapping]] = ...) -> None: ...

class RejectInstrumentRequest(_message.Message):
    __slots__ = ("symbol", "reason")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    reason: str
    def __init__(self, symbol: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RejectInstrumentResponse(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: Instrument
    def __init__(self, instrument: _Optional[_Union[Instrument, _Mapping]] = ...) -> None: ...

class GetInstrumentRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetInstrumentResponse(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: Instrument
    def __init__(self, instrument: _Optional[_Union[Instrument, _Mapping]] = ...) -> None: ...

class ListInstrumentsRequest(_message.Message):
    __slots__ = ("status", "page_size", "page_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: InstrumentStatus
    page_size: int
    page_token: str
    def __init__(self, status: _Optional[_Union[InstrumentStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInstrumentsResponse(_message.Message):
    __slots__ = ("instruments", "next_page_token")
    INSTRUMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    instruments: _containers.RepeatedCompositeFieldContainer[Instrument]
    next_page_token: str
    def __init__(self, instruments: _Optional[_Iterable[_Union[Instrument, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
