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

class SettlementRecordStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_RECORD_STATUS_UNSPECIFIED: _ClassVar[SettlementRecordStatus]
    SETTLEMENT_RECORD_STATUS_INITIATED: _ClassVar[SettlementRecordStatus]
    SETTLEMENT_RECORD_STATUS_ORDER_SUBMITTED: _ClassVar[SettlementRecordStatus]
    SETTLEMENT_RECORD_STATUS_FILLED: _ClassVar[SettlementRecordStatus]
    SETTLEMENT_RECORD_STATUS_ADL_TRIGGERED: _ClassVar[SettlementRecordStatus]
    SETTLEMENT_RECORD_STATUS_COMPLETED: _ClassVar[SettlementRecordStatus]
    SETTLEMENT_RECORD_STATUS_FAILED: _ClassVar[SettlementRecordStatus]

class SettlementResolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_RESOLUTION_UNSPECIFIED: _ClassVar[SettlementResolution]
    SETTLEMENT_RESOLUTION_NO_SHORTFALL: _ClassVar[SettlementResolution]
    SETTLEMENT_RESOLUTION_INSURANCE_FUND: _ClassVar[SettlementResolution]
    SETTLEMENT_RESOLUTION_ADL: _ClassVar[SettlementResolution]
SETTLEMENT_RECORD_STATUS_UNSPECIFIED: SettlementRecordStatus
SETTLEMENT_RECORD_STATUS_INITIATED: SettlementRecordStatus
SETTLEMENT_RECORD_STATUS_ORDER_SUBMITTED: SettlementRecordStatus
SETTLEMENT_RECORD_STATUS_FILLED: SettlementRecordStatus
SETTLEMENT_RECORD_STATUS_ADL_TRIGGERED: SettlementRecordStatus
SETTLEMENT_RECORD_STATUS_COMPLETED: SettlementRecordStatus
SETTLEMENT_RECORD_STATUS_FAILED: SettlementRecordStatus
SETTLEMENT_RESOLUTION_UNSPECIFIED: SettlementResolution
SETTLEMENT_RESOLUTION_NO_SHORTFALL: SettlementResolution
SETTLEMENT_RESOLUTION_INSURANCE_FUND: SettlementResolution
SETTLEMENT_RESOLUTION_ADL: SettlementResolution

class SettlementRecord(_message.Message):
    __slots__ = ("record_id", "liquidation_id", "user_id", "symbol", "asset", "position_side", "close_side", "quantity", "entry_price", "mark_price", "position_margin", "bankruptcy_price", "liquidation_order_id", "order_price", "filled_quantity", "average_fill_price", "unfilled_quantity", "shortfall", "surplus", "insurance_fund_used", "adl_id", "adl_quantity", "status", "resolution", "failure_reason", "created_at_unix_ms", "updated_at_unix_ms", "completed_at_unix_ms")
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
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
    BANKRUPTCY_PRICE_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_PRICE_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FILL_PRICE_FIELD_NUMBER: _ClassVar[int]
    UNFILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    SURPLUS_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_FUND_USED_FIELD_NUMBER: _ClassVar[int]
    ADL_ID_FIELD_NUMBER: _ClassVar[int]
    ADL_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    record_id: str
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
    bankruptcy_price: str
    liquidation_order_id: str
    order_price: str
    filled_quantity: str
    average_fill_price: str
    unfilled_quantity: str
    shortfall: str
    surplus: str
    insurance_fund_used: str
    adl_id: str
    adl_quantity: str
    status: SettlementRecordStatus
    resolution: SettlementResolution
    failure_reason: str
    created_at_unix_ms: int
    updated_at_unix_ms: int
    completed_at_unix_ms: int
    def __init__(self, record_id: _Optional[str] = ..., liquidation_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., position_side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., close_side: _Optional[_Union[_trading_pb2.Side, str]] = ..., quantity: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., position_margin: _Optional[str] = ..., bankruptcy_price: _Optional[str] = ..., liquidation_order_id: _Optional[str] = ..., order_price: _Optional[str] = ..., filled_quantity: _Optional[str] = ..., average_fill_price: _Optional[str] = ..., unfilled_quantity: _Optional[str] = ..., shortfall: _Optional[str] = ..., surplus: _Optional[str] = ..., insurance_fund_used: _Optional[str] = ..., adl_id: _Optional[str] = ..., adl_quantity: _Optional[str] = ..., status: _Optional[_Union[SettlementRecordStatus, str]] = ..., resolution: _Optional[_Union[SettlementResolution, str]] = ..., failure_reason: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ..., completed_at_unix_ms: _Optional[int] = ...) -> None: ...

class InsuranceFundBalance(_message.Message):
    __slots__ = ("asset", "balance", "updated_at_unix_ms")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    asset: str
    balance: str
    updated_at_unix_ms: int
    def __init__(self, asset: _Optional[str] = ..., balance: _Optional[str] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class GetSettlementRecordRequest(_message.Message):
    __slots__ = ("record_id",)
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    def __init__(self, record_id: _Optional[str] = ...) -> None: ...

class GetSettlementRecordResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: SettlementRecord
    def __init__(self, record: _Optional[_Union[SettlementRecord, _Mapping]] = ...) -> None: ...

class ListSettlementRecordsRequest(_message.Message):
    __slots__ = ("user_id", "symbol", "status", "page_size", "page_token")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    symbol: str
    status: SettlementRecordStatus
    page_size: int
    page_token: str
    def __init__(self, user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., status: _Optional[_Union[SettlementRecordStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSettlementRecordsResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[SettlementRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[SettlementRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetInsuranceFundRequest(_message.Message):
    __slots__ = ("history_limit",)
    HISTORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    history_limit: int
    def __init__(self, history_limit: _Optional[int] = ...) -> None: ...

class InsuranceFundChange(_message.Message):
    __slots__ = ("asset", "amount", "kind", "liquidation_id", "record_id", "at_unix_ms")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    asset: str
    amount: str
    kind: str
    liquidation_id: str
    record_id: str
    at_unix_ms: int
    def __init__(self, asset: _Optional[str] = ..., amount: _Optional[str] = ..., kind: _Optional[str] = ..., liquidation_id: _Optional[str] = ..., record_id: _Optional[str] = ..., at_unix_ms: _Optional[int] = ...) -> None: ...

class GetInsuranceFundResponse(_message.Message):
    __slots__ = ("balances", "history")
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[InsuranceFundBalance]
    history: _containers.RepeatedCompositeFieldContainer[InsuranceFundChange]
    def __init__(self, balances: _Optional[_Iterable[_Union[InsuranceFundBalance, _Mapping]]] = ..., history: _Optional[_Iterable[_Union[InsuranceFundChange, _Mapping]]] = ...) -> None: ...

class GetLiquidationReceiptRequest(_message.Message):
    __slots__ = ("liquidation_id",)
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    liquidation_id: str
    def __init__(self, liquidation_id: _Optional[str] = ...) -> None: ...

class GetLiquidationReceiptResponse(_message.Message):
    __slots__ = ("receipt",)
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: LiquidationReceipt
    def __init__(self, receipt: _Optional[_Union[LiquidationReceipt, _Mapping]] = ...) -> None: ...

class ReceiptPosition(_message.Message):
    __slots__ = ("symbol", "side", "size", "entry_price", "mark_price", "mark_computed_at_unix_ms", "unrealized_pnl", "liquidated")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UNREALIZED_PNL_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATED_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    side: _positions_pb2.PositionSide
    size: str
    entry_price: str
    mark_price: str
    mark_computed_at_unix_ms: int
    unrealized_pnl: str
    liquidated: bool
    def __init__(self, symbol: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., entry_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., mark_computed_at_unix_ms: _Optional[int] = ..., unrealized_pnl: _Optional[str] = ..., liquidated: _Optional[bool] = ...) -> None: ...

class BankruptcyWorking(_message.Message):
    __slots__ = ("wallet_available", "wallet_locked", "wallet_position_margin", "positions", "equity", "mark_price", "size", "bankruptcy_price", "tick_size", "order_price", "computed_at_unix_ms", "cancelled_order_ids")
    WALLET_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    WALLET_LOCKED_FIELD_NUMBER: _ClassVar[int]
    WALLET_POSITION_MARGIN_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    EQUITY_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    BANKRUPTCY_PRICE_FIELD_NUMBER: _ClassVar[int]
    TICK_SIZE_FIELD_NUMBER: _ClassVar[int]
    ORDER_PRICE_FIELD_NUMBER: _ClassVar[int]
    COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    wallet_available: str
    wallet_locked: str
    wallet_position_margin: str
    positions: _containers.RepeatedCompositeFieldContainer[ReceiptPosition]
    equity: str
    mark_price: str
    size: str
    bankruptcy_price: str
    tick_size: str
    order_price: str
    computed_at_unix_ms: int
    cancelled_order_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, wallet_available: _Optional[str] = ..., wallet_locked: _Optional[str] = ..., wallet_position_margin: _Optional[str] = ..., positions: _Optional[_Iterable[_Union[ReceiptPosition, _Mapping]]] = ..., equity: _Optional[str] = ..., mark_price: _Optional[str] = ..., size: _Optional[str] = ..., bankruptcy_price: _Optional[str] = ..., tick_size: _Optional[str] = ..., order_price: _Optional[str] = ..., computed_at_unix_ms: _Optional[int] = ..., cancelled_order_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReceiptFill(_message.Message):
    __slots__ = ("trade_id", "engine_seq", "price", "quantity", "fee")
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    trade_id: str
    engine_seq: int
    price: str
    quantity: str
    fee: str
    def __init__(self, trade_id: _Optional[str] = ..., engine_seq: _Optional[int] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., fee: _Optional[str] = ...) -> None: ...

class LiquidationReceipt(_message.Message):
    __slots__ = ("liquidation_id", "record_id", "user_id", "symbol", "asset", "position_side", "close_side", "status", "resolution", "triggered_at_unix_ms", "trigger_engine_seq", "trigger_mark_price", "trigger_index_price", "trigger_mark_computed_at_unix_ms", "trigger_mark_event_id", "trigger_equity", "trigger_maintenance_margin", "trigger_margin_ratio", "trigger_quantity", "bankruptcy", "liquidation_order_id", "fills", "filled_quantity", "average_fill_price", "taker_fee_rate", "fees", "price_improvement", "residual_to_fund", "shortfall", "shortfall_covered", "shortfall_uncovered", "insurance_fund_delta", "unfilled_quantity", "adl_id", "adl_quantity", "adl_counterparties", "completed_at_unix_ms", "trigger_index_computed_at_unix_ms", "trigger_index_event_id", "trigger_index_components")
    LIQUIDATION_ID_FIELD_NUMBER: _ClassVar[int]
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    POSITION_SIDE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_SIDE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    TRIGGERED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_MARK_COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_MARK_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_EQUITY_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_MAINTENANCE_MARGIN_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_MARGIN_RATIO_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    BANKRUPTCY_FIELD_NUMBER: _ClassVar[int]
    LIQUIDATION_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    FILLS_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_FILL_PRICE_FIELD_NUMBER: _ClassVar[int]
    TAKER_FEE_RATE_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    PRICE_IMPROVEMENT_FIELD_NUMBER: _ClassVar[int]
    RESIDUAL_TO_FUND_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_COVERED_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_UNCOVERED_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_FUND_DELTA_FIELD_NUMBER: _ClassVar[int]
    UNFILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ADL_ID_FIELD_NUMBER: _ClassVar[int]
    ADL_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ADL_COUNTERPARTIES_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_INDEX_COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_INDEX_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_INDEX_COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    liquidation_id: str
    record_id: str
    user_id: str
    symbol: str
    asset: str
    position_side: _positions_pb2.PositionSide
    close_side: _trading_pb2.Side
    status: SettlementRecordStatus
    resolution: SettlementResolution
    triggered_at_unix_ms: int
    trigger_engine_seq: int
    trigger_mark_price: str
    trigger_index_price: str
    trigger_mark_computed_at_unix_ms: int
    trigger_mark_event_id: str
    trigger_equity: str
    trigger_maintenance_margin: str
    trigger_margin_ratio: str
    trigger_quantity: str
    bankruptcy: BankruptcyWorking
    liquidation_order_id: str
    fills: _containers.RepeatedCompositeFieldContainer[ReceiptFill]
    filled_quantity: str
    average_fill_price: str
    taker_fee_rate: str
    fees: str
    price_improvement: str
    residual_to_fund: str
    shortfall: str
    shortfall_covered: str
    shortfall_uncovered: str
    insurance_fund_delta: str
    unfilled_quantity: str
    adl_id: str
    adl_quantity: str
    adl_counterparties: int
    completed_at_unix_ms: int
    trigger_index_computed_at_unix_ms: int
    trigger_index_event_id: str
    trigger_index_components: _containers.RepeatedCompositeFieldContainer[ReceiptIndexComponent]
    def __init__(self, liquidation_id: _Optional[str] = ..., record_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., position_side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., close_side: _Optional[_Union[_trading_pb2.Side, str]] = ..., status: _Optional[_Union[SettlementRecordStatus, str]] = ..., resolution: _Optional[_Union[SettlementResolution, str]] = ..., triggered_at_unix_ms: _Optional[int] = ..., trigger_engine_seq: _Optional[int] = ..., trigger_mark_price: _Optional[str] = ..., trigger_index_price: _Optional[str] = ..., trigger_mark_computed_at_unix_ms: _Optional[int] = ..., trigger_mark_event_id: _Optional[str] = ..., trigger_equity: _Optional[str] = ..., trigger_maintenance_margin: _Optional[str] = ..., trigger_margin_ratio: _Optional[str] = ..., trigger_quantity: _Optional[str] = ..., bankruptcy: _Optional[_Union[BankruptcyWorking, _Mapping]] = ..., liquidation_order_id: _Optional[str] = ..., fills: _Optional[_Iterable[_Union[ReceiptFill, _Mapping]]] = ..., filled_quantity: _Optional[str] = ..., average_fill_price: _Optional[str] = ..., taker_fee_rate: _Optional[str] = ..., fees: _Optional[str] = ..., price_improvement: _Optional[str] = ..., residual_to_fund: _Optional[str] = ..., shortfall: _Optional[str] = ..., shortfall_covered: _Optional[str] = ..., shortfall_uncovered: _Optional[str] = ..., insurance_fund_delta: _Optional[str] = ..., unfilled_quantity: _Optional[str] = ..., adl_id: _Optional[str] = ..., adl_quantity: _Optional[str] = ..., adl_counterparties: _Optional[int] = ..., completed_at_unix_ms: _Optional[int] = ..., trigger_index_computed_at_unix_ms: _Optional[int] = ..., trigger_index_event_id: _Optional[str] = ..., trigger_index_components: _Optional[_Iterable[_Union[ReceiptIndexComponent, _Mapping]]] = ...) -> None: ...

class ReceiptIndexComponent(_message.Message):
    __slots__ = ("exchange", "symbol", "price", "effective_weight", "fetched_at_unix_ms", "excluded")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    FETCHED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    symbol: str
    price: str
    effective_weight: str
    fetched_at_unix_ms: int
    excluded: bool
    def __init__(self, exchange: _Optional[str] = ..., symbol: _Optional[str] = ..., price: _Optional[str] = ..., effective_weight: _Optional[str] = ..., fetched_at_unix_ms: _Optional[int] = ..., excluded: _Optional[bool] = ...) -> None: ...
