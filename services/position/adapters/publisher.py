"""position.updated.v1, position.closed.v1, settlement.v1 and risk.exposure.v2, written to the
outbox in the caller's transaction. Event ids derive from the ledger entry they stand for, and
their times are the entry's (the engine's), never this consumer's clock."""
from __future__ import annotations

from decimal import Decimal

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.position.v1 import events_pb2 as pb_events

from services.platform.decimals import format_decimal
from services.platform.outbox import add_event
from services.position.adapters.mappers import position_to_pb, settlement_to_pb
from services.position.adapters.tables import outbox
from services.position.domain.model import Delta, EntryKind, PositionState, TradeSettlement
from services.position.domain.valuation import Valuation

TOPIC_UPDATED = "position.updated.v1"
TOPIC_CLOSED = "position.closed.v1"
TOPIC_SETTLEMENT = "settlement.v1"
TOPIC_EXPOSURE = "risk.exposure.v2"

_CAUSES = {EntryKind.TRADE: pb_events.POSITION_CHANGE_CAUSE_TRADE,
           EntryKind.FUNDING: pb_events.POSITION_CHANGE_CAUSE_FUNDING}


async def _add(conn: AsyncConnection, topic: str, key: str, event: Message, event_id: str, at: int) -> None:
    await add_event(conn, outbox, topic=topic, key=key, event=event, event_id=event_id, occurred_at_unix_ms=at)


async def position_changed(conn: AsyncConnection, before: PositionState, after: PositionState, delta: Delta,
                           *, liquidation: bool = False, adl: bool = False) -> None:
    cause = (pb_events.POSITION_CHANGE_CAUSE_ADL if adl else
             pb_events.POSITION_CHANGE_CAUSE_LIQUIDATION if liquidation else _CAUSES[delta.kind])
    if after.size == 0 and before.size != 0:
        event = pb_events.PositionClosed(position=position_to_pb(after, side=before.side), cause=cause,
                                         source_event_id=delta.source_event_id, trade_id=delta.trade_id,
                                         closed_at_unix_ms=delta.at_unix_ms)
        await _add(conn, TOPIC_CLOSED, after.user_id, event, f"closed:{delta.entry_id}", delta.at_unix_ms)
        return
    if after.size == 0:
        return  # a funding payment on a flat position: only its settlement matters
    event = pb_events.PositionUpdated(position=position_to_pb(after), cause=cause,
                                      source_event_id=delta.source_event_id, trade_id=delta.trade_id,
                                      realized_pnl=format_decimal(delta.realized_pnl))
    await _add(conn, TOPIC_UPDATED, after.user_id, event, f"updated:{delta.entry_id}", delta.at_unix_ms)


async def trade_settlement(conn: AsyncConnection, settlement: TradeSettlement) -> None:
    await _add(conn, TOPIC_SETTLEMENT, settlement.user_id, settlement_to_pb(settlement), settlement.settlement_id,
               settlement.at_unix_ms)


async def funding_settlement(conn: AsyncConnection, delta: Delta) -> None:
    event = pb_events.Settlement(
        settlement_id=delta.entry_id, user_id=delta.user_id, asset=delta.asset, kind=pb_events.SETTLEMENT_KIND_FUNDING,
        amount=format_decimal(delta.funding), symbol=delta.symbol, funding_id=delta.entry_id,
        source_event_id=delta.source_event_id, occurred_at_unix_ms=delta.at_unix_ms)
    await _add(conn, TOPIC_SETTLEMENT, delta.user_id, event, delta.entry_id, delta.at_unix_ms)


async def exposure(conn: AsyncConnection, user_id: str, version: int,
                   valued: list[tuple[PositionState, Valuation]], at_unix_ms: int) -> None:
    """risk.exposure.v2: the user's whole exposure (open positions only), per symbol and per asset."""
    event = pb_events.ExposureUpdated(user_id=user_id, version=version, as_of_unix_ms=at_unix_ms)
    assets: dict[str, list[Decimal]] = {}
    for state, v in valued:
        position = position_to_pb(state, v)
        event.symbols.append(pb_events.SymbolExposure(
            symbol=state.symbol, asset=state.asset, side=position.side, size=position.size,
            entry_price=position.entry_price, mark_price=position.mark_price, notional=position.notional,
            unrealized_pnl=position.unrealized_pnl, margin=position.margin))
        totals = assets.setdefault(state.asset, [Decimal(0), Decimal(0), Decimal(0)])
        totals[0] += v.notional or 0
        totals[1] += v.unrealized_pnl or 0
        totals[2] += state.margin
    for asset, (gross, upnl, margin) in sorted(assets.items()):
        event.assets.append(pb_events.AssetExposure(asset=asset, gross_notional=format_decimal(gross),
                                                    unrealized_pnl=format_decimal(upnl),
                                                    position_margin=format_decimal(margin)))
    await _add(conn, TOPIC_EXPOSURE, user_id, event, f"exposure:{user_id}:{version}", at_unix_ms)
