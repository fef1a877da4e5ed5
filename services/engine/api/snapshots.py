"""SymbolBook <-> tradex.engine.v1.BookSnapshot, and the BookHash message.

The snapshot carries everything a restore needs to continue byte-identically: the core's state
(book in priority order, seq, dedup window, config), the per-order metadata, the instrument sizes
and the input position it covers.
"""
from __future__ import annotations

from decimal import Decimal

from tradex.engine.v1 import events_pb2 as pb

from services.engine.api.commands import STP_FROM_PB
from services.engine.api.events import SIDE_PB, STP_PB, TIF_PB, Units
from services.engine.app.book import InputPosition, OrderMeta, SymbolBook
from services.engine.domain import SNAPSHOT_FORMAT, EngineConfig, MatchingEngine, StpMode

_TIF_FROM_PB = {v: k for k, v in TIF_PB.items()}


def config_to_pb(c: EngineConfig) -> pb.EngineConfig:
    msg = pb.EngineConfig(default_self_trade_prevention=STP_PB[str(c.default_stp_mode)], dedup_window=c.dedup_window)
    if c.market_band_ticks is not None:
        msg.market_band_ticks = c.market_band_ticks
    else:
        msg.market_band_bps = c.market_band_bps
    return msg


def config_from_pb(symbol: str, msg: pb.EngineConfig) -> EngineConfig:
    band = msg.WhichOneof("market_band")
    return EngineConfig(
        symbol=symbol,
        default_stp_mode=STP_FROM_PB.get(msg.default_self_trade_prevention, StpMode.CANCEL_MAKER),
        market_band_ticks=msg.market_band_ticks if band == "market_band_ticks" else None,
        market_band_bps=msg.market_band_bps if band == "market_band_bps" else None,
        dedup_window=msg.dedup_window or EngineConfig(symbol=symbol).dedup_window)


def to_snapshot(book: SymbolBook) -> pb.BookSnapshot:
    snap = book.engine.snapshot()
    units = Units(book)

    def resting(d: dict, side: str) -> pb.RestingOrder:
        m = book.meta.get(d["order_id"]) or OrderMeta("", d["qty_lots"], 0, d["reduce_only"], False, "", 0)
        return pb.RestingOrder(
            order_id=d["order_id"], user_id=d["user_id"], side=SIDE_PB[side], price=units.price(d["price_ticks"]),
            quantity=units.qty(d["qty_lots"]), price_ticks=d["price_ticks"], quantity_lots=d["qty_lots"],
            original_quantity=units.qty(m.original_lots), filled_quantity=units.qty(m.filled_lots),
            time_in_force=TIF_PB[d["tif"]], leverage=m.leverage, reduce_only=d["reduce_only"],
            self_trade_prevention=STP_PB[d["stp_mode"]], priority_seq=m.priority_seq)

    pos = book.position
    return pb.BookSnapshot(
        symbol=book.symbol, engine_seq=snap["engine_seq"], input_partition=pos.partition, input_offset=pos.offset,
        tick_size=book.tick_size, lot_size=book.lot_size,
        bids=[resting(d, "BUY") for d in snap["bids"]], asks=[resting(d, "SELL") for d in snap["asks"]],
        processed_command_ids=snap["seen_command_ids"], taken_at_unix_ms=pos.issued_at_unix_ms,
        book_hash=book.engine.book_hash(), config=config_to_pb(book.engine.config))


def from_snapshot(msg: pb.BookSnapshot) -> SymbolBook:
    """Restores a book; raises ValueError if the snapshot does not reproduce its own hash."""
    def order(o: pb.RestingOrder) -> dict:
        # Resting orders are never liquidation orders (those are IOC), so the flag is False.
        return {"order_id": o.order_id, "user_id": o.user_id, "price_ticks": o.price_ticks,
                "qty_lots": o.quantity_lots, "tif": _TIF_FROM_PB[o.time_in_force],
                "stp_mode": str(STP_FROM_PB[o.self_trade_prevention]), "reduce_only": o.reduce_only,
                "is_liquidation": False}

    config = config_from_pb(msg.symbol, msg.config)
    engine = MatchingEngine.restore({
        "format": SNAPSHOT_FORMAT, "symbol": msg.symbol, "engine_seq": msg.engine_seq, "config": config.to_dict(),
        "bids": [order(o) for o in msg.bids], "asks": [order(o) for o in msg.asks],
        "seen_command_ids": list(msg.processed_command_ids)})
    if msg.book_hash and engine.book_hash() != msg.book_hash:
        raise ValueError(f"snapshot of {msg.symbol} at seq {msg.engine_seq} does not match its book hash")
    book = SymbolBook(engine, msg.tick_size, msg.lot_size,
                      position=InputPosition(msg.input_partition, msg.input_offset, msg.taken_at_unix_ms))
    lot = book.lot
    for o in list(msg.bids) + list(msg.asks):
        original = int(_div(o.original_quantity, lot)) if lot else o.quantity_lots
        filled = int(_div(o.filled_quantity, lot)) if lot else 0
        book.meta[o.order_id] = OrderMeta(o.leverage, original, filled, o.reduce_only, False, "", o.priority_seq)
    return book


def _div(text: str, step: Decimal) -> Decimal:
    return Decimal(text or "0") / step


def to_book_hash(book: SymbolBook) -> pb.BookHash:
    pos = book.position
    return pb.BookHash(
        symbol=book.symbol, engine_seq=book.engine.seq, input_partition=pos.partition, input_offset=pos.offset,
        algorithm=pb.BOOK_HASH_ALGORITHM_SHA256_V1, hash=book.engine.book_hash(),
        order_count=book.engine.open_order_count(), taken_at_unix_ms=pos.issued_at_unix_ms)
