"""Domain events (with their order metadata) -> tradex.engine.v1.EngineEvent protos.

Every field is a function of the command and the book state only (occurred_at is the command's
issued_at_unix_ms), so replaying a command yields byte-identical records.

Where the core's vocabulary is finer or coarser than the contract's:
- a remainder removed by time in force (IOC/MARKET remainder, market protection band) is an
  OrderExpired (IOC_REMAINDER); an unfillable FOK, which the core rejects outright, is an
  OrderExpired (FOK_NOT_FILLABLE) of the whole quantity; a MARKET order on an empty side
  (NO_LIQUIDITY) is an OrderExpired (IOC_REMAINDER). The order service sees them as expiries.
- other rejections keep their closest OrderRejectReason, with the core's reason in `message`.
- a user cancel carries the command's own reason (CANCEL_ALL, LIQUIDATION...) when it gave one.
"""
from __future__ import annotations

from decimal import Decimal

from tradex.common.v1 import orders_pb2, trading_pb2
from tradex.engine.v1 import events_pb2 as pb

from services.engine.app.book import Applied, SymbolBook
from services.engine.domain import (
    BookDelta,
    CancelReason,
    CommandKind,
    CommandRejected,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderRejected,
    RejectReason,
    Trade,
)
from services.platform.decimals import format_decimal

SIDE_PB = {"BUY": trading_pb2.SIDE_BUY, "SELL": trading_pb2.SIDE_SELL}
TYPE_PB = {"LIMIT": trading_pb2.ORDER_TYPE_LIMIT, "MARKET": trading_pb2.ORDER_TYPE_MARKET}
TIF_PB = {"GTC": trading_pb2.TIME_IN_FORCE_GTC, "IOC": trading_pb2.TIME_IN_FORCE_IOC,
          "FOK": trading_pb2.TIME_IN_FORCE_FOK, "POST_ONLY": trading_pb2.TIME_IN_FORCE_POST_ONLY}
STP_PB = {"CANCEL_MAKER": orders_pb2.SELF_TRADE_PREVENTION_CANCEL_MAKER,
          "CANCEL_TAKER": orders_pb2.SELF_TRADE_PREVENTION_CANCEL_TAKER,
          "CANCEL_BOTH": orders_pb2.SELF_TRADE_PREVENTION_CANCEL_BOTH}
_REJECT_PB = {
    RejectReason.DUPLICATE_ORDER_ID: orders_pb2.ORDER_REJECT_REASON_DUPLICATE_ORDER_ID,
    RejectReason.POST_ONLY_WOULD_TAKE: orders_pb2.ORDER_REJECT_REASON_POST_ONLY_WOULD_TAKE,
    RejectReason.INVALID_PRICE: orders_pb2.ORDER_REJECT_REASON_INVALID_PRICE,
    RejectReason.INVALID_QUANTITY: orders_pb2.ORDER_REJECT_REASON_INVALID_QUANTITY,
    RejectReason.INSTRUMENT_MISMATCH: orders_pb2.ORDER_REJECT_REASON_INSTRUMENT_MISMATCH,
}
_COMMAND_REJECT_PB = {
    RejectReason.UNKNOWN_ORDER: pb.COMMAND_REJECT_REASON_UNKNOWN_ORDER,
    RejectReason.NOT_ORDER_OWNER: pb.COMMAND_REJECT_REASON_NOT_OWNER,
    RejectReason.INVALID_PRICE: pb.COMMAND_REJECT_REASON_INVALID_PRICE,
    RejectReason.INVALID_QUANTITY: pb.COMMAND_REJECT_REASON_INVALID_QUANTITY,
    RejectReason.POST_ONLY_WOULD_TAKE: pb.COMMAND_REJECT_REASON_POST_ONLY_WOULD_TAKE,
    RejectReason.INVALID_AMEND: pb.COMMAND_REJECT_REASON_NO_CHANGE,
}
_COMMAND_TYPE_PB = {CommandKind.NEW: pb.COMMAND_TYPE_NEW_ORDER, CommandKind.CANCEL: pb.COMMAND_TYPE_CANCEL_ORDER,
                    CommandKind.AMEND: pb.COMMAND_TYPE_AMEND_ORDER}


class Units:
    """ticks/lots -> canonical decimal strings for one book."""

    def __init__(self, book: SymbolBook) -> None:
        self.tick = book.tick or Decimal(0)
        self.lot = book.lot or Decimal(0)

    def price(self, ticks: int) -> str:
        return format_decimal(self.tick * ticks)

    def qty(self, lots: int) -> str:
        return format_decimal(self.lot * lots)


def command_cancel_reason(cmd: pb.OrderCommand) -> int:
    kind = cmd.WhichOneof("command")
    if kind == "cancel_order" and cmd.cancel_order.reason:
        return cmd.cancel_order.reason
    if kind == "cancel_all_orders":
        return cmd.cancel_all_orders.reason or orders_pb2.ORDER_CANCEL_REASON_CANCEL_ALL
    return orders_pb2.ORDER_CANCEL_REASON_USER_REQUESTED


def to_protos(book: SymbolBook, applied: list[Applied], cmd: pb.OrderCommand, partition: int,
              offset: int) -> list[pb.EngineEvent]:
    units = Units(book)
    out = []
    for i, item in enumerate(applied):
        ev = item.event
        msg = pb.EngineEvent(
            event_id=ev.event_id, symbol=ev.symbol, engine_seq=ev.seq, command_id=ev.command_id,
            input_partition=partition, input_offset=offset, occurred_at_unix_ms=cmd.issued_at_unix_ms,
            last_in_command=i == len(applied) - 1)
        _fill_body(msg, item, units, book, cmd)
        out.append(msg)
    return out


def _fill_body(msg: pb.EngineEvent, item: Applied, u: Units, book: SymbolBook, cmd: pb.OrderCommand) -> None:
    ev, m = item.event, item.meta
    if isinstance(ev, OrderAccepted):
        msg.order_accepted.CopyFrom(pb.OrderAccepted(
            order_id=ev.order_id, user_id=ev.user_id, side=SIDE_PB[ev.side], order_type=TYPE_PB[ev.order_type],
            time_in_force=TIF_PB[ev.tif], price=u.price(ev.price_ticks), quantity=u.qty(ev.qty_lots),
            leverage=m.leverage, reduce_only=ev.reduce_only, is_liquidation=ev.is_liquidation,
            liquidation_id=m.liquidation_id))
    elif isinstance(ev, OrderRejected):
        if ev.reason in (RejectReason.FOK_NOT_FILLABLE, RejectReason.NO_LIQUIDITY):
            reason = (orders_pb2.ORDER_EXPIRE_REASON_FOK_NOT_FILLABLE if ev.reason is RejectReason.FOK_NOT_FILLABLE
                      else orders_pb2.ORDER_EXPIRE_REASON_IOC_REMAINDER)
            msg.order_expired.CopyFrom(pb.OrderExpired(
                order_id=ev.order_id, user_id=ev.user_id, reason=reason,
                expired_quantity=cmd.new_order.quantity, filled_quantity="0"))
        else:
            msg.order_rejected.CopyFrom(pb.OrderRejected(
                order_id=ev.order_id, user_id=ev.user_id,
                reason=_REJECT_PB.get(ev.reason, orders_pb2.ORDER_REJECT_REASON_UNSPECIFIED), message=str(ev.reason)))
    elif isinstance(ev, CommandRejected):
        msg.command_rejected.CopyFrom(pb.CommandRejected(
            command_type=_COMMAND_TYPE_PB.get(ev.command, pb.COMMAND_TYPE_UNSPECIFIED), order_id=ev.order_id,
            user_id=ev.user_id, reason=_COMMAND_REJECT_PB.get(ev.reason, pb.COMMAND_REJECT_REASON_UNSPECIFIED),
            message=str(ev.reason)))
    elif isinstance(ev, Trade):
        mk = item.maker_meta
        msg.trade_executed.CopyFrom(pb.TradeExecuted(
            trade_id=ev.trade_id, price=u.price(ev.price_ticks), quantity=u.qty(ev.qty_lots),
            taker_side=SIDE_PB[ev.taker_side], maker_order_id=ev.maker_order_id, maker_user_id=ev.maker_user_id,
            taker_order_id=ev.taker_order_id, taker_user_id=ev.taker_user_id,
            maker_remaining_quantity=u.qty(ev.maker_remaining_lots),
            taker_remaining_quantity=u.qty(ev.taker_remaining_lots),
            maker_leverage=mk.leverage, taker_leverage=m.leverage, maker_reduce_only=mk.reduce_only,
            taker_reduce_only=m.reduce_only, taker_is_liquidation=m.is_liquidation,
            liquidation_id=m.liquidation_id))
    elif isinstance(ev, OrderCancelled):
        if ev.reason in (CancelReason.USER_REQUESTED, CancelReason.SELF_TRADE_PREVENTION):
            reason = (orders_pb2.ORDER_CANCEL_REASON_SELF_TRADE_PREVENTION
                      if ev.reason is CancelReason.SELF_TRADE_PREVENTION else command_cancel_reason(cmd))
            msg.order_cancelled.CopyFrom(pb.OrderCancelled(
                order_id=ev.order_id, user_id=ev.user_id, reason=reason,
                cancelled_quantity=u.qty(ev.cancelled_lots), filled_quantity=u.qty(m.filled_lots)))
        else:
            msg.order_expired.CopyFrom(pb.OrderExpired(
                order_id=ev.order_id, user_id=ev.user_id, reason=orders_pb2.ORDER_EXPIRE_REASON_IOC_REMAINDER,
                expired_quantity=u.qty(ev.cancelled_lots), filled_quantity=u.qty(m.filled_lots)))
    elif isinstance(ev, OrderAmended):
        msg.order_amended.CopyFrom(pb.OrderAmended(
            order_id=ev.order_id, user_id=ev.user_id, old_price=u.price(ev.old_price_ticks),
            old_quantity=u.qty(m.filled_lots + ev.old_qty_lots), price=u.price(ev.new_price_ticks),
            quantity=u.qty(m.filled_lots + ev.new_qty_lots), remaining_quantity=u.qty(ev.new_qty_lots),
            priority_kept=ev.priority_kept))
    elif isinstance(ev, BookDelta):
        # The core emits a level's delta after the last change to it in the command, so the
        # level's order count now is its count at the delta.
        msg.book_delta.CopyFrom(pb.BookDelta(
            side=SIDE_PB[ev.side], price=u.price(ev.price_ticks), quantity=u.qty(ev.qty_lots),
            order_count=book.engine.level_count(ev.side, ev.price_ticks) if ev.qty_lots else 0))
    else:  # pragma: no cover - the core has no other event types
        raise TypeError(f"unmapped engine event {type(ev).__name__}")
