"""funding rows -> funding.v1 messages."""
from __future__ import annotations

from decimal import Decimal

from tradex.funding.v1 import funding_pb2 as pb

from services.funding.adapters.publisher import SIDE_TO_PB, settlement_to_pb
from services.platform.decimals import format_decimal

CYCLE_STATUS_TO_PB = {
    "SCHEDULED": pb.FUNDING_CYCLE_STATUS_SCHEDULED,
    "SNAPSHOTTED": pb.FUNDING_CYCLE_STATUS_SNAPSHOTTED,
    "SETTLING": pb.FUNDING_CYCLE_STATUS_SETTLING,
    "SEALED": pb.FUNDING_CYCLE_STATUS_SEALED,
    "NEEDS_REVIEW": pb.FUNDING_CYCLE_STATUS_NEEDS_REVIEW,
}
CYCLE_STATUS_FROM_PB = {v: k for k, v in CYCLE_STATUS_TO_PB.items()}
SETTLEMENT_STATUS_FROM_PB = {
    pb.FUNDING_SETTLEMENT_STATUS_PENDING: "PENDING",
    pb.FUNDING_SETTLEMENT_STATUS_PUBLISHED: "PUBLISHED",
    pb.FUNDING_SETTLEMENT_STATUS_DEAD_LETTER: "DEAD_LETTER",
}


def _d(value: Decimal | None) -> str:
    return format_decimal(value) if value is not None else ""


def cycle_to_pb(row, counts: dict[str, int]) -> pb.FundingCycle:
    paid, received = row.total_paid, row.total_received
    return pb.FundingCycle(
        cycle_id=row.cycle_id, symbol=row.symbol, cycle_ts_unix_ms=row.cycle_ts_unix_ms, rate=_d(row.rate),
        mark_price=_d(row.mark_price), index_price=_d(row.index_price), asset=row.asset,
        status=CYCLE_STATUS_TO_PB[row.status], settlements_total=sum(counts.values()),
        settlements_published=counts.get("PUBLISHED", 0), settlements_dead_letter=counts.get("DEAD_LETTER", 0),
        total_paid=_d(paid), total_received=_d(received),
        imbalance=_d(paid - received) if paid is not None and received is not None else "",
        manually_sealed=row.manually_sealed, sealed_by=row.sealed_by, seal_reason=row.seal_reason,
        created_at_unix_ms=row.created_at_unix_ms, snapshotted_at_unix_ms=row.snapshotted_at_unix_ms,
        sealed_at_unix_ms=row.sealed_at_unix_ms, updated_at_unix_ms=row.updated_at_unix_ms,
        total_collected=_d(row.total_collected), total_credited=_d(row.total_credited), shortfall=_d(row.shortfall),
        shortfall_covered=_d(row.shortfall_covered), residual=_d(row.residual), review_reason=row.review_reason)


def record_to_pb(row) -> pb.FundingRateRecord:
    return pb.FundingRateRecord(symbol=row.symbol, cycle_ts_unix_ms=row.cycle_ts_unix_ms, rate=_d(row.rate),
                                mark_price=_d(row.mark_price), index_price=_d(row.index_price))


def payment_to_pb(row) -> pb.FundingPayment:
    return pb.FundingPayment(
        funding_id=row.funding_id, symbol=row.symbol, asset=row.asset, cycle_ts_unix_ms=row.cycle_ts_unix_ms,
        rate=_d(row.rate), mark_price=_d(row.mark_price), side=SIDE_TO_PB[row.side], size=_d(row.size),
        amount=_d(row.amount), settled_at_unix_ms=row.published_at_unix_ms)


def line_to_pb(entry) -> pb.FundingStatementLine:
    line = entry.line
    return pb.FundingStatementLine(
        funding_id=line.funding_id, side=SIDE_TO_PB[line.side.value], size=_d(line.size),
        mark_price=_d(line.mark), rate=_d(line.rate), amount=_d(line.amount), canonical=entry.canonical,
        line_hash=entry.line_hash, index=entry.index)


__all__ = ["settlement_to_pb"]
