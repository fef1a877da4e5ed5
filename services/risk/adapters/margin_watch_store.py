"""The margin watch's rows and its risk.liquidation.v1 events (outbox), in the caller's transaction."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import positions_pb2, trading_pb2
from tradex.risk.v1 import events_pb2 as risk_events

from services.platform.decimals import format_decimal
from services.platform.outbox import add_event
from services.risk.adapters.tables import metadata, outbox
from services.risk.domain.margin_watch import Liquidation

TOPIC_LIQUIDATION = "risk.liquidation.v1"

margin_watch = sa.Table(
    "margin_watch", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("asset", sa.Text, primary_key=True),
    sa.Column("breached", sa.Boolean, nullable=False),
    sa.Column("changed_at_unix_ms", sa.BigInteger, nullable=False),
)

# The liquidations emitted and not yet completed by Settlement (settlement.completed.v1): the
# account is re-armed when the last one completes.
open_liquidations = sa.Table(
    "open_liquidations", metadata,
    sa.Column("liquidation_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("asset", sa.Text, nullable=False),
    sa.Column("triggered_at_unix_ms", sa.BigInteger, nullable=False),
)


async def breached_accounts(conn: AsyncConnection) -> set[tuple[str, str]]:
    rows = await conn.execute(sa.select(margin_watch.c.user_id, margin_watch.c.asset).where(margin_watch.c.breached))
    return {(row.user_id, row.asset) for row in rows}


async def set_breached(conn: AsyncConnection, user_id: str, asset: str, value: bool, at_unix_ms: int) -> None:
    statement = insert(margin_watch).values(user_id=user_id, asset=asset, breached=value,
                                            changed_at_unix_ms=at_unix_ms)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=[margin_watch.c.user_id, margin_watch.c.asset],
        set_={"breached": statement.excluded.breached, "changed_at_unix_ms": statement.excluded.changed_at_unix_ms}))


async def liquidation_triggered(conn: AsyncConnection, liquidation_id: str, user_id: str, asset: str,
                                liquidation: Liquidation, at_unix_ms: int) -> None:
    p = liquidation.position.position
    long = p.size > 0
    event = risk_events.LiquidationTriggered(
        liquidation_id=liquidation_id, user_id=user_id, symbol=p.symbol, asset=asset,
        position_side=positions_pb2.POSITION_SIDE_LONG if long else positions_pb2.POSITION_SIDE_SHORT,
        close_side=trading_pb2.SIDE_SELL if long else trading_pb2.SIDE_BUY, quantity=format_decimal(abs(p.size)),
        entry_price=format_decimal(p.entry_price), mark_price=format_decimal(p.mark_price),
        equity=format_decimal(liquidation.equity), maintenance_margin=format_decimal(liquidation.maintenance_margin),
        margin_ratio=format_decimal(liquidation.margin_ratio) if liquidation.margin_ratio is not None else "",
        triggered_at_unix_ms=at_unix_ms)
    await add_event(conn, outbox, topic=TOPIC_LIQUIDATION, key=user_id, event=event, event_id=liquidation_id,
                    occurred_at_unix_ms=at_unix_ms)
    await conn.execute(insert(open_liquidations).values(liquidation_id=liquidation_id, user_id=user_id, asset=asset,
                                                        triggered_at_unix_ms=at_unix_ms).on_conflict_do_nothing())


async def liquidation_completed(conn: AsyncConnection, liquidation_id: str, user_id: str, asset: str,
                                at_unix_ms: int) -> bool:
    """Forgets a completed liquidation; True when it was the account's last open one, which
    re-arms the account (breached = false: if it is still under maintenance, the watch triggers
    anew after its confirmation delay)."""
    deleted = await conn.execute(open_liquidations.delete().where(
        open_liquidations.c.liquidation_id == liquidation_id))
    if deleted.rowcount == 0:
        return False
    left = await conn.execute(sa.select(sa.func.count()).select_from(open_liquidations).where(
        open_liquidations.c.user_id == user_id, open_liquidations.c.asset == asset))
    if left.scalar_one():
        return False
    await set_breached(conn, user_id, asset, False, at_unix_ms)
    return True
