"""Valuing a position for the caller (ListPositions) and for Risk's exposure. Pure.

Without a mark price nothing that depends on it is computed: the result says the mark is
missing instead of inventing one. The estimated liquidation price needs no mark: it is where
the position's own margin, less maintenance margin, is used up (an isolated estimate; with cross
margin the rest of the account's equity also backs the position, so the real one comes later):

    LONG:  margin + size * (p - entry) = size * p * mmr   ->  p = (cost - margin) / (size * (1 - mmr))
    SHORT: margin + size * (entry - p) = size * p * mmr   ->  p = (cost + margin) / (size * (1 + mmr))
(size and cost taken as absolute values.)
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.position.domain import money
from services.position.domain.model import PositionState
from services.position.domain.money import ZERO


@dataclass(frozen=True)
class Valuation:
    mark_price: Decimal | None
    notional: Decimal | None
    unrealized_pnl: Decimal | None
    maintenance_margin: Decimal | None
    estimated_liquidation_price: Decimal | None
    effective_leverage: Decimal | None


def unrealized_pnl(state: PositionState, mark: Decimal) -> Decimal:
    # Signed size and cost make one formula serve both sides.
    return money.mul(state.size, mark) - state.cost


def liquidation_price(state: PositionState, maintenance_rate: Decimal) -> Decimal | None:
    if state.size == 0:
        return None
    size, cost = abs(state.size), abs(state.cost)
    if state.size > 0:
        price = money.divide(cost - state.margin, money.mul(size, 1 - maintenance_rate))
    else:
        price = money.divide(cost + state.margin, money.mul(size, 1 + maintenance_rate))
    return max(price, ZERO)


def value(state: PositionState, mark: Decimal | None, maintenance_rate: Decimal) -> Valuation:
    liq = liquidation_price(state, maintenance_rate)
    effective = money.divide(abs(state.cost), state.margin) if state.margin > 0 else None
    if mark is None:
        return Valuation(None, None, None, None, liq, effective)
    notional = money.mul(abs(state.size), mark)
    return Valuation(mark, notional, unrealized_pnl(state, mark), money.mul(notional, maintenance_rate), liq,
                     effective)
