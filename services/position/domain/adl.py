"""The auto-deleveraging queue of a symbol. Pure. The same ranking as the Settlement service's
(services/settlement/domain/adl.py, which picks the positions to reduce):

    score = PnL% x effective leverage = (mark - entry) / entry * side  x  mark * |size| / margin
    (effective leverage 1 when the position holds no margin)

ranked highest first per (symbol, side), ties to the smaller user id; queue position 1 is
deleveraged first."""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

from services.position.domain.model import PositionState
from services.position.domain.money import ZERO

_QUANTUM = Decimal("1e-18")


def adl_score(state: PositionState, mark: Decimal) -> Decimal:
    entry = state.entry_price
    if state.size == 0 or not entry or entry <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 80
        sign = 1 if state.size > 0 else -1
        leverage = mark * abs(state.size) / state.margin if state.margin > 0 else Decimal(1)
        return ((mark - entry) * sign / entry * leverage).quantize(_QUANTUM, rounding=ROUND_DOWN)


def queue_position(state: PositionState, same_symbol: list[PositionState], mark: Decimal) -> int:
    """1-based place of `state` among the open positions of its symbol on its side."""
    long = state.size > 0
    ranked = sorted(((-adl_score(s, mark), s.user_id) for s in same_symbol
                     if s.size != 0 and (s.size > 0) == long), key=lambda k: k)
    key = (-adl_score(state, mark), state.user_id)
    return ranked.index(key) + 1 if key in ranked else 0
