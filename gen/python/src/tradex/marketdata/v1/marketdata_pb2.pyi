from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.common.v1 import trading_pb2 as _trading_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CandleInterval(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CANDLE_INTERVAL_UNSPECIFIED: _ClassVar[CandleInterval]
    CANDLE_INTERVAL_ONE_MINUTE: _ClassVar[CandleInterval]
    CANDLE_INTERVAL_FIVE_MINUTES: _ClassVar[CandleInterval]
    CANDLE_INTERVAL_FIFTEEN_MINUTES: _ClassVar[CandleInterval]
    CANDLE_INTERVAL_ONE_HOUR: _ClassVar[CandleInterval]
    CANDLE_INTERVAL_FOUR_HOURS: _ClassVar[CandleInterval]
    CANDLE_INTERVAL_ONE_DAY: _ClassVar[CandleInterval]

class IndexExclusionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INDEX_EXCLUSION_REASON_UNSPECIFIED: _ClassVar[IndexExclusionReason]
    INDEX_EXCLUSION_REASON_NO_QUOTE: _ClassVar[IndexExclusionReason]
    INDEX_EXCLUSION_REASON_STALE: _ClassVar[IndexExclusionReason]
    INDEX_EXCLUSION_REASON_OUTLIER: _ClassVar[IndexExclusionReason]
CANDLE_INTERVAL_UNSPECIFIED: CandleInterval
CANDLE_INTERVAL_ONE_MINUTE: CandleInterval
CANDLE_INTERVAL_FIVE_MINUTES: CandleInterval
CANDLE_INTERVAL_FIFTEEN_MINUTES: CandleInterval
CANDLE_INTERVAL_ONE_HOUR: CandleInterval
CANDLE_INTERVAL_FOUR_HOURS: CandleInterval
CANDLE_INTERVAL_ONE_DAY: CandleInterval
INDEX_EXCLUSION_REASON_UNSPECIFIED: IndexExclusionReason
INDEX_EXCLUSION_REASON_NO_QUOTE: IndexExclusionReason
INDEX_EXCLUSION_REASON_STALE: IndexExclusionReason
INDEX_EXCLUSION_REASON_OUTLIER: IndexExclusionReason

class PriceLevel(_message.Message):
    __slots__ = ("price", "quantity", "order_count")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    price: str
    quantity: str
    order_count: int
    def __init__(self, price: _Optional[str] = ..., quantity: _Optional[str] = ..., order_count: _Optional[int] = ...) -> None: ...

class OrderBook(_message.Message):
    __slots__ = ("symbol", "bids", "asks", "engine_seq", "updated_at_unix_ms", "checksum")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    ASKS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    bids: _containers.RepeatedCompositeFieldContainer[PriceLevel]
    asks: _containers.RepeatedCompositeFieldContainer[PriceLevel]
    engine_seq: int
    updated_at_unix_ms: int
    checksum: int
    def __init__(self, symbol: _Optional[str] = ..., bids: _Optional[_Iterable[_Union[PriceLevel, _Mapping]]] = ..., asks: _Optional[_Iterable[_Union[PriceLevel, _Mapping]]] = ..., engine_seq: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ..., checksum: _Optional[int] = ...) -> None: ...

class OrderBookDelta(_message.Message):
    __slots__ = ("symbol", "bids", "asks", "first_engine_seq", "last_engine_seq", "prev_last_engine_seq", "updated_at_unix_ms", "checksum")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    ASKS_FIELD_NUMBER: _ClassVar[int]
    FIRST_ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    LAST_ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    PREV_LAST_ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    bids: _containers.RepeatedCompositeFieldContainer[PriceLevel]
    asks: _containers.RepeatedCompositeFieldContainer[PriceLevel]
    first_engine_seq: int
    last_engine_seq: int
    prev_last_engine_seq: int
    updated_at_unix_ms: int
    checksum: int
    def __init__(self, symbol: _Optional[str] = ..., bids: _Optional[_Iterable[_Union[PriceLevel, _Mapping]]] = ..., asks: _Optional[_Iterable[_Union[PriceLevel, _Mapping]]] = ..., first_engine_seq: _Optional[int] = ..., last_engine_seq: _Optional[int] = ..., prev_last_engine_seq: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ..., checksum: _Optional[int] = ...) -> None: ...

class Trade(_message.Message):
    __slots__ = ("trade_id", "symbol", "price", "quantity", "quote_quantity", "taker_side", "is_liquidation", "engine_seq", "executed_at_unix_ms")
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    QUOTE_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    TAKER_SIDE_FIELD_NUMBER: _ClassVar[int]
    IS_LIQUIDATION_FIELD_NUMBER: _ClassVar[int]
    ENGINE_SEQ_FIELD_NUMBER: _ClassVar[int]
    EXECUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    trade_id: str
    symbol: str
    price: str
    quantity: str
    quote_quantity: str
    taker_side: _trading_pb2.Side
    is_liquidation: bool
    engine_seq: int
    executed_at_unix_ms: int
    def __init__(self, trade_id: _Optional[str] = ..., symbol: _Optional[str] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., quote_quantity: _Optional[str] = ..., taker_side: _Optional[_Union[_trading_pb2.Side, str]] = ..., is_liquidation: _Optional[bool] = ..., engine_seq: _Optional[int] = ..., executed_at_unix_ms: _Optional[int] = ...) -> None: ...

class Candle(_message.Message):
    __slots__ = ("open_time_unix_ms", "close_time_unix_ms", "open", "high", "low", "close", "volume", "quote_volume", "trade_count", "closed")
    OPEN_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    QUOTE_VOLUME_FIELD_NUMBER: _ClassVar[int]
    TRADE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    open_time_unix_ms: int
    close_time_unix_ms: int
    open: str
    high: str
    low: str
    close: str
    volume: str
    quote_volume: str
    trade_count: int
    closed: bool
    def __init__(self, open_time_unix_ms: _Optional[int] = ..., close_time_unix_ms: _Optional[int] = ..., open: _Optional[str] = ..., high: _Optional[str] = ..., low: _Optional[str] = ..., close: _Optional[str] = ..., volume: _Optional[str] = ..., quote_volume: _Optional[str] = ..., trade_count: _Optional[int] = ..., closed: _Optional[bool] = ...) -> None: ...

class Ticker(_message.Message):
    __slots__ = ("symbol", "last_price", "mark_price", "index_price", "best_bid_price", "best_bid_quantity", "best_ask_price", "best_ask_quantity", "open_price_24h", "high_price_24h", "low_price_24h", "volume_24h", "quote_volume_24h", "price_change_24h", "price_change_rate_24h", "funding_rate", "next_funding_unix_ms", "updated_at_unix_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    LAST_PRICE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    BEST_BID_PRICE_FIELD_NUMBER: _ClassVar[int]
    BEST_BID_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    BEST_ASK_PRICE_FIELD_NUMBER: _ClassVar[int]
    BEST_ASK_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    OPEN_PRICE_24H_FIELD_NUMBER: _ClassVar[int]
    HIGH_PRICE_24H_FIELD_NUMBER: _ClassVar[int]
    LOW_PRICE_24H_FIELD_NUMBER: _ClassVar[int]
    VOLUME_24H_FIELD_NUMBER: _ClassVar[int]
    QUOTE_VOLUME_24H_FIELD_NUMBER: _ClassVar[int]
    PRICE_CHANGE_24H_FIELD_NUMBER: _ClassVar[int]
    PRICE_CHANGE_RATE_24H_FIELD_NUMBER: _ClassVar[int]
    FUNDING_RATE_FIELD_NUMBER: _ClassVar[int]
    NEXT_FUNDING_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    last_price: str
    mark_price: str
    index_price: str
    best_bid_price: str
    best_bid_quantity: str
    best_ask_price: str
    best_ask_quantity: str
    open_price_24h: str
    high_price_24h: str
    low_price_24h: str
    volume_24h: str
    quote_volume_24h: str
    price_change_24h: str
    price_change_rate_24h: str
    funding_rate: str
    next_funding_unix_ms: int
    updated_at_unix_ms: int
    def __init__(self, symbol: _Optional[str] = ..., last_price: _Optional[str] = ..., mark_price: _Optional[str] = ..., index_price: _Optional[str] = ..., best_bid_price: _Optional[str] = ..., best_bid_quantity: _Optional[str] = ..., best_ask_price: _Optional[str] = ..., best_ask_quantity: _Optional[str] = ..., open_price_24h: _Optional[str] = ..., high_price_24h: _Optional[str] = ..., low_price_24h: _Optional[str] = ..., volume_24h: _Optional[str] = ..., quote_volume_24h: _Optional[str] = ..., price_change_24h: _Optional[str] = ..., price_change_rate_24h: _Optional[str] = ..., funding_rate: _Optional[str] = ..., next_funding_unix_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class IndexComponent(_message.Message):
    __slots__ = ("exchange", "symbol", "price", "weight", "effective_weight", "stale", "fetched_at_unix_ms", "exclusion_reason", "leg")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    FETCHED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    EXCLUSION_REASON_FIELD_NUMBER: _ClassVar[int]
    LEG_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    symbol: str
    price: str
    weight: str
    effective_weight: str
    stale: bool
    fetched_at_unix_ms: int
    exclusion_reason: IndexExclusionReason
    leg: str
    def __init__(self, exchange: _Optional[str] = ..., symbol: _Optional[str] = ..., price: _Optional[str] = ..., weight: _Optional[str] = ..., effective_weight: _Optional[str] = ..., stale: _Optional[bool] = ..., fetched_at_unix_ms: _Optional[int] = ..., exclusion_reason: _Optional[_Union[IndexExclusionReason, str]] = ..., leg: _Optional[str] = ...) -> None: ...

class IndexLeg(_message.Message):
    __slots__ = ("pair", "price", "degraded")
    PAIR_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    pair: str
    price: str
    degraded: bool
    def __init__(self, pair: _Optional[str] = ..., price: _Optional[str] = ..., degraded: _Optional[bool] = ...) -> None: ...

class IndexPrice(_message.Message):
    __slots__ = ("symbol", "price", "components", "stale", "computed_at_unix_ms", "degraded", "legs")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_FIELD_NUMBER: _ClassVar[int]
    LEGS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    price: str
    components: _containers.RepeatedCompositeFieldContainer[IndexComponent]
    stale: bool
    computed_at_unix_ms: int
    degraded: bool
    legs: _containers.RepeatedCompositeFieldContainer[IndexLeg]
    def __init__(self, symbol: _Optional[str] = ..., price: _Optional[str] = ..., components: _Optional[_Iterable[_Union[IndexComponent, _Mapping]]] = ..., stale: _Optional[bool] = ..., computed_at_unix_ms: _Optional[int] = ..., degraded: _Optional[bool] = ..., legs: _Optional[_Iterable[_Union[IndexLeg, _Mapping]]] = ...) -> None: ...

class MarkPrice(_message.Message):
    __slots__ = ("symbol", "mark_price", "index_price", "basis", "stale", "computed_at_unix_ms", "funding_basis_price", "moving_average_basis_price", "last_trade_price", "funding_rate", "next_funding_unix_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FUNDING_BASIS_PRICE_FIELD_NUMBER: _ClassVar[int]
    MOVING_AVERAGE_BASIS_PRICE_FIELD_NUMBER: _ClassVar[int]
    LAST_TRADE_PRICE_FIELD_NUMBER: _ClassVar[int]
    FUNDING_RATE_FIELD_NUMBER: _ClassVar[int]
    NEXT_FUNDING_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    mark_price: str
    index_price: str
    basis: str
    stale: bool
    computed_at_unix_ms: int
    funding_basis_price: str
    moving_average_basis_price: str
    last_trade_price: str
    funding_rate: str
    next_funding_unix_ms: int
    def __init__(self, symbol: _Optional[str] = ..., mark_price: _Optional[str] = ..., index_price: _Optional[str] = ..., basis: _Optional[str] = ..., stale: _Optional[bool] = ..., computed_at_unix_ms: _Optional[int] = ..., funding_basis_price: _Optional[str] = ..., moving_average_basis_price: _Optional[str] = ..., last_trade_price: _Optional[str] = ..., funding_rate: _Optional[str] = ..., next_funding_unix_ms: _Optional[int] = ...) -> None: ...

class FundingRateEstimate(_message.Message):
    __slots__ = ("symbol", "funding_rate", "premium_index", "interest_rate", "mark_price", "index_price", "next_funding_unix_ms", "computed_at_unix_ms", "impact_bid_price", "impact_ask_price", "impact_notional", "premium_samples", "funding_interval_ms")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    FUNDING_RATE_FIELD_NUMBER: _ClassVar[int]
    PREMIUM_INDEX_FIELD_NUMBER: _ClassVar[int]
    INTEREST_RATE_FIELD_NUMBER: _ClassVar[int]
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    NEXT_FUNDING_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    COMPUTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    IMPACT_BID_PRICE_FIELD_NUMBER: _ClassVar[int]
    IMPACT_ASK_PRICE_FIELD_NUMBER: _ClassVar[int]
    IMPACT_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    PREMIUM_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    FUNDING_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    funding_rate: str
    premium_index: str
    interest_rate: str
    mark_price: str
    index_price: str
    next_funding_unix_ms: int
    computed_at_unix_ms: int
    impact_bid_price: str
    impact_ask_price: str
    impact_notional: str
    premium_samples: int
    funding_interval_ms: int
    def __init__(self, symbol: _Optional[str] = ..., funding_rate: _Optional[str] = ..., premium_index: _Optional[str] = ..., interest_rate: _Optional[str] = ..., mark_price: _Optional[str] = ..., index_price: _Optional[str] = ..., next_funding_unix_ms: _Optional[int] = ..., computed_at_unix_ms: _Optional[int] = ..., impact_bid_price: _Optional[str] = ..., impact_ask_price: _Optional[str] = ..., impact_notional: _Optional[str] = ..., premium_samples: _Optional[int] = ..., funding_interval_ms: _Optional[int] = ...) -> None: ...

class GetOrderBookRequest(_message.Message):
    __slots__ = ("symbol", "depth")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    depth: int
    def __init__(self, symbol: _Optional[str] = ..., depth: _Optional[int] = ...) -> None: ...

class GetOrderBookResponse(_message.Message):
    __slots__ = ("book",)
    BOOK_FIELD_NUMBER: _ClassVar[int]
    book: OrderBook
    def __init__(self, book: _Optional[_Union[OrderBook, _Mapping]] = ...) -> None: ...

class ListTradesRequest(_message.Message):
    __slots__ = ("symbol", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTradesResponse(_message.Message):
    __slots__ = ("trades", "next_page_token")
    TRADES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    trades: _containers.RepeatedCompositeFieldContainer[Trade]
    next_page_token: str
    def __init__(self, trades: _Optional[_Iterable[_Union[Trade, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListCandlesRequest(_message.Message):
    __slots__ = ("symbol", "interval", "start_unix_ms", "end_unix_ms", "page_size", "page_token")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    interval: CandleInterval
    start_unix_ms: int
    end_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, symbol: _Optional[str] = ..., interval: _Optional[_Union[CandleInterval, str]] = ..., start_unix_ms: _Optional[int] = ..., end_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCandlesResponse(_message.Message):
    __slots__ = ("candles", "next_page_token")
    CANDLES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    candles: _containers.RepeatedCompositeFieldContainer[Candle]
    next_page_token: str
    def __init__(self, candles: _Optional[_Iterable[_Union[Candle, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetTickerRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetTickerResponse(_message.Message):
    __slots__ = ("ticker",)
    TICKER_FIELD_NUMBER: _ClassVar[int]
    ticker: Ticker
    def __init__(self, ticker: _Optional[_Union[Ticker, _Mapping]] = ...) -> None: ...

class ListTickersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTickersResponse(_message.Message):
    __slots__ = ("tickers",)
    TICKERS_FIELD_NUMBER: _ClassVar[int]
    tickers: _containers.RepeatedCompositeFieldContainer[Ticker]
    def __init__(self, tickers: _Optional[_Iterable[_Union[Ticker, _Mapping]]] = ...) -> None: ...

class GetIndexPriceRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetIndexPriceResponse(_message.Message):
    __slots__ = ("index_price",)
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    index_price: IndexPrice
    def __init__(self, index_price: _Optional[_Union[IndexPrice, _Mapping]] = ...) -> None: ...

class GetMarkPriceRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetMarkPriceResponse(_message.Message):
    __slots__ = ("mark_price",)
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    mark_price: MarkPrice
    def __init__(self, mark_price: _Optional[_Union[MarkPrice, _Mapping]] = ...) -> None: ...

class StreamOrderBookRequest(_message.Message):
    __slots__ = ("symbol", "depth")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    depth: int
    def __init__(self, symbol: _Optional[str] = ..., depth: _Optional[int] = ...) -> None: ...

class StreamOrderBookResponse(_message.Message):
    __slots__ = ("snapshot", "delta")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    snapshot: OrderBook
    delta: OrderBookDelta
    def __init__(self, snapshot: _Optional[_Union[OrderBook, _Mapping]] = ..., delta: _Optional[_Union[OrderBookDelta, _Mapping]] = ...) -> None: ...

class StreamTradesRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamTradesResponse(_message.Message):
    __slots__ = ("trade",)
    TRADE_FIELD_NUMBER: _ClassVar[int]
    trade: Trade
    def __init__(self, trade: _Optional[_Union[Trade, _Mapping]] = ...) -> None: ...

class StreamTickerRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamTickerResponse(_message.Message):
    __slots__ = ("ticker",)
    TICKER_FIELD_NUMBER: _ClassVar[int]
    ticker: Ticker
    def __init__(self, ticker: _Optional[_Union[Ticker, _Mapping]] = ...) -> None: ...

class StreamCandlesRequest(_message.Message):
    __slots__ = ("symbol", "interval")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    interval: CandleInterval
    def __init__(self, symbol: _Optional[str] = ..., interval: _Optional[_Union[CandleInterval, str]] = ...) -> None: ...

class StreamCandlesResponse(_message.Message):
    __slots__ = ("symbol", "interval", "candle")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    CANDLE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    interval: CandleInterval
    candle: Candle
    def __init__(self, symbol: _Optional[str] = ..., interval: _Optional[_Union[CandleInterval, str]] = ..., candle: _Optional[_Union[Candle, _Mapping]] = ...) -> None: ...

class StreamIndexPriceRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamIndexPriceResponse(_message.Message):
    __slots__ = ("index_price",)
    INDEX_PRICE_FIELD_NUMBER: _ClassVar[int]
    index_price: IndexPrice
    def __init__(self, index_price: _Optional[_Union[IndexPrice, _Mapping]] = ...) -> None: ...

class StreamMarkPriceRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamMarkPriceResponse(_message.Message):
    __slots__ = ("mark_price",)
    MARK_PRICE_FIELD_NUMBER: _ClassVar[int]
    mark_price: MarkPrice
    def __init__(self, mark_price: _Optional[_Union[MarkPrice, _Mapping]] = ...) -> None: ...

class StreamFundingRateRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class StreamFundingRateResponse(_message.Message):
    __slots__ = ("funding_rate",)
    FUNDING_RATE_FIELD_NUMBER: _ClassVar[int]
    funding_rate: FundingRateEstimate
    def __init__(self, funding_rate: _Optional[_Union[FundingRateEstimate, _Mapping]] = ...) -> None: ...
