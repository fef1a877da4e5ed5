"""Auto-deleveraging: which opposite positions close the liquidated remainder. Pure.

Ranking (highest first), computed from what the Position service holds, so that the ADL queue
position it shows on GET /v1/positions is the order used here:

    PnL%                = (mark - entry) * size / (entry * size)     (negated for SHORT)
    effective leverage  = mark * size / position margin              (1 when the position has no margin)
    score               = PnL% * effective leverage

Ties go to the smaller user id. The remainder is taken from the first-ranked position up to its
size, then the next, so only as many positions as needed are reduced, all at the bankruptcy price.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext

from services.settlement.domain.liquidation import ZERO, Side

_QUANTUM = Decimal("1e-18")


def adl_score(side: Side, size: Decimal, entry: Decimal, mark: Decimal, margin: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        if size <= 0 or entry <= 0:
            return ZERO
        pnl_ratio = (mark - entry) * side.sign / entry
        leverage = mark * size / margin if margin > 0 else Decimal(1)
        return (pnl_ratio * leverage).quantize(_QUANTUM, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class AdlCandidate:
    user_id: str
    side: Side
    size: Decimal
    entry_price: Decimal
    mark_price: Decimal
    margin: Decimal

    @property
    def score(self) -> Decimal:
        return adl_score(self.side, self.size, self.entry_price, self.mark_price, self.margin)


@dataclass(frozen=True)
class AdlTarget:
    user_id: str
    quantity: Decimal
    rank: int
    score: Decimal


def ranked(candidates: list[AdlCandidate]) -> list[AdlCandidate]:
    return sorted(candidates, key=lambda c: (-c.score, c.user_id))


def plan_adl(candidates: list[AdlCandidate], quantity: Decimal) -> list[AdlTarget]:
    """The targets reducing `quantity` in rank order; fewer than `quantity` in total only when
    the opposite side holds less (it cannot: long OI = short OI)."""
    targets, left = [], quantity
    for rank, c in enumerate(ranked(candidates), start=1):
        if left <= 0:
            break
        take = min(c.size, left)
        targets.append(AdlTarget(user_id=c.user_id, quantity=take, rank=rank, score=c.score))
        left -= take
    return targets
