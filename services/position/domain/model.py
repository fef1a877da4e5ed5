"""Positions as a fold over an append-only ledger. Pure: no protobuf, no I/O.

One-way mode: per (user, symbol) one signed net position. The position keeps its cost basis
(signed sum of quantity * price of the open size) rather than a rounded average entry, so that
a reduction removes a proportional share of the cost and a full close removes all of it: over a
position's life the realized PnL is exactly -(sum of signed quantity * price of its fills), and
over all users of a symbol (every fill has a buyer and a seller) it sums to zero.

A fill becomes one or two ledger entries (`Delta`): the reducing part and, when it flips the
position through zero, the opening part. Live state and as-of replays are both `fold()` over
the same entries, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from services.position.domain import money
from services.position.domain.money import ZERO


class EntryKind(Enum):
    TRADE = "TRADE"
    FUNDING = "FUNDING"


class Role(Enum):
    MAKER = "MAKER"
    TAKER = "TAKER"


@dataclass(frozen=True)
class PositionState:
    user_id: str
    symbol: str
    asset: str
    size: Decimal = ZERO  # signed: > 0 LONG, < 0 SHORT
    cost: Decimal = ZERO  # signed: sum of quantity * price of the open size
    margin: Decimal = ZERO  # position margin the wallet holds for it
    realized_pnl: Decimal = ZERO  # since opened, funding and fees excluded
    fees: Decimal = ZERO  # since opened
    funding: Decimal = ZERO  # since opened; positive received
    leverage: Decimal = ZERO  # of the latest opening fill
    opened_at_unix_ms: int = 0
    updated_at_unix_ms: int = 0
    version: int = 0

    @property
    def entry_price(self) -> Decimal:
        if self.size == 0:
            return ZERO
        return money.divide(abs(self.cost), abs(self.size))

    @property
    def side(self) -> str:
        return "LONG" if self.size > 0 else "SHORT" if self.size < 0 else ""


@dataclass(frozen=True)
class Delta:
    """One ledger entry: what it changes, signed."""

    entry_id: str
    kind: EntryKind
    user_id: str
    symbol: str
    asset: str
    at_unix_ms: int  # the engine's (or the funding cycle's) time, never the consumer's clock
    source_event_id: str
    quantity: Decimal = ZERO  # signed fill quantity of this part
    price: Decimal = ZERO
    cost: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fee: Decimal = ZERO
    funding: Decimal = ZERO
    margin: Decimal = ZERO  # signed: + margin in, - margin released
    leverage: Decimal | None = None  # set on opening parts
    trade_id: str = ""
    order_id: str = ""


@dataclass(frozen=True)
class Fill:
    """One side of one trade, with what Position needs to know about its order (the engine echoes
    leverage, reduce_only and is_liquidation; the fee rate is the instrument's for the role)."""

    trade_id: str
    order_id: str
    user_id: str
    symbol: str
    asset: str
    buy: bool
    price: Decimal
    quantity: Decimal  # > 0
    leverage: Decimal
    reduce_only: bool
    is_liquidation: bool
    fee_rate: Decimal
    at_unix_ms: int
    source_event_id: str


@dataclass(frozen=True)
class TradeSettlement:
    """The one instruction for the wallet for one fill of one order."""

    settlement_id: str
    user_id: str
    asset: str
    symbol: str
    trade_id: str
    order_id: str
    fee: Decimal
    realized_pnl: Decimal
    margin_in: Decimal
    margin_released: Decimal
    at_unix_ms: int
    source_event_id: str

    @property
    def amount(self) -> Decimal:
        return self.realized_pnl - self.fee


def trade_settlement_id(trade_id: str, order_id: str) -> str:
    return f"trade:{trade_id}:{order_id}"


def fold(state: PositionState, delta: Delta) -> PositionState:
    """Applies one ledger entry. A position that opens from flat starts its per-life totals anew."""
    opening = state.size == 0 and delta.quantity != 0
    base = replace(state, realized_pnl=ZERO, fees=ZERO, funding=ZERO,
                   opened_at_unix_ms=delta.at_unix_ms) if opening else state
    return replace(
        base,
        size=base.size + delta.quantity, cost=base.cost + delta.cost, margin=base.margin + delta.margin,
        realized_pnl=base.realized_pnl + delta.realized_pnl, fees=base.fees + delta.fee,
        funding=base.funding + delta.funding,
        leverage=delta.leverage if delta.leverage is not None else base.leverage,
        updated_at_unix_ms=delta.at_unix_ms, version=base.version + 1)


def fill_deltas(state: PositionState, fill: Fill) -> tuple[list[Delta], TradeSettlement]:
    """The ledger entries of one fill and the settlement it owes. The fee is on the first entry."""
    signed = fill.quantity if fill.buy else -fill.quantity
    fee = money.fill_fee(fill.price, fill.quantity, fill.fee_rate)
    common = dict(kind=EntryKind.TRADE, user_id=fill.user_id, symbol=fill.symbol, asset=fill.asset,
                  at_unix_ms=fill.at_unix_ms, source_event_id=fill.source_event_id, price=fill.price,
                  trade_id=fill.trade_id, order_id=fill.order_id)
    base_id = trade_settlement_id(fill.trade_id, fill.order_id)
    deltas: list[Delta] = []
    released = realized = ZERO
    open_quantity = signed
    if state.size != 0 and (state.size > 0) != (signed > 0):
        closed = min(abs(signed), abs(state.size))
        closed_signed = closed if signed > 0 else -closed
        removed_cost = money.share(state.cost, closed, abs(state.size))
        released = money.share(state.margin, closed, abs(state.size))
        realized = -money.mul(closed_signed, fill.price) - removed_cost
        deltas.append(Delta(entry_id=f"{base_id}:reduce", quantity=closed_signed, cost=-removed_cost,
                            realized_pnl=realized, fee=fee, margin=-released, **common))
        open_quantity = signed - closed_signed
    margin_in = ZERO
    if open_quantity != 0:
        if not (fill.reduce_only or fill.is_liquidation):
            margin_in = money.fill_margin(fill.price, abs(open_quantity), fill.leverage)
        deltas.append(Delta(entry_id=f"{base_id}:open", quantity=open_quantity,
                            cost=money.mul(open_quantity, fill.price), fee=ZERO if deltas else fee,
                            margin=margin_in, leverage=fill.leverage if fill.leverage > 0 else None, **common))
    settlement = TradeSettlement(
        settlement_id=base_id, user_id=fill.user_id, asset=fill.asset, symbol=fill.symbol, trade_id=fill.trade_id,
        order_id=fill.order_id, fee=fee, realized_pnl=realized, margin_in=margin_in, margin_released=released,
        at_unix_ms=fill.at_unix_ms, source_event_id=fill.source_event_id)
    return deltas, settlement


def funding_delta(state: PositionState, *, funding_id: str, amount: Decimal, at_unix_ms: int,
                  source_event_id: str) -> Delta:
    return Delta(entry_id=funding_id, kind=EntryKind.FUNDING, user_id=state.user_id, symbol=state.symbol,
                 asset=state.asset, at_unix_ms=at_unix_ms, source_event_id=source_event_id, funding=amount)


def replay(deltas, *, as_of_unix_ms: int | None = None) -> dict[tuple[str, str], PositionState]:
    """Folds ledger entries (in ledger order) into positions per (user, symbol); entries after
    as_of_unix_ms are left out."""
    states: dict[tuple[str, str], PositionState] = {}
    for delta in deltas:
        if as_of_unix_ms is not None and delta.at_unix_ms > as_of_unix_ms:
            continue
        key = (delta.user_id, delta.symbol)
        state = states.get(key) or PositionState(delta.user_id, delta.symbol, delta.asset)
        states[key] = fold(state, delta)
    return states


@dataclass(frozen=True)
class Instrument:
    """What Position needs of an instrument (immutable once ACTIVE, see adapters/instruments.py)."""

    symbol: str
    asset: str
    maker_fee_rate: Decimal
    taker_fee_rate: Decimal
    maintenance_margin_rate: Decimal

    def fee_rate(self, role: Role) -> Decimal:
        return self.maker_fee_rate if role is Role.MAKER else self.taker_fee_rate
