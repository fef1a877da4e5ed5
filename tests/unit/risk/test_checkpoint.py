"""What a checkpoint takes from the state the feed changed (services/risk/app/checkpoint.py):
every changed key once, with its newest value and the event that changed it last; an order no
longer open as a delete; and, after a failed write, nothing forgotten."""
from __future__ import annotations

import asyncio
from decimal import Decimal as D

import pytest
from tradex.common.v1 import trading_pb2
from tradex.engine.v1 import events_pb2 as engine_events
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import events_pb2 as wallet_events
from tradex.wallet.v1 import wallet_pb2

from services.platform.events import ReceivedEvent
from services.risk.adapters import checkpoint_store
from services.risk.api.account_events import AccountEvents
from services.risk.api.engine_events import EngineEvents
from services.risk.app.checkpoint import Changes, Checkpoints, snapshot
from services.risk.domain.accounts import AccountStatus
from services.risk.domain.state import RiskState

BTC = "BTC-USDT-PERP"


def received(event_id: str, message) -> ReceivedEvent:
    return ReceivedEvent(topic="t", partition=0, offset=0, key="k", event_id=event_id,
                         event_type=message.DESCRIPTOR.full_name, occurred_at_unix_ms=1000,
                         payload=message.SerializeToString())


def engine_event(seq: int, **kind) -> engine_events.EngineEvent:
    return engine_events.EngineEvent(event_id=f"{BTC}:{seq}", symbol=BTC, engine_seq=seq, **kind)


def accepted(order_id: str, quantity: str) -> engine_events.OrderAccepted:
    return engine_events.OrderAccepted(order_id=order_id, user_id="u-1", side=trading_pb2.SIDE_BUY,
                                       order_type=trading_pb2.ORDER_TYPE_LIMIT, price="100", quantity=quantity,
                                       leverage="5")


def apply(handler, event_id: str, message) -> None:
    handler(message, received(event_id, message))


def test_each_changed_order_once_with_its_newest_value_and_closed_ones_as_deletes():
    state, changes = RiskState(), Changes()
    orders = EngineEvents(state, changes)
    apply(orders.on_event, "e1", engine_event(1, order_accepted=accepted("a", "3")))
    apply(orders.on_event, "e2", engine_event(2, order_accepted=accepted("b", "2")))
    apply(orders.on_event, "e3", engine_event(3, trade_executed=engine_events.TradeExecuted(
        trade_id="t", price="100", quantity="1", maker_order_id="a", maker_user_id="u-1",
        maker_remaining_quantity="2", taker_order_id="b", taker_user_id="u-1", taker_remaining_quantity="1")))
    apply(orders.on_event, "e4", engine_event(4, order_cancelled=engine_events.OrderCancelled(order_id="b")))
    # A cancel of an order Risk never saw open changes nothing, so there is nothing to write.
    apply(orders.on_event, "e5", engine_event(5, order_cancelled=engine_events.OrderCancelled(order_id="zzz")))

    rows = snapshot(state, changes.take())
    assert [(o.order_id, o.remaining, e) for o, e in rows.open_orders] == [("a", D(2), "e3")]
    assert rows.closed_orders == ["b"]
    assert not changes  # taken: the next checkpoint starts from nothing


def test_accounts_and_balances_are_written_as_they_stand_in_memory():
    state, changes = RiskState(), Changes()
    accounts = AccountEvents(state, changes)
    apply(accounts.on_user_created, "u1", user_events.UserCreated(user=user_pb2.User(
        user_id="u-1", kyc_tier=1, status=user_pb2.ACCOUNT_STATUS_ACTIVE, created_at_unix_ms=1)))
    apply(accounts.on_status_changed, "u2", user_events.UserStatusChanged(
        user_id="u-1", to_status=user_pb2.ACCOUNT_STATUS_SUSPENDED, changed_at_unix_ms=2))
    for version, available in ((2, "50"), (1, "10")):  # a late, older balance loses in memory and so here
        apply(accounts.on_balance_updated, f"b{version}", wallet_events.BalanceUpdated(balance=wallet_pb2.Balance(
            user_id="u-1", asset="usdt", available=available, total=available, version=version)))

    rows = snapshot(state, changes.take())
    assert [(a.user_id, a.kyc_tier, a.status) for a in rows.accounts] == [("u-1", 1, AccountStatus.SUSPENDED)]
    assert [(b.asset, b.version, b.available) for b in rows.balances] == [("USDT", 2, D(50))]


class FailingEngine:
    """An engine whose transactions fail: the checkpoint must keep what it took."""

    def begin(self):
        raise ConnectionError("database restarting")


class Feed:
    name = "risk.feed"

    def __init__(self) -> None:
        self.positions = {("engine.event.v1", 0): 7}


def test_a_failed_write_gives_its_keys_back_and_newer_changes_keep_their_event():
    state, changes = RiskState(), Changes()
    state.ready = True
    orders = EngineEvents(state, changes)
    apply(orders.on_event, "e1", engine_event(1, order_accepted=accepted("a", "3")))
    checkpoints = Checkpoints(FailingEngine(), state, changes, Feed())
    with pytest.raises(ConnectionError):
        asyncio.run(checkpoints.write())
    assert changes.keys["order"] == {"a": "e1"}
    changes.give_back({kind: ({"a": "e0"} if kind == "order" else {}) for kind in changes.keys})
    assert changes.keys["order"] == {"a": "e1"}  # the newer mark wins over what is given back


def test_no_checkpoint_while_the_state_is_still_catching_up(monkeypatch):
    state, changes = RiskState(), Changes()
    writes = []

    async def write(conn, feed, rows, positions):
        writes.append(positions)
    monkeypatch.setattr(checkpoint_store, "write", write)
    apply(EngineEvents(state, changes).on_event, "e1", engine_event(1, order_accepted=accepted("a", "3")))
    checkpoints = Checkpoints(FailingEngine(), state, changes, Feed())
    assert asyncio.run(checkpoints.write()) is False and changes  # not ready: kept for later
