"""StreamBalanceUpdates: the topic this process tails for its streaming callers
(services/platform/user_stream.py) and how one of its events becomes a stream message."""
from __future__ import annotations

from tradex.wallet.v1 import events_pb2 as pb_events
from tradex.wallet.v1 import wallet_pb2 as pb

from services.platform.user_stream import TailedTopic

TOPIC_BALANCE_UPDATED = "wallet.balance.updated.v1"

TAILED_TOPICS = {
    TOPIC_BALANCE_UPDATED: TailedTopic(pb_events.BalanceUpdated, lambda event: event.balance.user_id),
}


def stream_response(event: pb_events.BalanceUpdated) -> pb.StreamBalanceUpdatesResponse:
    entry = event.journal_entry
    # The entry's postings are left out: a posting may be on a system account (fees, clearing);
    # the caller's own lines are in ListLedgerEntries.
    return pb.StreamBalanceUpdatesResponse(balance=event.balance, journal_entry_id=entry.journal_entry_id,
                                           kind=entry.kind, reference_id=entry.reference_id,
                                           created_at_unix_ms=entry.created_at_unix_ms)
