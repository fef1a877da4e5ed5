from tradex.common.v1 import positions_pb2 as _positions_pb2
from tradex.position.v1 import position_pb2 as _position_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PositionChangeCause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POSITION_CHANGE_CAUSE_UNSPECIFIED: _ClassVar[PositionChangeCause]
    POSITION_CHANGE_CAUSE_TRADE: _ClassVar[PositionChangeCause]
    POSITION_CHANGE_CAUSE_FUNDING: _ClassVar[PositionChangeCause]
    POSITION_CHANGE_CAUSE_LIQUIDATION: _ClassVar[PositionChangeCause]
    POSITION_CHANGE_CAUSE_ADL: _ClassVar[PositionChangeCause]

class SettlementKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_KIND_UNSPECIFIED: _ClassVar[SettlementKind]
    SETTLEMENT_KIND_REALIZED_PNL: _ClassVar[SettlementKind]
    SETTLEMENT_KIND_FUNDING: _ClassVar[SettlementKind]
    SETTLEMENT_KIND_MARGIN_RELEASE: _ClassVar[SettlementKind]
    SETTLEMENT_KIND_TRADE: _ClassVar[SettlementKind]
POSITION_CHANGE_CAUSE_UNSPECIFIED: PositionChangeCause
POSITION_CHANGE_CAUSE_TRADE: PositionChangeCause
POSITION_CHANGE_CAUSE_FUNDING: PositionChangeCause
POSITION_CHANGE_CAUSE_LIQUIDATION: PositionChangeCause
POSITION_CHANGE_CAUSE_ADL: PositionChangeCause
SETTLEMENT_KIND_UNSPECIFIED: SettlementKind
SETTLEMENT_KIND_REALIZED_PNL: SettlementKind
SETTLEMENT_KIND_FUNDING: SettlementKind
SETTLEMENT_KIND_MARGIN_RELEASE: SettlementKind
SETTLEMENT_KIND_TRADE: SettlementKind

class PositionUpdated(_message.Message):
    __slots__ = ("position", "cause", "source_event_id", "trade_id", "realized_pnl")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    position: _position_pb2.Position
    cause: PositionChangeCause
    source_event_id: str
    trade_id: str
    realized_pnl: str
    def __init__(self, position: _Optional[_Union[_position_pb2.Position, _Mapping]] = ..., cause: _Optional[_Union[PositionChangeCause, str]] = ..., source_event_id: _Optional[str] = ..., trade_id: _Optional[str] = ..., realized_pnl: _Optional[str] = ...) -> None: ...

class PositionClosed(_message.Message):
    __slots__ = ("position", "cause", "source_event_id", "trade_id", "closed_at_unix_ms")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    position: _position_pb2.Position
    cause: PositionChangeCause
    source_event_id: str
    trade_id: str
    closed_at_unix_ms: int
    def __init__(self, position: _Optional[_Union[_position_pb2.Position, _Mapping]] = ..., cause: _Optional[_Union[PositionChangeCause, str]] = ..., source_event_id: _Optional[str] = ..., trade_id: _Optional[str] = ..., closed_at_unix_ms: _Optional[int] = ...) -> None: ...

class Settlement(_message.Message):
    __slots__ = ("settlement_id", "user_id", "asset", "kind", "amount", "symbol", "trade_id", "funding_id", "adl_id", "source_event_id", "occurred_at_unix_ms", "order_id", "fee", "realized_pnl", "margin_in", "margin_released")
    SETTLEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    FUNDING_ID_FIELD_NUMBER: _ClassVar[int]
    ADL_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    MARGIN_IN_FIELD_NUMBER: _ClassVar[int]
    MARGIN_RELEASED_FIELD_NUMBER: _ClassVar[int]
    settlement_id: str
    user_id: str
    asset: str
    kind: SettlementKind
    amount: str
    symbol: str
    trade_id: str
    funding_id: str
    adl_id: str
    source_event_id: str
    occurred_at_unix_ms: int
    order_id: str
    fee: str
    realized_pnl: str
    margin_in: str
    margin_released: str
    def __init__(self, settlement_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., kind: _Optional[_Union[SettlementKind, str]] = ..., amount: _Optional[str] = ..., symbol: _Optional[str] = ..., trade_id: _Optional[str] = ..., funding_id: _Optional[str] = ..., adl_id: _Optional[str] = ..., source_event_id: _Optional[str] = ..., occurred_at_unix_ms: _Optional[int] = ..., order_id: _Optional[str] = ..., fee: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., margin_in: _Optional[str] = ..., margin_released: _Optional[str] = ...) -> None: ...

class SymbolExposure(_message.Message):
    __slots__ = ("symbol", "asset", "side", "size", "entry_price", "mark_price", "notional", "unrealized_pnl", "margin")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    MARGIN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    asset: str
    side: _positions_pb2.PositionSide
    size: str
    entry_price: str
    mark_price: str
    notional: str
    unrealized_pnl: str
    margin: str
    def __init__(self, symbol: _Optional[str] = ..., asset: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., notional: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., margin: _Optional[str] = ...) -> None: ...

class AssetExposure(_message.Message):
    __slots__ = ("asset", "gross_notional", "unrealized_pnl", "position_margin")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    GROSS_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    POSITION_MARGIN_FIELD_NUMBER: _ClassVar[int]
    asset: str
    gross_notional: str
    unrealized_pnl: str
    position_margin: str
    def __init__(self, asset: _Optional[str] = ..., gross_notional: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., position_margin: _Optional[str] = ...) -> None: ...

class ExposureUpdated(_message.Message):
    __slots__ = ("user_id", "version", "symbols", "assets", "as_of_unix_ms")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    version: int
    symbols: _containers.RepeatedCompositeFieldContainer[SymbolExposure]
    assets: _containers.RepeatedCompositeFieldContainer[AssetExposure]
    as_of_unix_ms: int
    def __init__(self, user_id: _Optional[str] = ..., version: _Optional[int] = ..., symbols: _Optional[_Iterable[_Union[SymbolExposure, _Mapping]]] = ..., assets: _Optional[_Iterable[_Union[AssetExposure, _Mapping]]] = ..., as_of_unix_ms: _Optional[int] = ...) -> None: ...
