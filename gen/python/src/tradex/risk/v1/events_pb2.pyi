from tradex.common.v1 import positions_pb2 as _positions_pb2
from tradex.common.v1 import trading_pb2 as _trading_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LiquidationTriggered(_message.Message):
    __slots__ = ("liquidation_id", "user_id", "symbol", "asset", "position_side", "close_side", "quantity", "entry_price", "mark_price", "position_margin", "equity", "maintenance_margin", "margin_ratio", "triggered_at_unix_ms")
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_SIDE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    POSITION_MARGIN_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    MARGIN_RATIO_FIELD_NUMBER: _ClassVar[int]
    TRIGGERED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    liquidation_id: str
    user_id: str
    symbol: str
    asset: str
    position_side: _positions_pb2.PositionSide
    close_side: _trading_pb2.Side
    quantity: str
    entry_price: str
    mark_price: str
    position_margin: str
    equity: str
    maintenance_margin: str
    margin_ratio: str
    triggered_at_unix_ms: int
    def __init__(self, liquidation_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., position_side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., close_side: _Optional[_Union[_trading_pb2.Side, str]] = ..., quantity: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., position_margin: _Optional[str] = ..., equity: _Optional[str] = ..., maintenance_margin: _Optional[str] = ..., margin_ratio: _Optional[str] = ..., triggered_at_unix_ms: _Optional[int] = ...) -> None: ...
