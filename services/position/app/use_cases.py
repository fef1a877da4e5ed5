"""The Position service's use cases. Each consumer handler runs in the EventConsumer's one
transaction (after its inbox claim): ledger entries, the live position, and the events they owe
(position.updated/closed.v1, settlement.v1) commit together or not at all. The ledger's unique
entry ids make each entry idempotent on top of the inbox (a trade replayed under another event
id, a funding payment published twice)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.ids import now_ms
from services.position.adapters import publisher, store
from services.position.adapters.instruments import InstrumentDirectory
from services.position.domain.adl import adl_score, queue_position
from services.position.domain.model import (
    Fill,
    PositionState,
    Role,
    fill_deltas,
    fold,
    funding_delta,
    replay,
)
from services.position.domain.valuation import Valuation, value

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TradeLeg:
    """One order's side of an engine trade, as the engine event carries it."""

    order_id: str
    user_id: str
    buy: bool
    role: Role
    leverage: Decimal
    reduce_only: bool
    is_liquidation: bool
    # An auto-deleveraging leg (settlement.adl.triggered.v1): no fee is charged.
    fee_free: bool = False


@dataclass(frozen=True)
class Trade:
    trade_id: str
    symbol: str
    price: Decimal
    quantity: Decimal
    legs: tuple[TradeLeg, ...]
    at_unix_ms: int  # the engine event's time
    source_event_id: str
    # Booked from settlement.adl.triggered.v1 (cause ADL), not from an engine trade.
    adl: bool = False


@dataclass(frozen=True)
class FundingPayment:
    funding_id: str
    user_id: str
    symbol: str
    asset: str
    amount: Decimal
    cycle_ts_unix_ms: int
    source_event_id: str


@dataclass(frozen=True)
class ValuedPosition:
    state: PositionState
    valuation: Valuation
    # (score, 1-based queue position) in the symbol's ADL queue; None without a mark.
    adl: tuple[Decimal, int] | None = None


@dataclass
class PositionUseCases:
    engine: AsyncEngine
    instruments: InstrumentDirectory
    on_events_committed: Callable[[], None] = lambda: None

    async def _state(self, conn: AsyncConnection, user_id: str, symbol: str, asset: str) -> PositionState:
        return await store.get_for_update(conn, user_id, symbol) or PositionState(user_id, symbol, asset)

    async def apply_trade(self, conn: AsyncConnection, trade: Trade) -> int:
        """Both sides of one trade; returns how many ledger entries it added."""
        instrument = await self.instruments.get(trade.symbol)
        added = 0
        # A fixed lock order (by user) so that two transactions never wait on each other.
        for leg in sorted(trade.legs, key=lambda leg: (leg.user_id, leg.order_id)):
            state = await self._state(conn, leg.user_id, trade.symbol, instrument.asset)
            fill = Fill(trade_id=trade.trade_id, order_id=leg.order_id, user_id=leg.user_id, symbol=trade.symbol,
                        asset=instrument.asset, buy=leg.buy, price=trade.price, quantity=trade.quantity,
                        leverage=leg.leverage, reduce_only=leg.reduce_only, is_liquidation=leg.is_liquidation,
                        fee_rate=Decimal(0) if leg.fee_free else instrument.fee_rate(leg.role),
                        at_unix_ms=trade.at_unix_ms,
                        source_event_id=trade.source_event_id)
            deltas, settlement = fill_deltas(state, fill)
            applied = False
            for delta in deltas:
                if not await store.append(conn, delta):
                    log.info("ledger entry already applied; skipped", extra={"entry_id": delta.entry_id})
                    continue
                applied = True
                after = fold(state, delta)
                await publisher.position_changed(conn, state, after, delta, liquidation=leg.is_liquidation,
                                                 adl=trade.adl)
                state = after
                added += 1
            if applied:
                await store.save(conn, state)
                await publisher.trade_settlement(conn, settlement)
                await store.mark_dirty(conn, leg.user_id)
        return added

    async def apply_funding(self, conn: AsyncConnection, payment: FundingPayment) -> bool:
        state = await self._state(conn, payment.user_id, payment.symbol, payment.asset)
        delta = funding_delta(state, funding_id=payment.funding_id, amount=payment.amount,
                              at_unix_ms=payment.cycle_ts_unix_ms, source_event_id=payment.source_event_id)
        if not await store.append(conn, delta):
            return False
        after = fold(state, delta)
        await publisher.position_changed(conn, state, after, delta)
        await store.save(conn, after)
        await publisher.funding_settlement(conn, delta)
        await store.mark_dirty(conn, payment.user_id)
        return True

    async def apply_mark(self, conn: AsyncConnection, symbol: str, price: Decimal, at_unix_ms: int) -> None:
        await store.upsert_mark(conn, symbol, price, at_unix_ms)

    async def _valued(self, conn: AsyncConnection, states: list[PositionState]) -> list[ValuedPosition]:
        marks = await store.get_marks(conn, sorted({s.symbol for s in states}))
        valued = []
        for s in states:
            instrument = await self.instruments.get(s.symbol)
            valued.append(ValuedPosition(s, value(s, marks.get(s.symbol), instrument.maintenance_margin_rate)))
        return valued

    async def list_positions(self, user_id: str, symbol: str = "") -> list[ValuedPosition]:
        async with self.engine.connect() as conn:
            valued = await self._valued(conn, await store.user_positions(conn, user_id, symbol))
            others = await store.symbol_positions(conn, sorted({v.state.symbol for v in valued
                                                                if v.valuation.mark_price is not None}))
        ranked = []
        for v in valued:
            mark = v.valuation.mark_price
            if mark is None:
                ranked.append(v)
                continue
            peers = others.get(v.state.symbol, [])
            ranked.append(ValuedPosition(v.state, v.valuation,
                                         (adl_score(v.state, mark), queue_position(v.state, peers, mark))))
        return ranked

    async def positions_as_of(self, symbol: str, as_of_unix_ms: int) -> tuple[list[PositionState], int, int]:
        """Every non-flat position of a symbol replayed from the ledger up to as_of (0: now), ordered by
        user; with the instant used and the event time of the latest entry applied."""
        as_of = as_of_unix_ms or now_ms()
        async with self.engine.connect() as conn:
            deltas = await store.ledger_for_symbol(conn, symbol, as_of)
            through = await store.applied_through(conn, symbol)
        states = replay(deltas)
        return sorted((s for s in states.values() if s.size != 0), key=lambda s: s.user_id), as_of, through

    async def publish_due_exposures(self, interval_ms: int, limit: int = 200) -> int:
        """risk.exposure.v2 for users whose positions changed, at most once per interval per user, and
        always their latest state (read when published)."""
        now = now_ms()
        async with self.engine.begin() as conn:
            due = await store.due_exposures(conn, now - interval_ms, limit)
            for user_id, version in due:
                valued = await self._valued(conn, await store.user_positions(conn, user_id))
                await publisher.exposure(conn, user_id, version + 1, [(v.state, v.valuation) for v in valued], now)
                await store.exposure_published(conn, user_id, version + 1, now)
        if due:
            self.on_events_committed()
        return len(due)
