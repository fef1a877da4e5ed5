from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.common.v1 import positions_pb2 as _positions_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Position(_message.Message):
    __slots__ = ("user_id", "symbol", "asset", "side", "size", "entry_price", "mark_price", "notional", "unrealized_pnl", "realized_pnl", "funding", "margin", "effective_leverage", "opened_at_unix_ms", "updated_at_unix_ms", "version", "maintenance_margin", "estimated_liquidation_price", "leverage", "mark_price_available", "adl_score", "adl_queue_position")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    FUNDING_FIELD_NUMBER: _ClassVar[int]
    MARGIN_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_LIQUIDATION_PRICE_FIELD_NUMBER: _ClassVar[int]
    LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    ADL_SCORE_FIELD_NUMBER: _ClassVar[int]
    ADL_QUEUE_POSITION_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    symbol: str
    asset: str
    side: _positions_pb2.PositionSide
    size: str
    entry_price: str
    mark_price: str
    notional: str
    unrealized_pnl: str
    realized_pnl: str
    funding: str
    margin: str
    effective_leverage: str
    opened_at_unix_ms: int
    updated_at_unix_ms: int
    version: int
    maintenance_margin: str
    estimated_liquidation_price: str
    leverage: str
    mark_price_available: bool
    adl_score: str
    adl_queue_position: int
    def __init__(self, user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., notional: _Optional[str] = ..., unrealized_pnl: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., funding: _Optional[str] = ..., margin: _Optional[str] = ..., effective_leverage: _Optional[str] = ..., opened_at_unix_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ..., version: _Optional[int] = ..., maintenance_margin: _Optional[str] = ..., estimated_liquidation_price: _Optional[str] = ..., leverage: _Optional[str] = ..., mark_price_available: _Optional[bool] = ..., adl_score: _Optional[str] = ..., adl_queue_position: _Optional[int] = ...) -> None: ...

class ListPositionsRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class ListPositionsResponse(_message.Message):
    __slots__ = ("positions",)
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    positions: _containers.RepeatedCompositeFieldContainer[Position]
    def __init__(self, positions: _Optional[_Iterable[_Union[Position, _Mapping]]] = ...) -> None: ...

class ListPositionsBySymbolRequest(_message.Message):
    __slots__ = ("symbol", "as_of_unix_ms", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    as_of_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., as_of_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPositionsBySymbolResponse(_message.Message):
    __slots__ = ("positions", "next_page_token", "as_of_unix_ms", "applied_through_unix_ms")
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    AS_OF_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    APPLIED_THROUGH_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    positions: _containers.RepeatedCompositeFieldContainer[Position]
    next_page_token: str
    as_of_unix_ms: int
    applied_through_unix_ms: int
    def __init__(self, positions: _Optional[_Iterable[_Union[Position, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., as_of_unix_ms: _Optional[int] = ..., applied_through_unix_ms: _Optional[int] = ...) -> None: ...

class StreamPositionUpdatesRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamPositionUpdatesResponse(_message.Message):
    __slots__ = ("position", "closed", "trade_id", "source_event_id", "realized_pnl", "closed_at_unix_ms")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    position: Position
    closed: bool
    trade_id: str
    source_event_id: str
    realized_pnl: str
    closed_at_unix_ms: int
    def __init__(self, position: _Optional[_Union[Position, _Mapping]] = ..., closed: _Optional[bool] = ..., trade_id: _Optional[str] = ..., source_event_id: _Optional[str] = ..., realized_pnl: _Optional[str] = ..., closed_at_unix_ms: _Optional[int] = ...) -> None: ...
