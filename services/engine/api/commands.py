"""order.command.v1 (tradex.engine.v1.OrderCommand) -> a domain command on the symbol's book.

Decimal prices/quantities become integer ticks/lots here, with the instrument sizes the command
carries. Anything that does not convert exactly is handed to the engine as an invalid integer (0)
so that the engine itself rejects it -- with its own dedup and sequence numbers -- rather than
this layer inventing events.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from tradex.common.v1 import orders_pb2, trading_pb2
from tradex.engine.v1 import events_pb2 as pb

from services.engine.app.book import Applied, OrderMeta, SymbolBook
from services.engine.domain import (
    CancelOrder,
    EngineConfig,
    MatchingEngine,
    NewOrder,
    OrderType,
    RejectReason,
    Side,
    StpMode,
    TimeInForce,
)
from services.platform.decimals import is_plain_decimal

_SIDES = {trading_pb2.SIDE_BUY: Side.BUY, trading_pb2.SIDE_SELL: Side.SELL}
_TYPES = {trading_pb2.ORDER_TYPE_LIMIT: OrderType.LIMIT, trading_pb2.ORDER_TYPE_MARKET: OrderType.MARKET}
_TIFS = {trading_pb2.TIME_IN_FORCE_GTC: TimeInForce.GTC, trading_pb2.TIME_IN_FORCE_IOC: TimeInForce.IOC,
         trading_pb2.TIME_IN_FORCE_FOK: TimeInForce.FOK, trading_pb2.TIME_IN_FORCE_POST_ONLY: TimeInForce.POST_ONLY}
STP_FROM_PB = {orders_pb2.SELF_TRADE_PREVENTION_CANCEL_MAKER: StpMode.CANCEL_MAKER,
               orders_pb2.SELF_TRADE_PREVENTION_CANCEL_TAKER: StpMode.CANCEL_TAKER,
               orders_pb2.SELF_TRADE_PREVENTION_CANCEL_BOTH: StpMode.CANCEL_BOTH}


def to_units(text: str, step: Decimal | None) -> int:
    """Exact integer multiple of ``step``; 0 (which the engine rejects) if not a positive multiple."""
    if not text or step is None or step <= 0:
        return 0
    if not is_plain_decimal(text):  # the platform's one decimal grammar (no "٠.٢", "５０", "1e3")
        return 0
    value = Decimal(text)
    if value <= 0:
        return 0
    units, rest = divmod(value, step)
    return int(units) if rest == 0 else 0


def new_book(symbol: str) -> SymbolBook:
    return SymbolBook(MatchingEngine(EngineConfig(symbol=symbol)))


def apply_command(book: SymbolBook, cmd: pb.OrderCommand) -> list[Applied]:
    kind = cmd.WhichOneof("command")
    cid = cmd.command_id
    if kind == "new_order":
        return _new_order(book, cid, cmd.new_order)
    if kind == "cancel_order":
        c = cmd.cancel_order
        return book.apply(CancelOrder(cid, c.order_id, c.user_id))
    if kind == "amend_order":
        a = cmd.amend_order
        price = to_units(a.price, book.tick) if a.price else None
        total = to_units(a.quantity, book.lot) if a.quantity else None
        return book.apply(book.amend_command(cid, a.order_id, a.user_id, price, total))
    if kind == "cancel_all_orders":
        user_id = cmd.cancel_all_orders.user_id
        return book.apply(lambda engine: engine.cancel_all(cid, user_id))
    # An empty command still occupies the dedup window and changes nothing else.
    return book.apply(lambda engine: [] if engine.has_seen(cid) else _remember(engine, cid))


def _remember(engine: MatchingEngine, cid: str) -> list:
    engine._dedup(cid)  # noqa: SLF001 -- the one place a no-op command is recorded
    return []


def _new_order(book: SymbolBook, cid: str, n: pb.NewOrder) -> list[Applied]:
    # A book takes the instrument sizes of its first order; later orders must match them.
    if not book.tick_size and n.tick_size and n.lot_size:
        book.tick_size, book.lot_size = n.tick_size, n.lot_size
    if (n.tick_size, n.lot_size) != (book.tick_size, book.lot_size) and not _same_sizes(book, n):
        return book.apply(lambda engine: engine.reject_new_order(
            cid, n.order_id, n.user_id, RejectReason.INSTRUMENT_MISMATCH))
    order_type = _TYPES.get(n.order_type, "UNSPECIFIED")
    is_market = order_type is OrderType.MARKET
    tif = _TIFS.get(n.time_in_force, "UNSPECIFIED")
    if is_market and n.time_in_force == trading_pb2.TIME_IN_FORCE_UNSPECIFIED:
        tif = TimeInForce.IOC  # "MARKET orders are always treated as IOC"
    # MARKET: Risk's protection price (when the command carries one) bounds it together with the
    # engine's own band, so the engine never fills beyond the price Risk locked margin at.
    price = None if is_market and not n.price else to_units(n.price, book.tick)
    domain = NewOrder(
        command_id=cid, order_id=n.order_id, user_id=n.user_id, side=_SIDES.get(n.side, "UNSPECIFIED"),
        order_type=order_type, tif=tif, price_ticks=price, qty_lots=to_units(n.quantity, book.lot),
        reduce_only=n.reduce_only, is_liquidation=n.is_liquidation,
        stp_mode=STP_FROM_PB.get(n.self_trade_prevention))
    meta = OrderMeta(leverage=n.leverage, original_lots=0, filled_lots=0, reduce_only=n.reduce_only,
                     is_liquidation=n.is_liquidation, liquidation_id=n.liquidation_id, priority_seq=0)
    return book.apply(domain, meta)


def _same_sizes(book: SymbolBook, n: pb.NewOrder) -> bool:
    """"0.10" and "0.1" are the same size."""
    try:
        return Decimal(n.tick_size) == book.tick and Decimal(n.lot_size) == book.lot
    except (InvalidOperation, TypeError):
        return False
