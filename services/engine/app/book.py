"""One symbol's book as the service runs it: the pure MatchingEngine plus what the contracts need
that the engine core does not track (no protobuf here).

The engine core knows open quantities in lots; the events and snapshots also carry each resting
order's leverage, total/filled quantity, liquidation id and queue position (priority_seq). Those
are derived from the command stream only, so they are as deterministic as the engine itself and
travel in the snapshot with it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from services.engine.domain import (
    AmendOrder,
    MatchingEngine,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    Trade,
)


@dataclass(slots=True)
class OrderMeta:
    leverage: str
    original_lots: int  # total quantity (filled + open)
    filled_lots: int
    reduce_only: bool
    is_liquidation: bool
    liquidation_id: str
    priority_seq: int  # seq of the event that gave the order its queue position


@dataclass(slots=True)
class Applied:
    """One domain event with the order metadata as it was when the event happened (before the
    event's own effect on it), which the proto mapping needs."""

    event: object
    meta: OrderMeta | None = None  # the order the event is about (taker for a Trade)
    maker_meta: OrderMeta | None = None  # Trade only


@dataclass(slots=True)
class InputPosition:
    partition: int = 0
    offset: int = -1  # -1: no command applied yet
    issued_at_unix_ms: int = 0


_EMPTY = OrderMeta("", 0, 0, False, False, "", 0)


class SymbolBook:
    def __init__(self, engine: MatchingEngine, tick_size: str = "", lot_size: str = "",
                 meta: dict[str, OrderMeta] | None = None, position: InputPosition | None = None) -> None:
        self.engine = engine
        # Strings as first given (the contract echoes them); "" until the first NewOrder.
        self.tick_size = tick_size
        self.lot_size = lot_size
        self.meta: dict[str, OrderMeta] = meta or {}
        self.position = position or InputPosition()
        self.commands_since_snapshot = 0

    @property
    def symbol(self) -> str:
        return self.engine.symbol

    @property
    def tick(self) -> Decimal | None:
        return Decimal(self.tick_size) if self.tick_size else None

    @property
    def lot(self) -> Decimal | None:
        return Decimal(self.lot_size) if self.lot_size else None

    def apply(self, command, new_meta: OrderMeta | None = None) -> list[Applied]:
        """Run a domain command (or a callable taking the engine, for the additive helpers) and
        keep the metadata in step. ``new_meta`` describes a NewOrder's order."""
        events = command(self.engine) if callable(command) else self.engine.process(command)
        out: list[Applied] = []
        touched: set[str] = set()
        for ev in events:
            if isinstance(ev, OrderAccepted):
                m = replace(new_meta or _EMPTY, original_lots=ev.qty_lots, filled_lots=0, priority_seq=ev.seq)
                self.meta[ev.order_id] = m
                touched.add(ev.order_id)
                out.append(Applied(ev, m))
            elif isinstance(ev, Trade):
                maker = self.meta.get(ev.maker_order_id)
                taker = self.meta.get(ev.taker_order_id)
                out.append(Applied(ev, replace(taker or _EMPTY), replace(maker or _EMPTY)))
                for m in (maker, taker):
                    if m is not None:
                        m.filled_lots += ev.qty_lots
                touched.update((ev.maker_order_id, ev.taker_order_id))
            elif isinstance(ev, OrderCancelled):
                out.append(Applied(ev, replace(self.meta.get(ev.order_id, _EMPTY))))
                touched.add(ev.order_id)
            elif isinstance(ev, OrderAmended):
                m = self.meta.get(ev.order_id)
                before = replace(m) if m else replace(_EMPTY)
                out.append(Applied(ev, before))
                if m is not None:
                    m.original_lots = m.filled_lots + ev.new_qty_lots
                    if not ev.priority_kept:
                        m.priority_seq = ev.seq
                touched.add(ev.order_id)
            else:
                out.append(Applied(ev))
        # Orders that no longer rest need no metadata (the engine keeps no history either).
        for oid in touched:
            if oid in self.meta and self.engine.open_order(oid) is None:
                del self.meta[oid]
        return out

    def amend_command(self, command_id: str, order_id: str, user_id: str, price_ticks: int | None,
                      total_lots: int | None) -> AmendOrder:
        """The contract's amend quantity is the new TOTAL (filled included); the engine wants the
        new OPEN quantity. A total not above the filled part becomes 0, which the engine rejects
        as INVALID_QUANTITY."""
        open_lots = None
        if total_lots is not None:
            m = self.meta.get(order_id)
            open_lots = max(0, total_lots - m.filled_lots) if m is not None else total_lots
        return AmendOrder(command_id, order_id, user_id, price_ticks, open_lots)
