"""The live margin watch: when an account must be liquidated, and when it is re-armed. Pure.

Figures come from account_risk.account_figures (through views.account_view), the same function
GetAccountRisk and the pre-trade check use, so the watch never disagrees with what a user sees.

An account (user, margin asset) is breached when it holds positions and equity <= maintenance
margin (DESIGN: Money model). The watch triggers once per breach: nothing more while it stays
breached (a liquidation is running), and again only after the account recovered (equity above
maintenance margin, or no positions left) and breached anew.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from services.risk.domain.account_risk import AccountFigures, PositionFigures


class Transition(Enum):
    NONE = "NONE"
    TRIGGER = "TRIGGER"
    RECOVER = "RECOVER"


def breached(figures: AccountFigures) -> bool:
    return bool(figures.positions) and figures.equity <= figures.maintenance_margin


def transition(was_breached: bool, figures: AccountFigures | None) -> Transition:
    now = figures is not None and breached(figures)
    if now and not was_breached:
        return Transition.TRIGGER
    if was_breached and not now:
        return Transition.RECOVER
    return Transition.NONE


@dataclass(frozen=True)
class Liquidation:
    """One position to close, in the order Settlement should close them (largest loss first)."""

    position: PositionFigures
    equity: Decimal
    maintenance_margin: Decimal
    margin_ratio: Decimal | None


def liquidations(figures: AccountFigures) -> list[Liquidation]:
    ordered = sorted(figures.positions, key=lambda p: (p.position.unrealized_pnl, p.position.symbol))
    return [Liquidation(p, figures.equity, figures.maintenance_margin, figures.margin_ratio) for p in ordered]
