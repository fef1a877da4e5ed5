"""Kafka consumers of the Wallet. Each event is applied in the consumer's one transaction,
together with its inbox row (services.platform.kafka.EventConsumer).

Two consumer groups, so that a busy settlement stream never holds up the opening of new wallets:
  wallet.users        user.created.v1, user.kyc_updated.v1, user.status_changed.v1
  wallet.settlements  settlement.v1
A handler that raises is retried (the transaction rolled back); MalformedEvent is logged and
skipped, for events no retry can ever apply. A settlement that can never apply (a user without a
wallet, a retired kind, a reused settlement_id) is recorded as seen and skipped with an ALARM.
"""
from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.position.v1 import events_pb2 as position_events
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2

from services.platform.decimals import parse_decimal
from services.platform.errors import AlreadyExists, FailedPrecondition, InvalidArgument
from services.platform.events import MalformedEvent, ReceivedEvent
from services.platform.ids import now_ms
from services.wallet.adapters import ledger_store, user_store
from services.wallet.app.settlements import SettlementPosting, apply_settlement
from services.wallet.domain.deposits import parse_asset
from services.wallet.domain.settlements import RETIRED_KINDS, SettlementKind, TradeInstruction

log = logging.getLogger(__name__)

USER_TOPICS = ["user.created.v1", "user.kyc_updated.v1", "user.status_changed.v1"]
SETTLEMENT_TOPICS = ["settlement.v1"]


def _status(value: int) -> str:
    return user_store.SUSPENDED if value == user_pb2.ACCOUNT_STATUS_SUSPENDED else user_store.ACTIVE


async def on_user_created(conn: AsyncConnection, event: user_events.UserCreated, received: ReceivedEvent) -> None:
    """Opens zero INR and USDT balances; a replay (or a second event for the user) opens nothing."""
    user = event.user
    if not user.user_id:
        raise MalformedEvent(f"UserCreated {received.event_id} has no user_id")
    at = user.created_at_unix_ms or received.occurred_at_unix_ms
    await user_store.created(conn, user.user_id, user.kyc_tier, _status(user.status), at)
    opened = await ledger_store.open_balances(conn, user.user_id, now_ms())
    log.info("wallet opened", extra={"user_id": user.user_id, "new_balances": opened})


async def on_kyc_updated(conn: AsyncConnection, event: user_events.KycTierUpdated, received: ReceivedEvent) -> None:
    if not event.user_id:
        raise MalformedEvent(f"KycTierUpdated {received.event_id} has no user_id")
    caps = {}
    for limits in event.limits.asset_limits:
        if limits.daily_deposit_cap:
            try:
                cap = parse_decimal("daily_deposit_cap", limits.daily_deposit_cap, non_negative=True)
            except InvalidArgument as exc:
                raise MalformedEvent(f"KycTierUpdated {received.event_id}: {exc.message}") from None
            caps[limits.asset] = format(cap, "f")
    await user_store.set_tier(conn, event.user_id, event.to_tier, caps or None,
                              event.updated_at_unix_ms or received.occurred_at_unix_ms)


async def on_status_changed(conn: AsyncConnection, event: user_events.UserStatusChanged,
                            received: ReceivedEvent) -> None:
    if not event.user_id:
        raise MalformedEvent(f"UserStatusChanged {received.event_id} has no user_id")
    await user_store.set_status(conn, event.user_id, _status(event.to_status),
                                event.changed_at_unix_ms or received.occurred_at_unix_ms)


class RetiredSettlementKind(Exception):
    """A kind the Wallet no longer applies (domain/settlements.py RETIRED_KINDS)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def settlement_from_event(event: position_events.Settlement) -> SettlementPosting:
    """Raises MalformedEvent for what no retry can fix, RetiredSettlementKind for a retired kind."""
    try:
        if not event.settlement_id or not event.user_id:
            raise InvalidArgument("settlement_id and user_id are required")
        name = position_events.SettlementKind.Name(event.kind).removeprefix("SETTLEMENT_KIND_")
        if name == "UNSPECIFIED":
            raise InvalidArgument("kind is required")
        if name in RETIRED_KINDS:
            raise RetiredSettlementKind(name)
        kind = SettlementKind(name)
        amount = parse_decimal("amount", event.amount)
        asset = parse_asset("asset", event.asset)
        trade = _trade_instruction(event, amount) if kind is SettlementKind.TRADE else None
    except (InvalidArgument, ValueError) as exc:
        raise MalformedEvent(f"Settlement {event.settlement_id!r}: {getattr(exc, 'message', exc)}") from None
    return SettlementPosting(settlement_id=event.settlement_id, user_id=event.user_id, asset=asset, kind=kind,
                             amount=amount, reference_id=event.trade_id or event.funding_id or event.adl_id,
                             order_id=event.order_id, trade=trade, symbol=event.symbol)


def _trade_instruction(event: position_events.Settlement, amount) -> TradeInstruction:
    if not event.order_id or not event.trade_id:
        raise InvalidArgument("a TRADE settlement needs order_id and trade_id")
    instruction = TradeInstruction(
        margin_released=parse_decimal("margin_released", event.margin_released or "0", non_negative=True),
        margin_in=parse_decimal("margin_in", event.margin_in or "0", non_negative=True),
        realized_pnl=parse_decimal("realized_pnl", event.realized_pnl or "0"),
        fee=parse_decimal("fee", event.fee or "0"))
    if instruction.realized_pnl - instruction.fee != amount:
        raise InvalidArgument("amount must equal realized_pnl - fee")
    return instruction


async def on_settlement(conn: AsyncConnection, event: position_events.Settlement, received: ReceivedEvent) -> None:
    try:
        posting = settlement_from_event(event)
    except RetiredSettlementKind as retired:
        # REALIZED_PNL / MARGIN_RELEASE predate the TRADE instruction, which carries a fill's PnL and
        # margins; applying one would move that money a second time, and a MARGIN_RELEASE larger than
        # the position margin could never apply. Nothing is posted; the inbox row (this transaction)
        # records the event as seen so that it cannot stall the partition (never stall on money).
        log.error("ALARM settlement of a retired kind; recorded as seen and skipped, nothing posted",
                  extra={"settlement_id": event.settlement_id, "user_id": event.user_id, "kind": retired.kind,
                         "amount": event.amount, "event_id": received.event_id})
        return
    try:
        await apply_settlement(conn, posting)
    except FailedPrecondition as exc:
        if exc.reason != "WALLET_NOT_OPEN":
            raise
        # No wallet can ever appear for a settlement that already happened (a user trades only
        # after funds were locked in their wallet): a producer that bypassed Order. Retrying it
        # would stall every later settlement of the partition (DESIGN: never stall on money).
        log.error("ALARM settlement for a user without a wallet; recorded as seen and skipped",
                  extra={"settlement_id": posting.settlement_id, "user_id": posting.user_id,
                         "event_id": received.event_id})
    except AlreadyExists as exc:
        # The same settlement_id with another body: a producer bug. The first one stands; the
        # event is recorded as seen so it cannot block the partition, and logged loudly.
        log.error("settlement refused: %s", exc.message, extra={"settlement_id": posting.settlement_id,
                                                                "event_id": received.event_id})


USER_HANDLERS = {
    user_events.UserCreated: on_user_created,
    user_events.KycTierUpdated: on_kyc_updated,
    user_events.UserStatusChanged: on_status_changed,
}
SETTLEMENT_HANDLERS = {position_events.Settlement: on_settlement}
