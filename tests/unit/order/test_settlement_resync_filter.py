"""The Order service re-levels a user's order-margin buckets after a fill's settlement took margin
from a lock (api/consumers.py): only those balance updates reach its database."""
from __future__ import annotations

from tradex.position.v1 import events_pb2 as position_events
from tradex.wallet.v1 import events_pb2 as wallet_events
from tradex.wallet.v1 import wallet_pb2 as w

from services.order.api.consumers import position_or_settlement
from services.platform.events import ReceivedEvent


def _received(message) -> ReceivedEvent:
    return ReceivedEvent(topic="t", partition=0, offset=0, key="u", event_id="e1",
                         event_type=message.DESCRIPTOR.full_name, occurred_at_unix_ms=1,
                         payload=message.SerializeToString())


def _balance(kind, *accounts) -> wallet_events.BalanceUpdated:
    return wallet_events.BalanceUpdated(
        balance=w.Balance(user_id="u", asset="USDT"),
        journal_entry=w.JournalEntry(kind=kind, postings=[w.Posting(account_kind=a, user_id="u", asset="USDT",
                                                                      amount="1") for a in accounts]))


def test_only_a_fill_settled_from_a_lock_and_position_events_are_relevant():
    from_lock = _balance(w.JOURNAL_ENTRY_KIND_TRADE_SETTLED, w.LEDGER_ACCOUNT_KIND_USER_LOCKED,
                         w.LEDGER_ACCOUNT_KIND_USER_POSITION_MARGIN)
    from_available = _balance(w.JOURNAL_ENTRY_KIND_TRADE_SETTLED, w.LEDGER_ACCOUNT_KIND_USER_AVAILABLE,
                              w.LEDGER_ACCOUNT_KIND_USER_POSITION_MARGIN)
    a_lock = _balance(w.JOURNAL_ENTRY_KIND_FUNDS_LOCKED, w.LEDGER_ACCOUNT_KIND_USER_AVAILABLE,
                      w.LEDGER_ACCOUNT_KIND_USER_LOCKED)
    assert position_or_settlement(_received(from_lock))
    assert not position_or_settlement(_received(from_available))
    assert not position_or_settlement(_received(a_lock))
    assert position_or_settlement(_received(position_events.PositionUpdated()))
