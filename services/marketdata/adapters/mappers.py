"""Protobuf <-> domain for the Market Data service: for its servicer and consumers (api/) and for the
events the app writes to the outbox (an adapter, so the app needs nothing from api/)."""
from __future__ import annotations

from decimal import Decimal

from tradex.common.v1 import trading_pb2
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.marketdata.v1 import marketdata_pb2 as pb

from services.marketdata.adapters.store import TradeRow
from services.marketdata.domain.candles import Candle, Interval
from services.marketdata.domain.feed import BookDelta, BookHashCheck, EngineItem, EngineSnapshot, RestingOrder
from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument
from services.platform.events import MalformedEvent
from services.platform.public_book import ASK, BID, Level, PublicBook

SIDE_TO_BOOK = {trading_pb2.SIDE_BUY: BID, trading_pb2.SIDE_SELL: ASK}
SIDE_NAME = {trading_pb2.SIDE_BUY: "BUY", trading_pb2.SIDE_SELL: "SELL"}
SIDE_FROM_NAME = {"BUY": trading_pb2.SIDE_BUY, "SELL": trading_pb2.SIDE_SELL}
INTERVALS = {
    pb.CANDLE_INTERVAL_ONE_MINUTE: Interval.ONE_MINUTE,
    pb.CANDLE_INTERVAL_FIVE_MINUTES: Interval.FIVE_MINUTES,
    pb.CANDLE_INTERVAL_FIFTEEN_MINUTES: Interval.FIFTEEN_MINUTES,
    pb.CANDLE_INTERVAL_ONE_HOUR: Interval.ONE_HOUR,
    pb.CANDLE_INTERVAL_FOUR_HOURS: Interval.FOUR_HOURS,
    pb.CANDLE_INTERVAL_ONE_DAY: Interval.ONE_DAY,
}
INTERVALS_PB = {v: k for k, v in INTERVALS.items()}


def _dec(event_id: str, field: str, text: str) -> Decimal:
    try:
        return parse_decimal(field, text)
    except InvalidArgument as exc:
        raise MalformedEvent(f"{event_id}: {exc.message}") from None


def engine_item(event: engine_pb.EngineEvent, at_unix_ms: int) -> EngineItem:
    if event.WhichOneof("event") != "book_delta":
        return EngineItem(event.engine_seq, at_unix_ms, last_in_command=event.last_in_command)
    d = event.book_delta
    side = SIDE_TO_BOOK.get(d.side)
    if side is None:
        raise MalformedEvent(f"{event.event_id}: book_delta.side is required")
    level = Level(_dec(event.event_id, "price", d.price), _dec(event.event_id, "quantity", d.quantity), d.order_count)
    return EngineItem(event.engine_seq, at_unix_ms, side, level, event.last_in_command)


def trade_row(event: engine_pb.EngineEvent, at_unix_ms: int) -> TradeRow:
    t = event.trade_executed
    side = SIDE_NAME.get(t.taker_side)
    if side is None:
        raise MalformedEvent(f"{event.event_id}: taker_side is required")
    price, quantity = _dec(event.event_id, "price", t.price), _dec(event.event_id, "quantity", t.quantity)
    return TradeRow(t.trade_id or event.event_id, event.symbol, event.engine_seq, price, quantity, price * quantity,
                    side, t.taker_is_liquidation, at_unix_ms)


def _resting(o: engine_pb.RestingOrder, side: str) -> RestingOrder:
    return RestingOrder(o.order_id, o.user_id, side, Decimal(o.price), Decimal(o.quantity), o.price_ticks,
                        o.quantity_lots)


def engine_snapshot(s: engine_pb.BookSnapshot) -> EngineSnapshot:
    return EngineSnapshot(s.symbol, s.engine_seq, s.taken_at_unix_ms, tuple(_resting(o, BID) for o in s.bids),
                          tuple(_resting(o, ASK) for o in s.asks), s.book_hash)


def book_hash(h: engine_pb.BookHash) -> BookHashCheck:
    return BookHashCheck(h.symbol, h.engine_seq, h.order_count, h.hash)


def levels_pb(levels: list[Level]) -> list[pb.PriceLevel]:
    return [pb.PriceLevel(price=format_decimal(lv.price), quantity=format_decimal(lv.quantity),
                          order_count=lv.order_count) for lv in levels]


def book_pb(book: PublicBook, depth: int | None = None) -> pb.OrderBook:
    return pb.OrderBook(symbol=book.symbol, bids=levels_pb(book.bids(depth)), asks=levels_pb(book.asks(depth)),
                        engine_seq=book.seq, updated_at_unix_ms=book.updated_at_unix_ms, checksum=book.checksum())


def delta_pb(d: BookDelta) -> pb.OrderBookDelta:
    return pb.OrderBookDelta(symbol=d.symbol, bids=levels_pb(d.bids), asks=levels_pb(d.asks),
                             first_engine_seq=d.first_seq, last_engine_seq=d.last_seq,
                             prev_last_engine_seq=d.prev_seq, updated_at_unix_ms=d.at_unix_ms, checksum=d.checksum)


def trade_pb(t: TradeRow) -> pb.Trade:
    return pb.Trade(trade_id=t.trade_id, symbol=t.symbol, price=format_decimal(t.price),
                    quantity=format_decimal(t.quantity), quote_quantity=format_decimal(t.quote_quantity),
                    taker_side=SIDE_FROM_NAME[t.taker_side], is_liquidation=t.is_liquidation,
                    engine_seq=t.engine_seq, executed_at_unix_ms=t.executed_at_unix_ms)


def candle_pb(c: Candle) -> pb.Candle:
    return pb.Candle(open_time_unix_ms=c.open_time_unix_ms, close_time_unix_ms=c.close_time_unix_ms,
                     open=format_decimal(c.open), high=format_decimal(c.high), low=format_decimal(c.low),
                     close=format_decimal(c.close), volume=format_decimal(c.volume),
                     quote_volume=format_decimal(c.quote_volume), trade_count=c.trade_count, closed=c.closed)
