"""Funding settlement, pure: boundaries, payments, the statement hash and the seal check.

No protobuf, no I/O. Amounts are Decimal; a payment is signed from the user's side (positive:
the user receives, negative: the user pays).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

ZERO = Decimal(0)
STATEMENT_VERSION = "FUNDING_STATEMENT_V1"


class CycleStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    SNAPSHOTTED = "SNAPSHOTTED"
    SETTLING = "SETTLING"
    SEALED = "SEALED"
    NEEDS_REVIEW = "NEEDS_REVIEW"


class SettlementStatus(StrEnum):
    PENDING = "PENDING"
    PUBLISHED = "PUBLISHED"
    DEAD_LETTER = "DEAD_LETTER"


class Side(StrEnum):
    LONG = "LONG"
    SHORT = "SHORT"


def boundary_at_or_before(now_ms: int, interval_ms: int) -> int:
    """The latest cycle boundary at or before now (multiples of the interval since the epoch:
    00/08/16 UTC for 8 hours)."""
    return now_ms - now_ms % interval_ms


def cycle_id(symbol: str, cycle_ts_ms: int) -> str:
    return f"{symbol}:{cycle_ts_ms}"


def funding_id(cycle_ts_ms: int, user_id: str, symbol: str) -> str:
    return f"funding:{cycle_ts_ms}:{user_id}:{symbol}"


def payment(side: Side, size: Decimal, mark: Decimal, rate: Decimal, quantum: Decimal) -> Decimal:
    """size * mark * rate; longs pay shorts when the rate is positive (shorts pay longs when it
    is negative). Rounded to the asset's quantum in the exchange's favour (a payer pays the
    rounded-up amount, a receiver gets the rounded-down one), so the residual of a cycle is
    never negative and goes to the insurance fund."""
    raw = size * mark * rate
    signed = -raw if side is Side.LONG else raw
    # Toward -inf: a payment grows, a receipt shrinks.
    return signed.quantize(quantum, rounding=ROUND_FLOOR) if signed else ZERO


@dataclass(frozen=True)
class FrozenPrices:
    rate: Decimal
    mark: Decimal
    index: Decimal
    computed_at_ms: int
    stale: bool


def freshness_problem(prices: FrozenPrices | None, *, now_ms: int, max_age_ms: int) -> str:
    """Why these prices may not open a cycle ("" if they may)."""
    if prices is None:
        return "no mark/index/funding rate available"
    if prices.stale:
        return "the index behind the mark is stale"
    if prices.mark <= 0 or prices.index <= 0:
        return "mark or index is not positive"
    age = now_ms - prices.computed_at_ms
    if age > max_age_ms:
        return f"prices are {age} ms old (limit {max_age_ms} ms)"
    return ""


# -- statement


@dataclass(frozen=True)
class Line:
    funding_id: str
    side: Side
    size: Decimal
    mark: Decimal
    rate: Decimal
    amount: Decimal


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text


def canonical(line: Line) -> str:
    return "|".join([STATEMENT_VERSION, line.funding_id, line.side.value, _plain(line.size), _plain(line.mark),
                     _plain(line.rate), _plain(line.amount)])


def line_hash(line: Line) -> str:
    return hashlib.sha256(canonical(line).encode()).hexdigest()


def statement_hash(line_hashes: list[str]) -> str:
    """line_hashes sorted ascending, joined by newlines."""
    return hashlib.sha256("\n".join(sorted(line_hashes)).encode()).hexdigest()


def verify_line(canonical_text: str, claimed_hash: str, index: int, line_hashes: list[str], root: str) -> bool:
    """What a user does with their line and the public statement."""
    return (hashlib.sha256(canonical_text.encode()).hexdigest() == claimed_hash
            and 0 <= index < len(line_hashes) and line_hashes[index] == claimed_hash
            and line_hashes == sorted(line_hashes) and statement_hash(line_hashes) == root)


# -- seal


@dataclass(frozen=True)
class Outcome:
    """What the Wallet did with one settlement."""
    amount: Decimal  # instructed, signed
    applied: bool
    posted: Decimal  # signed
    shortfall: Decimal
    covered: Decimal
    uncovered: Decimal


@dataclass(frozen=True)
class SealCheck:
    total_paid: Decimal  # instructed, payers
    total_received: Decimal  # instructed, receivers
    collected: Decimal  # from payers' equity
    credited: Decimal  # to receivers
    shortfall: Decimal
    covered: Decimal
    residual: Decimal  # collected + covered - credited
    problem: str  # "" = may seal


def seal_check(outcomes: list[Outcome], tolerance: Decimal, dead_letters: int) -> SealCheck:
    paid = sum((-o.amount for o in outcomes if o.amount < 0), ZERO)
    received = sum((o.amount for o in outcomes if o.amount > 0), ZERO)
    collected = sum((-o.posted for o in outcomes if o.posted < 0), ZERO)
    credited = sum((o.posted for o in outcomes if o.posted > 0), ZERO)
    shortfall = sum((o.shortfall for o in outcomes), ZERO)
    covered = sum((o.covered for o in outcomes), ZERO)
    uncovered = sum((o.uncovered for o in outcomes), ZERO)
    residual = collected + covered - credited
    problem = ""
    if dead_letters:
        problem = f"{dead_letters} settlement(s) in DEAD_LETTER"
    elif not all(o.applied for o in outcomes):
        problem = "the Wallet has not applied every settlement"
    elif uncovered > 0:
        problem = f"shortfall of {uncovered} not covered by the insurance fund"
    elif abs(paid - received) > tolerance or abs(residual) > tolerance or residual < 0:
        problem = f"imbalance: paid {paid}, received {received}, residual {residual} (tolerance {tolerance})"
    return SealCheck(paid, received, collected, credited, shortfall, covered, residual, problem)
