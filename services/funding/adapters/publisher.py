"""The worker's two events, written to the outbox in the transaction that marks the settlement
PUBLISHED: position.funding.v1 (Position folds it and emits settlement.v1 FUNDING) and
funding.payment.settled.v1 (the public audit record). The event ids are derived from the
funding id, so a row published twice after a crash is one event for every inbox downstream."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import positions_pb2
from tradex.funding.v1 import events_pb2, funding_pb2

from services.funding.adapters.tables import outbox
from services.funding.domain.model import Side
from services.platform.decimals import format_decimal
from services.platform.outbox import add_event

SIDE_TO_PB = {Side.LONG.value: positions_pb2.POSITION_SIDE_LONG, Side.SHORT.value: positions_pb2.POSITION_SIDE_SHORT}
STATUS_TO_PB = {
    "PENDING": funding_pb2.FUNDING_SETTLEMENT_STATUS_PENDING,
    "PUBLISHED": funding_pb2.FUNDING_SETTLEMENT_STATUS_PUBLISHED,
    "DEAD_LETTER": funding_pb2.FUNDING_SETTLEMENT_STATUS_DEAD_LETTER,
}


def settlement_to_pb(row) -> funding_pb2.FundingSettlement:
    return funding_pb2.FundingSettlement(
        funding_id=row.funding_id, cycle_id=row.cycle_id, user_id=row.user_id, symbol=row.symbol, asset=row.asset,
        side=SIDE_TO_PB[row.side], size=format_decimal(row.size), rate=format_decimal(row.rate),
        mark_price=format_decimal(row.mark_price), amount=format_decimal(row.amount),
        status=STATUS_TO_PB[row.status], attempts=row.attempts, last_error=row.last_error,
        created_at_unix_ms=row.created_at_unix_ms, published_at_unix_ms=row.published_at_unix_ms)


async def publish_settlement(conn: AsyncConnection, row, now: int) -> None:
    applied = events_pb2.FundingApplied(
        funding_id=row.funding_id, cycle_id=row.cycle_id, cycle_ts_unix_ms=row.cycle_ts_unix_ms, user_id=row.user_id,
        symbol=row.symbol, asset=row.asset, rate=format_decimal(row.rate), mark_price=format_decimal(row.mark_price),
        side=SIDE_TO_PB[row.side], size=format_decimal(row.size), amount=format_decimal(row.amount))
    await add_event(conn, outbox, topic="position.funding.v1", key=row.user_id, event=applied,
                    event_id=f"{row.funding_id}:applied", occurred_at_unix_ms=row.cycle_ts_unix_ms)
    audit = settlement_to_pb(row)
    audit.status = funding_pb2.FUNDING_SETTLEMENT_STATUS_PUBLISHED
    audit.attempts = row.attempts + 1
    audit.published_at_unix_ms = now
    await add_event(conn, outbox, topic="funding.payment.settled.v1", key=row.user_id,
                    event=events_pb2.FundingPaymentSettled(settlement=audit), event_id=f"{row.funding_id}:settled",
                    occurred_at_unix_ms=now)
