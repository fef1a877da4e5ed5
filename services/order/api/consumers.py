"""Kafka consumers of the Order service.

- engine.event.v1 -> order status, fills and the wallet calls they owe (app/engine_events.py).
- user.status_changed.v1 -> a suspended account's open orders are withdrawn (reason
  ACCOUNT_SUSPENDED), as Risk refuses its new non-reduce-only orders.
- position.updated.v1 / position.closed.v1 -> the position size per (user, symbol), which the
  order margin of the symbol's open orders is net of; a change owes the bucket's SYNC
  (app/order_margin.py).
- wallet.balance.updated.v1, on the same consumer: a fill's settlement that took margin from a
  lock owes the SYNC of the user's buckets with open orders. The SYNC a fill owes can reach the
  Wallet before the fill's settlement.v1 (two paths); the settlement then takes the fill's margin
  from a bucket already set without it, and only a SYNC after the settlement sets it right
  (docs/ARCHITECTURE.md → Order margin).
"""
from __future__ import annotations

from google.protobuf.message import DecodeError
from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.common.v1 import positions_pb2
from tradex.engine.v1 import events_pb2 as engine_pb
from tradex.position.v1 import events_pb2 as position_events
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import events_pb2 as wallet_events
from tradex.wallet.v1 import wallet_pb2

from services.order.adapters import order_store, position_store
from services.order.app import order_margin
from services.order.app.commands import cancel_open_orders
from services.order.app.engine_events import RELEVANT, EngineEventApplier
from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument
from services.platform.events import MalformedEvent, ReceivedEvent, oneof_filter

ENGINE_TOPICS = ["engine.event.v1"]
ENGINE_CONSUMER = "order.engine-events"
USER_TOPICS = ["user.status_changed.v1"]
USER_CONSUMER = "order.user-status"
POSITION_TOPICS = ["position.updated.v1", "position.closed.v1", "wallet.balance.updated.v1"]
POSITION_CONSUMER = "order.positions"


is_order_event = oneof_filter(engine_pb.EngineEvent, "event", RELEVANT)


async def on_user_status_changed(conn: AsyncConnection, event: user_events.UserStatusChanged,
                                 received: ReceivedEvent) -> None:
    if event.to_status == user_pb2.ACCOUNT_STATUS_SUSPENDED:
        await cancel_open_orders(conn, user_id=event.user_id, symbol="", reason="ACCOUNT_SUSPENDED")


async def _position_changed(conn: AsyncConnection, position, received: ReceivedEvent) -> None:
    if not position.user_id or not position.symbol:
        raise MalformedEvent(f"position event {received.event_id} has no user_id or symbol")
    try:
        size = parse_decimal("position.size", position.size or "0", non_negative=True)
    except InvalidArgument as exc:
        raise MalformedEvent(f"position event {received.event_id}: {exc.message}") from None
    if position.side == positions_pb2.POSITION_SIDE_SHORT:
        size = -size
    if not await position_store.put(conn, position.user_id, position.symbol, size, position.version):
        return  # an older state than the one stored
    # Any open order, not only those that need margin: a SYNC finding only reduce-only ones
    # releases the bucket, which is right too, and this reads no order rows.
    if await order_store.any_open_on_symbol(conn, position.user_id, position.symbol):
        await order_margin.owe_sync(conn, position.user_id, position.symbol, received.event_id)


async def on_position_updated(conn: AsyncConnection, event: position_events.PositionUpdated,
                              received: ReceivedEvent) -> None:
    await _position_changed(conn, event.position, received)


async def on_position_closed(conn: AsyncConnection, event: position_events.PositionClosed,
                             received: ReceivedEvent) -> None:
    await _position_changed(conn, event.position, received)


def _settled_from_a_lock(event: wallet_events.BalanceUpdated) -> bool:
    entry = event.journal_entry
    return entry.kind == wallet_pb2.JOURNAL_ENTRY_KIND_TRADE_SETTLED and any(
        p.account_kind == wallet_pb2.LEDGER_ACCOUNT_KIND_USER_LOCKED for p in entry.postings)


def position_or_settlement(received: ReceivedEvent) -> bool:
    """The positions consumer's `relevant`: every position event; of the Wallet's balance
    updates only those of a fill settled from a lock (the rest never reach the database)."""
    if received.event_type != wallet_events.BalanceUpdated.DESCRIPTOR.full_name:
        return True
    try:
        return _settled_from_a_lock(received.decode(wallet_events.BalanceUpdated))
    except DecodeError:
        return True  # the handler's transaction reports it as malformed


async def on_balance_updated(conn: AsyncConnection, event: wallet_events.BalanceUpdated,
                             received: ReceivedEvent) -> None:
    """Only balance updates of a fill settled from a lock get here (position_or_settlement)."""
    user_id = event.balance.user_id
    if not user_id:
        raise MalformedEvent(f"balance event {received.event_id} has no user_id")
    for symbol in await order_store.open_symbols(conn, user_id):
        await order_margin.owe_sync(conn, user_id, symbol, received.event_id)


ENGINE_HANDLERS = {engine_pb.EngineEvent: EngineEventApplier()}
POSITION_HANDLERS = {position_events.PositionUpdated: on_position_updated,
                     position_events.PositionClosed: on_position_closed,
                     wallet_events.BalanceUpdated: on_balance_updated}
USER_HANDLERS = {user_events.UserStatusChanged: on_user_status_changed}
