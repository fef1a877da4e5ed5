"""Wallet events, written to the outbox in the caller's transaction.

Event ids are derived from what they describe, so a retried use case can never write a
second, different event for the same change.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.wallet.v1 import events_pb2

from services.platform.outbox import add_event
from services.wallet.adapters.ledger_store import Posted
from services.wallet.adapters.mappers import balance_to_pb, deposit_to_pb, entry_to_pb, order_funds_to_pb
from services.wallet.adapters.tables import outbox
from services.wallet.domain.deposits import Deposit
from services.wallet.domain.order_funds import OrderFunds

TOPIC_DEPOSIT_CONFIRMED = "wallet.deposit_confirmed.v1"
TOPIC_BALANCE_UPDATED = "wallet.balance.updated.v1"


async def balance_updates(conn: AsyncConnection, posted: Posted, funds: tuple[OrderFunds, ...] = ()) -> None:
    """One BalanceUpdated per (entry, user, asset) it changed, with the funds rows (as they are
    after the entry) it changed of that user and asset."""
    entry = entry_to_pb(posted.entry)
    for (user_id, asset), balance in sorted(posted.users.items()):
        changed = [order_funds_to_pb(f) for f in funds if (f.user_id, f.asset) == (user_id, asset)]
        await add_event(conn, outbox, topic=TOPIC_BALANCE_UPDATED, key=user_id,
                        event=events_pb2.BalanceUpdated(balance=balance_to_pb(balance), journal_entry=entry,
                                                        order_funds=changed),
                        event_id=f"balance:{user_id}:{asset}:v{balance.version}",
                        occurred_at_unix_ms=balance.updated_at_unix_ms)


async def deposit_confirmed(conn: AsyncConnection, deposit: Deposit, posted: Posted) -> None:
    balance = posted.users[(deposit.user_id, deposit.asset)]
    await add_event(conn, outbox, topic=TOPIC_DEPOSIT_CONFIRMED, key=deposit.user_id,
                    event=events_pb2.DepositConfirmed(deposit=deposit_to_pb(deposit, deposit.confirmed_at_unix_ms),
                                                      journal_entry=entry_to_pb(posted.entry),
                                                      balance=balance_to_pb(balance)),
                    event_id=f"deposit-confirmed:{deposit.deposit_id}",
                    occurred_at_unix_ms=deposit.confirmed_at_unix_ms)
