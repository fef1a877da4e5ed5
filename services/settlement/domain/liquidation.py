"""Liquidation arithmetic. Pure: no protobuf, no I/O (services/settlement/README.md has the worked
example).

Cross margin per asset (docs/ARCHITECTURE.md → Money model). The account's equity in the asset is

    E = available + locked + position_margin + sum over its positions of upnl(mark)

and the position being closed (signed size q: + LONG, - SHORT) moves E by q * (P - mark) when its
price moves from mark to P with every other position left at its mark. The bankruptcy price is
the P where the account's equity reaches zero:

    E + q * (P - mark) = 0   =>   P = mark - E / q
    LONG:  bankruptcy = mark - E / size        SHORT: bankruptcy = mark + E / size

The IOC limit is the bankruptcy price rounded to the tick away from the book (up for the SELL
that closes a LONG, down for a BUY), so no fill is worse than bankruptcy, and at least one tick.

Outcome of the fills (f_i, x_i) of that order, fee rate r (the taker rate: a liquidation order
is always the taker), d = +1 for a LONG, -1 for a SHORT:

    improvement = sum d * (f_i - bankruptcy) * x_i          (>= 0: the limit is never worse)
    fees        = sum cut(f_i * x_i * r)                    (as the Position service charges them)
    residual    = max(0, improvement - fees), at most what the user still holds in the asset
                  (available + position margin, what ContributeInsuranceFund can take)
                  -> ContributeInsuranceFund (the fund's income)
    unfilled    = size - sum x_i                            -> ADL at the bankruptcy price

A fee larger than the improvement is collected by the Wallet from what the user has; what equity
cannot pay is the Wallet's shortfall, covered by the insurance fund (settlement_shortfalls) and
reported here from GetSettlementOutcomes. The fund's delta is residual - shortfall covered.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal, localcontext
from enum import Enum

ZERO = Decimal(0)
_QUANTUM = Decimal("1e-18")
_PRECISION = 80


class Side(Enum):
    LONG = "LONG"
    SHORT = "SHORT"

    @property
    def sign(self) -> int:
        return 1 if self is Side.LONG else -1


def cut(value: Decimal) -> Decimal:
    """Truncation to 18 places, the platform's one rounding of money."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return value.quantize(_QUANTUM, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class AccountPosition:
    symbol: str
    side: Side
    size: Decimal  # > 0
    entry_price: Decimal
    mark_price: Decimal
    mark_at_unix_ms: int = 0

    @property
    def unrealized_pnl(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return cut((self.mark_price - self.entry_price) * self.size * self.side.sign)


@dataclass(frozen=True)
class Wallet:
    available: Decimal
    locked: Decimal
    position_margin: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.locked + self.position_margin


def equity(wallet: Wallet, positions: list[AccountPosition]) -> Decimal:
    return wallet.total + sum((p.unrealized_pnl for p in positions), ZERO)


def bankruptcy_price(side: Side, size: Decimal, mark: Decimal, account_equity: Decimal) -> Decimal:
    """mark - E / q: the price of this position at which the account's equity is zero, the
    account's other positions at their marks. Exact to 18 places (truncated)."""
    if size <= 0:
        raise ValueError("size must be positive")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(mark - side.sign * account_equity / size)


def order_price(side: Side, bankruptcy: Decimal, tick: Decimal) -> Decimal:
    """The IOC limit: bankruptcy rounded to the tick away from the book (a SELL closes a LONG:
    up; a BUY closes a SHORT: down), never below one tick."""
    if tick <= 0:
        raise ValueError("tick must be positive")
    rounding = ROUND_CEILING if side is Side.LONG else ROUND_FLOOR
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        ticks = (bankruptcy / tick).to_integral_value(rounding=rounding)
        return max(ticks * tick, tick)


@dataclass(frozen=True)
class Fill:
    trade_id: str
    price: Decimal
    quantity: Decimal
    engine_seq: int = 0


def fill_fee(fill: Fill, rate: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return cut(fill.price * fill.quantity * rate)


@dataclass(frozen=True)
class Outcome:
    filled: Decimal
    average_price: Decimal | None
    fees: Decimal
    improvement: Decimal
    residual: Decimal  # to the insurance fund
    unfilled: Decimal
    shortfall: Decimal
    shortfall_covered: Decimal
    shortfall_uncovered: Decimal

    @property
    def fund_delta(self) -> Decimal:
        return self.residual - self.shortfall_covered


def outcome(side: Side, size: Decimal, bankruptcy: Decimal, fills: list[Fill], fee_rate: Decimal, *,
            user_holds: Decimal, shortfall: Decimal = ZERO, shortfall_covered: Decimal = ZERO) -> Outcome:
    """`user_holds`: the user's wallet total in the asset once every fill was applied (the
    residual never takes more than that); `shortfall*`: the Wallet's, summed over the fills."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        filled = sum((f.quantity for f in fills), ZERO)
        if filled > size:
            raise ValueError("fills exceed the liquidated size")
        notional = sum((f.price * f.quantity for f in fills), ZERO)
        average = cut(notional / filled) if filled else None
        fees = sum((fill_fee(f, fee_rate) for f in fills), ZERO)
        improvement = cut(side.sign * sum(((f.price - bankruptcy) * f.quantity for f in fills), ZERO))
        residual = max(ZERO, min(improvement - fees, max(user_holds, ZERO)))
        return Outcome(filled=filled, average_price=average, fees=fees, improvement=improvement,
                       residual=residual, unfilled=size - filled, shortfall=shortfall,
                       shortfall_covered=shortfall_covered, shortfall_uncovered=shortfall - shortfall_covered)
