"""Consumers of the per-user topics: tiers and statuses (user.*), balances
(wallet.balance.updated.v1) and positions (risk.exposure.v2).

Applied to memory only, by the replayed feed (services/platform/replay.py); each changed key is
marked for the next checkpoint (app/checkpoint.py). Every change is a newest-wins merge or a
highest-version-wins snapshot, a function of the state and the event alone, so the events a
restart reads again after the last checkpoint end in the state they made before.
"""
from __future__ import annotations

from decimal import Decimal

from tradex.position.v1 import events_pb2 as position_events
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import events_pb2 as wallet_events
from tradex.wallet.v1 import wallet_pb2

from services.platform.events import ReceivedEvent
from services.platform.money import order_margin_bucket_symbol
from services.risk.api.event_parsing import POSITION_SIGNS, EventReader
from services.risk.app.checkpoint import Changes
from services.risk.domain.accounts import (
    Account,
    AccountStatus,
    AssetLimits,
    Balance,
    TierLimits,
    merge_status,
    merge_tier,
    new_account,
)
from services.risk.domain.positions import Exposure, Position
from services.risk.domain.state import RiskState

ACCOUNT_TOPICS = ["user.created.v1", "user.kyc_updated.v1", "user.status_changed.v1",
                  "wallet.balance.updated.v1", "risk.exposure.v2"]
ZERO = Decimal(0)


def _status(value: int) -> AccountStatus:
    return AccountStatus.SUSPENDED if value == user_pb2.ACCOUNT_STATUS_SUSPENDED else AccountStatus.ACTIVE


def tier_from_event(event: user_events.KycTierUpdated, reader: EventReader, at: int) -> TierLimits | None:
    """The limits of to_tier the event carries, or None if it carries none."""
    carried = event.limits
    if not carried.max_leverage and not carried.asset_limits:
        return None
    return TierLimits(
        tier=event.to_tier, as_of_unix_ms=at,
        max_leverage=reader.decimal("limits.max_leverage", carried.max_leverage, positive=True),
        asset_limits=tuple(
            AssetLimits(asset=reader.required("limits.asset_limits.asset", a.asset).upper(),
                        max_order_notional=reader.decimal("max_order_notional", a.max_order_notional, positive=True),
                        max_position_notional=reader.decimal("max_position_notional", a.max_position_notional,
                                                             positive=True))
            for a in carried.asset_limits))


def balance_from_event(balance: wallet_pb2.Balance, reader: EventReader) -> Balance:
    return Balance(
        user_id=reader.required("balance.user_id", balance.user_id),
        asset=reader.required("balance.asset", balance.asset).upper(),
        available=reader.decimal("balance.available", balance.available, default=ZERO),
        locked=reader.decimal("balance.locked", balance.locked, default=ZERO),
        position_margin=reader.decimal("balance.position_margin", balance.position_margin, default=ZERO),
        total=reader.decimal("balance.total", balance.total, default=ZERO),
        version=balance.version, updated_at_unix_ms=reader.at(balance.updated_at_unix_ms))


def exposure_from_event(event: position_events.ExposureUpdated, reader: EventReader) -> Exposure:
    positions = []
    for s in event.symbols:
        size = reader.decimal("symbols.size", s.size, default=ZERO, non_negative=True)
        if size == 0:
            continue
        if s.side not in POSITION_SIGNS:
            raise reader.fail(f"symbols[{s.symbol}].side must be LONG or SHORT")
        positions.append(Position(
            symbol=reader.required("symbols.symbol", s.symbol), asset=s.asset.upper(), size=size * POSITION_SIGNS[s.side],
            entry_price=reader.decimal("symbols.entry_price", s.entry_price, default=ZERO),
            mark_price=reader.decimal("symbols.mark_price", s.mark_price, default=ZERO),
            margin=reader.decimal("symbols.margin", s.margin, default=ZERO)))
    return Exposure(user_id=reader.required("user_id", event.user_id), version=event.version,
                    as_of_unix_ms=reader.at(event.as_of_unix_ms), positions=tuple(positions))


def booked_levels(event: wallet_events.BalanceUpdated, reader: EventReader) -> dict[str, Decimal]:
    """symbol -> level of the order-margin buckets of the balance's user the entry changed."""
    symbols = ((order_margin_bucket_symbol(event.balance.user_id, row.order_id), row) for row in event.order_funds)
    return {symbol: reader.decimal("order_funds.locked", row.locked, default=ZERO)
            for symbol, row in symbols if symbol is not None}


class AccountEvents:
    def __init__(self, state: RiskState, changes: Changes) -> None:
        self.state = state
        self.changes = changes

    def _merge(self, received: ReceivedEvent, user_id: str, change) -> Account:
        merged = change(self.state.accounts.get(user_id) or new_account(user_id))
        self.state.put_account(merged)
        self.changes.mark("account", user_id, received.event_id)
        return merged

    def on_user_created(self, event: user_events.UserCreated, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        user = event.user
        user_id = reader.required("user.user_id", user.user_id)
        at = reader.at(user.created_at_unix_ms)
        status = _status(user.status)
        self._merge(received, user_id, lambda a: merge_status(merge_tier(a, user.kyc_tier, at), status, at))

    def on_kyc_updated(self, event: user_events.KycTierUpdated, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        user_id = reader.required("user_id", event.user_id)
        at = reader.at(event.updated_at_unix_ms)
        limits = tier_from_event(event, reader, at)
        self._merge(received, user_id, lambda a: merge_tier(a, event.to_tier, at))
        if limits is not None:
            self.state.put_tier(limits)
            self.changes.mark("tier", limits.tier, received.event_id)

    def on_status_changed(self, event: user_events.UserStatusChanged, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        user_id = reader.required("user_id", event.user_id)
        at = reader.at(event.changed_at_unix_ms)
        self._merge(received, user_id, lambda a: merge_status(a, _status(event.to_status), at))

    def on_balance_updated(self, event: wallet_events.BalanceUpdated, received: ReceivedEvent) -> None:
        reader = EventReader(received)
        balance = balance_from_event(event.balance, reader)
        if self.state.put_balance(balance, booked_levels(event, reader)):
            self.changes.mark("balance", (balance.user_id, balance.asset), received.event_id)

    def on_exposure_updated(self, event: position_events.ExposureUpdated, received: ReceivedEvent) -> None:
        exposure = exposure_from_event(event, EventReader(received))
        self.state.put_exposure(exposure)
        self.changes.mark("exposure", exposure.user_id, received.event_id)

    def handlers(self) -> dict:
        return {
            user_events.UserCreated: self.on_user_created,
            user_events.KycTierUpdated: self.on_kyc_updated,
            user_events.UserStatusChanged: self.on_status_changed,
            wallet_events.BalanceUpdated: self.on_balance_updated,
            position_events.ExposureUpdated: self.on_exposure_updated,
        }
