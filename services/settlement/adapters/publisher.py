"""settlement.completed.v1, settlement.insurance.used.v1 and settlement.adl.triggered.v1, written
to the outbox in the caller's transaction. Event ids derive from the record, so a step retried
after a crash cannot publish twice (the outbox's event id is unique)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.settlement.v1 import events_pb2 as pb_events

from services.platform.decimals import format_decimal
from services.platform.outbox import add_event
from services.settlement.adapters.mappers import POSITION_SIDES, record_to_pb
from services.settlement.adapters.store import Record
from services.settlement.adapters.tables import outbox
from services.settlement.domain.adl import AdlTarget
from services.settlement.domain.liquidation import Side

TOPIC_COMPLETED = "settlement.completed.v1"
TOPIC_INSURANCE_USED = "settlement.insurance.used.v1"
TOPIC_ADL = "settlement.adl.triggered.v1"


def adl_settlement_id(adl_id: str, rank: int, leg: str) -> str:
    """The settlement.v1 id the Position service gives an ADL leg (trade id "<adl_id>:<rank>",
    order id "<adl_id>:<rank>:<bankrupt|target>")."""
    return f"trade:{adl_id}:{rank}:{adl_id}:{rank}:{leg}"


async def completed(conn: AsyncConnection, record: Record) -> None:
    await add_event(conn, outbox, topic=TOPIC_COMPLETED, key=record.user_id,
                    event=pb_events.SettlementCompleted(record=record_to_pb(record)),
                    event_id=f"completed:{record.record_id}", occurred_at_unix_ms=record.completed_at_unix_ms)


async def insurance_used(conn: AsyncConnection, record: Record, amount: Decimal, at: int) -> None:
    event = pb_events.InsuranceFundUsed(record_id=record.record_id, liquidation_id=record.liquidation_id,
                                        user_id=record.user_id, symbol=record.symbol, asset=record.asset,
                                        amount=format_decimal(amount), used_at_unix_ms=at)
    await add_event(conn, outbox, topic=TOPIC_INSURANCE_USED, key=record.user_id, event=event,
                    event_id=f"insurance-used:{record.record_id}", occurred_at_unix_ms=at)


async def adl_triggered(conn: AsyncConnection, record: Record, result: dict, targets: list[AdlTarget],
                        at: int) -> None:
    side = Side(record.working["side"])
    opposite = Side.SHORT if side is Side.LONG else Side.LONG
    event = pb_events.AdlTriggered(
        adl_id=result["adl_id"], record_id=record.record_id, liquidation_id=record.liquidation_id,
        symbol=record.symbol, asset=record.asset, user_id=record.user_id, position_side=POSITION_SIDES[side],
        quantity=result["adl_quantity"], price=result["adl_price"],
        uncovered_shortfall=result.get("shortfall_uncovered", "0"), triggered_at_unix_ms=at,
        targets=[pb_events.AdlTarget(user_id=t.user_id, position_side=POSITION_SIDES[opposite],
                                     quantity=format_decimal(t.quantity), rank=t.rank) for t in targets])
    await add_event(conn, outbox, topic=TOPIC_ADL, key=record.symbol, event=event, event_id=result["adl_id"],
                    occurred_at_unix_ms=at)
