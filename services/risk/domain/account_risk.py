"""A user's margin state per settlement asset (GetAccountRisk). Pure, Decimal only.

Cross margin per asset: every position margined in USDT shares the USDT balance.

    wallet_balance     = available + locked + position_margin (the wallet's total)
    unrealized_pnl     = sum(size * (mark - entry))         (signed size)
    equity             = wallet_balance + unrealized_pnl
    maintenance_margin = sum(|size| * mark * maintenance_margin_rate)
    margin_ratio       = maintenance_margin / equity        (liquidation at >= 1, or equity <= 0)
    available_margin   = max(0, available - approved-but-not-yet-locked - unrealized loss)

Estimated liquidation price of one position (size s, mark m0, rate r), other prices fixed:
equity moves by s * (m - m0) and its maintenance margin is |s| * m * r, so the ratio reaches 1 at

    m = (MM_others - equity + s * m0) / (s - |s| * r)

None when that is not a positive price (e.g. a long position backed by more than its notional).
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

from services.risk.domain.accounts import Balance
from services.risk.domain.positions import ValuedPosition

ZERO = Decimal(0)
RATIO_QUANTUM = Decimal("0.00000001")
PRICE_QUANTUM = Decimal("0.00000001")
_CONTEXT = decimal.Context(prec=60)


@dataclass(frozen=True)
class PositionFigures:
    position: ValuedPosition
    maintenance_margin_rate: Decimal
    maintenance_margin: Decimal
    liquidation_price: Decimal | None


@dataclass(frozen=True)
class AccountFigures:
    asset: str
    wallet_balance: Decimal
    unrealized_pnl: Decimal
    equity: Decimal
    order_margin: Decimal
    position_margin: Decimal
    maintenance_margin: Decimal
    margin_ratio: Decimal | None
    available_margin: Decimal
    positions: tuple[PositionFigures, ...]


def account_figures(asset: str, balance: Balance | None,
                    positions: tuple[tuple[ValuedPosition, Decimal], ...],
                    uncovered_order_margin: Decimal = ZERO) -> AccountFigures:
    """`positions`: (position, its instrument's maintenance_margin_rate) for the asset;
    `uncovered_order_margin`: what the working orders require beyond what the Wallet booked
    (domain/cover.py)."""
    wallet_balance = balance.total if balance else ZERO
    available = balance.available if balance else ZERO
    upnl = sum((p.unrealized_pnl for p, _ in positions), ZERO)
    equity = wallet_balance + upnl
    margins = [p.notional * rate for p, rate in positions]
    total_mm = sum(margins, ZERO)
    figures = tuple(
        PositionFigures(position=p, maintenance_margin_rate=rate, maintenance_margin=mm,
                        liquidation_price=liquidation_price(p, rate, equity, total_mm - mm))
        for (p, rate), mm in zip(positions, margins, strict=True))
    ratio = None
    if positions and equity > 0:
        ratio = _CONTEXT.divide(total_mm, equity).quantize(RATIO_QUANTUM, rounding=ROUND_CEILING)
    return AccountFigures(
        asset=asset, wallet_balance=wallet_balance, unrealized_pnl=upnl, equity=equity,
        order_margin=balance.locked if balance else ZERO,
        position_margin=balance.position_margin if balance else ZERO,
        maintenance_margin=total_mm, margin_ratio=ratio,
        available_margin=max(available - uncovered_order_margin - max(-upnl, ZERO), ZERO),
        positions=figures)


def liquidation_price(position: ValuedPosition, rate: Decimal, equity: Decimal,
                      others_maintenance: Decimal) -> Decimal | None:
    size = position.size
    denominator = size - abs(size) * rate
    if size == 0 or denominator == 0:
        return None
    price = _CONTEXT.divide(others_maintenance - equity + size * position.mark_price, denominator)
    if price <= 0:
        return None
    return price.quantize(PRICE_QUANTUM, rounding=ROUND_HALF_EVEN)
