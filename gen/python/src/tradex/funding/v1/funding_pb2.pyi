from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.common.v1 import positions_pb2 as _positions_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FundingCycleStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FUNDING_CYCLE_STATUS_UNSPECIFIED: _ClassVar[FundingCycleStatus]
    FUNDING_CYCLE_STATUS_SCHEDULED: _ClassVar[FundingCycleStatus]
    FUNDING_CYCLE_STATUS_SNAPSHOTTED: _ClassVar[FundingCycleStatus]
    FUNDING_CYCLE_STATUS_SETTLING: _ClassVar[FundingCycleStatus]
    FUNDING_CYCLE_STATUS_SEALED: _ClassVar[FundingCycleStatus]
    FUNDING_CYCLE_STATUS_NEEDS_REVIEW: _ClassVar[FundingCycleStatus]

class FundingSettlementStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FUNDING_SETTLEMENT_STATUS_UNSPECIFIED: _ClassVar[FundingSettlementStatus]
    FUNDING_SETTLEMENT_STATUS_PENDING: _ClassVar[FundingSettlementStatus]
    FUNDING_SETTLEMENT_STATUS_PUBLISHED: _ClassVar[FundingSettlementStatus]
    FUNDING_SETTLEMENT_STATUS_DEAD_LETTER: _ClassVar[FundingSettlementStatus]
FUNDING_CYCLE_STATUS_UNSPECIFIED: FundingCycleStatus
FUNDING_CYCLE_STATUS_SCHEDULED: FundingCycleStatus
FUNDING_CYCLE_STATUS_SNAPSHOTTED: FundingCycleStatus
FUNDING_CYCLE_STATUS_SETTLING: FundingCycleStatus
FUNDING_CYCLE_STATUS_SEALED: FundingCycleStatus
FUNDING_CYCLE_STATUS_NEEDS_REVIEW: FundingCycleStatus
FUNDING_SETTLEMENT_STATUS_UNSPECIFIED: FundingSettlementStatus
FUNDING_SETTLEMENT_STATUS_PENDING: FundingSettlementStatus
FUNDING_SETTLEMENT_STATUS_PUBLISHED: FundingSettlementStatus
FUNDING_SETTLEMENT_STATUS_DEAD_LETTER: FundingSettlementStatus

class FundingRate(_message.Message):
    __slots__ = ("symbol", "estimated_rate", "next_funding_unix_ms", "last_rate", "last_funding_unix_ms", "mark_price", "index_price", "interval_ms", "updated_at_unix_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_RATE_FIELD_NUMBER: _ClassVar[int]
    NEXT_FUNDING_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_RATE_FIELD_NUMBER: _ClassVar[int]
    LAST_FUNDING_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    estimated_rate: str
    next_funding_unix_ms: int
    last_rate: str
    last_funding_unix_ms: int
    mark_price: str
    index_price: str
    interval_ms: int
    updated_at_unix_ms: int
    def __init__(self, symbol: _Optional[str] = ..., estimated_rate: _Optional[str] = ..., next_funding_unix_ms: _Optional[int] = ..., last_rate: _Optional[str] = ..., last_funding_unix_ms: _Optional[int] = ..., mark_price: _Optional[str] = ..., index_price: _Optional[str] = ..., interval_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class FundingRateRecord(_message.Message):
    __slots__ = ("symbol", "cycle_ts_unix_ms", "rate", "mark_price", "index_price")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    CYCLE_TS_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    cycle_ts_unix_ms: int
    rate: str
    mark_price: str
    index_price: str
    def __init__(self, symbol: _Optional[str] = ..., cycle_ts_unix_ms: _Optional[int] = ..., rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., index_price: _Optional[str] = ...) -> None: ...

class FundingCycle(_message.Message):
    __slots__ = ("cycle_id", "symbol", "cycle_ts_unix_ms", "rate", "mark_price", "index_price", "asset", "status", "settlements_total", "settlements_published", "settlements_dead_letter", "total_paid", "total_received", "imbalance", "manually_sealed", "sealed_by", "seal_reason", "created_at_unix_ms", "snapshotted_at_unix_ms", "sealed_at_unix_ms", "updated_at_unix_ms", "total_collected", "total_credited", "shortfall", "shortfall_covered", "residual", "review_reason")
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    CYCLE_TS_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENTS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENTS_DEAD_LETTER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_FIELD_NUMBER: _ClassVar[int]
    MANUALLY_SEALED_FIELD_NUMBER: _ClassVar[int]
    SEALED_BY_FIELD_NUMBER: _ClassVar[int]
    SEAL_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOTTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    SEALED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COLLECTED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CREDITED_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_COVERED_FIELD_NUMBER: _ClassVar[int]
    RESIDUAL_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REASON_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    symbol: str
    cycle_ts_unix_ms: int
    rate: str
    mark_price: str
    index_price: str
    asset: str
    status: FundingCycleStatus
    settlements_total: int
    settlements_published: int
    settlements_dead_letter: int
    total_paid: str
    total_received: str
    imbalance: str
    manually_sealed: bool
    sealed_by: str
    seal_reason: str
    created_at_unix_ms: int
    snapshotted_at_unix_ms: int
    sealed_at_unix_ms: int
    updated_at_unix_ms: int
    total_collected: str
    total_credited: str
    shortfall: str
    shortfall_covered: str
    residual: str
    review_reason: str
    def __init__(self, cycle_id: _Optional[str] = ..., symbol: _Optional[str] = ..., cycle_ts_unix_ms: _Optional[int] = ..., rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., index_price: _Optional[str] = ..., asset: _Optional[str] = ..., status: _Optional[_Union[FundingCycleStatus, str]] = ..., settlements_total: _Optional[int] = ..., settlements_published: _Optional[int] = ..., settlements_dead_letter: _Optional[int] = ..., total_paid: _Optional[str] = ..., total_received: _Optional[str] = ..., imbalance: _Optional[str] = ..., manually_sealed: _Optional[bool] = ..., sealed_by: _Optional[str] = ..., seal_reason: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., snapshotted_at_unix_ms: _Optional[int] = ..., sealed_at_unix_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ..., total_collected: _Optional[str] = ..., total_credited: _Optional[str] = ..., shortfall: _Optional[str] = ..., shortfall_covered: _Optional[str] = ..., residual: _Optional[str] = ..., review_reason: _Optional[str] = ...) -> None: ...

class FundingSettlement(_message.Message):
    __slots__ = ("funding_id", "cycle_id", "user_id", "symbol", "asset", "side", "size", "rate", "mark_price", "amount", "status", "attempts", "last_error", "created_at_unix_ms", "published_at_unix_ms")
    FUNDING_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    funding_id: str
    cycle_id: str
    user_id: str
    symbol: str
    asset: str
    side: _positions_pb2.PositionSide
    size: str
    rate: str
    mark_price: str
    amount: str
    status: FundingSettlementStatus
    attempts: int
    last_error: str
    created_at_unix_ms: int
    published_at_unix_ms: int
    def __init__(self, funding_id: _Optional[str] = ..., cycle_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., amount: _Optional[str] = ..., status: _Optional[_Union[FundingSettlementStatus, str]] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., published_at_unix_ms: _Optional[int] = ...) -> None: ...

class FundingPayment(_message.Message):
    __slots__ = ("funding_id", "symbol", "asset", "cycle_ts_unix_ms", "rate", "mark_price", "side", "size", "amount", "settled_at_unix_ms")
    FUNDING_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    CYCLE_TS_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    funding_id: str
    symbol: str
    asset: str
    cycle_ts_unix_ms: int
    rate: str
    mark_price: str
    side: _positions_pb2.PositionSide
    size: str
    amount: str
    settled_at_unix_ms: int
    def __init__(self, funding_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., cycle_ts_unix_ms: _Optional[int] = ..., rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., amount: _Optional[str] = ..., settled_at_unix_ms: _Optional[int] = ...) -> None: ...

class GetFundingRateRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetFundingRateResponse(_message.Message):
    __slots__ = ("funding_rate",)
    FUNDING_RATE_FIELD_NUMBER: _ClassVar[int]
    funding_rate: FundingRate
    def __init__(self, funding_rate: _Optional[_Union[FundingRate, _Mapping]] = ...) -> None: ...

class ListFundingRateHistoryRequest(_message.Message):
    __slots__ = ("symbol", "start_unix_ms", "end_unix_ms", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    start_unix_ms: int
    end_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., start_unix_ms: _Optional[int] = ..., end_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFundingRateHistoryResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[FundingRateRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[FundingRateRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListFundingPaymentsRequest(_message.Message):
    __slots__ = ("symbol", "start_unix_ms", "end_unix_ms", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    start_unix_ms: int
    end_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., start_unix_ms: _Optional[int] = ..., end_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFundingPaymentsResponse(_message.Message):
    __slots__ = ("payments", "next_page_token")
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    payments: _containers.RepeatedCompositeFieldContainer[FundingPayment]
    next_page_token: str
    def __init__(self, payments: _Optional[_Iterable[_Union[FundingPayment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListFundingCyclesRequest(_message.Message):
    __slots__ = ("symbol", "status", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    status: FundingCycleStatus
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., status: _Optional[_Union[FundingCycleStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFundingCyclesResponse(_message.Message):
    __slots__ = ("cycles", "next_page_token")
    CYCLES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cycles: _containers.RepeatedCompositeFieldContainer[FundingCycle]
    next_page_token: str
    def __init__(self, cycles: _Optional[_Iterable[_Union[FundingCycle, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetFundingCycleRequest(_message.Message):
    __slots__ = ("cycle_id",)
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    def __init__(self, cycle_id: _Optional[str] = ...) -> None: ...

class GetFundingCycleResponse(_message.Message):
    __slots__ = ("cycle",)
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    cycle: FundingCycle
    def __init__(self, cycle: _Optional[_Union[FundingCycle, _Mapping]] = ...) -> None: ...

class ListFundingSettlementsRequest(_message.Message):
    __slots__ = ("cycle_id", "status", "page_size", "page_token")
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    status: FundingSettlementStatus
    page_size: int
    page_token: str
    def __init__(self, cycle_id: _Optional[str] = ..., status: _Optional[_Union[FundingSettlementStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListFundingSettlementsResponse(_message.Message):
    __slots__ = ("settlements", "next_page_token")
    SETTLEMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    settlements: _containers.RepeatedCompositeFieldContainer[FundingSettlement]
    next_page_token: str
    def __init__(self, settlements: _Optional[_Iterable[_Union[FundingSettlement, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SealFundingCycleRequest(_message.Message):
    __slots__ = ("cycle_id", "reason")
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    reason: str
    def __init__(self, cycle_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SealFundingCycleResponse(_message.Message):
    __slots__ = ("cycle",)
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    cycle: FundingCycle
    def __init__(self, cycle: _Optional[_Union[FundingCycle, _Mapping]] = ...) -> None: ...

class FundingStatementLine(_message.Message):
    __slots__ = ("funding_id", "side", "size", "mark_price", "rate", "amount", "canonical", "line_hash", "index")
    FUNDING_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_FIELD_NUMBER: _ClassVar[int]
    LINE_HASH_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    funding_id: str
    side: _positions_pb2.PositionSide
    size: str
    mark_price: str
    rate: str
    amount: str
    canonical: str
    line_hash: str
    index: int
    def __init__(self, funding_id: _Optional[str] = ..., side: _Optional[_Union[_positions_pb2.PositionSide, str]] = ..., size: _Optional[str] = ..., mark_price: _Optional[str] = ..., rate: _Optional[str] = ..., amount: _Optional[str] = ..., canonical: _Optional[str] = ..., line_hash: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...

class FundingStatement(_message.Message):
    __slots__ = ("cycle", "positions", "line_hashes", "statement_hash")
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    LINE_HASHES_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    cycle: FundingCycle
    positions: int
    line_hashes: _containers.RepeatedScalarFieldContainer[str]
    statement_hash: str
    def __init__(self, cycle: _Optional[_Union[FundingCycle, _Mapping]] = ..., positions: _Optional[int] = ..., line_hashes: _Optional[_Iterable[str]] = ..., statement_hash: _Optional[str] = ...) -> None: ...

class GetFundingStatementRequest(_message.Message):
    __slots__ = ("cycle_id",)
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    def __init__(self, cycle_id: _Optional[str] = ...) -> None: ...

class GetFundingStatementResponse(_message.Message):
    __slots__ = ("statement",)
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    statement: FundingStatement
    def __init__(self, statement: _Optional[_Union[FundingStatement, _Mapping]] = ...) -> None: ...

class GetMyFundingStatementLinesRequest(_message.Message):
    __slots__ = ("cycle_id",)
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    def __init__(self, cycle_id: _Optional[str] = ...) -> None: ...

class GetMyFundingStatementLinesResponse(_message.Message):
    __slots__ = ("lines", "statement_hash")
    LINES_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[FundingStatementLine]
    statement_hash: str
    def __init__(self, lines: _Optional[_Iterable[_Union[FundingStatementLine, _Mapping]]] = ..., statement_hash: _Optional[str] = ...) -> None: ...
