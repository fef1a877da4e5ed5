"""Deposit use cases: open a PENDING deposit at the rail, and credit it exactly once when the
rail's signed webhook confirms it."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.decimals import parse_decimal
from services.platform.errors import AlreadyExists, DomainError, FailedPrecondition, InvalidArgument, NotFound
from services.platform.ids import new_id, now_ms
from services.platform.paging import decode_token, encode_token, page_limit
from services.wallet.adapters import deposit_store, ledger_store, publisher, user_store
from services.wallet.adapters.rail_client import RailClient
from services.wallet.app.tx import run_tx
from services.wallet.domain import signature
from services.wallet.domain.deposits import (
    RAIL_OF_ASSET,
    Deposit,
    DepositStatus,
    check_confirmation,
    check_daily_cap,
    parse_asset,
    parse_client_request_id,
    parse_deposit_amount,
    utc_day_start,
)
from services.wallet.domain.idempotency import deposit_key
from services.wallet.domain.ledger import Account, AccountKind, EntryKind, JournalEntry, move

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DepositCaps:
    """Daily deposit caps per KYC tier and asset. The defaults are configuration
    (WALLET_DEPOSIT_CAPS); a user's own caps arrive with user.kyc_updated.v1 and win."""

    by_tier: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    def cap_for(self, user: user_store.WalletUser, asset: str) -> Decimal:
        if user.daily_deposit_caps and asset in user.daily_deposit_caps:
            return user.daily_deposit_caps[asset]
        known = [tier for tier in self.by_tier if tier <= user.kyc_tier and asset in self.by_tier[tier]]
        # An unconfigured tier gets the highest configured tier below it; none at all: no deposits.
        return self.by_tier[max(known)][asset] if known else Decimal(0)


@dataclass(frozen=True)
class WebhookCall:
    rail_reference: str
    deposit_id: str
    amount: str
    asset: str
    timestamp_unix_ms: int
    signature: str


@dataclass
class DepositUseCases:
    engine: AsyncEngine
    rail: RailClient
    hmac_secret: bytes
    caps: DepositCaps
    webhook_tolerance_ms: int = 5 * 60 * 1000
    deposit_ttl_ms: int = 24 * 3600 * 1000
    on_events_committed: Callable[[], None] = lambda: None

    async def create(self, user_id: str, asset_text: str, amount_text: str, client_request_id: str) -> Deposit:
        asset = parse_asset("asset", asset_text)
        amount = parse_deposit_amount(asset, amount_text)
        request_id = parse_client_request_id(client_request_id)

        async def open_pending(conn: AsyncConnection) -> Deposit:
            now = now_ms()
            # One deposit opening per user at a time, so two concurrent requests cannot both fit
            # under the daily cap.
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"wallet-deposit:{user_id}"})
            existing = await deposit_store.get_by_client_request(conn, user_id, request_id)
            if existing is not None:
                if existing.asset != asset or existing.amount != amount:
                    raise AlreadyExists(f"client_request_id {request_id!r} was used for a different deposit")
                return existing
            user = await user_store.get(conn, user_id)
            if user is None or await ledger_store.get_balance(conn, user_id, asset) is None:
                raise FailedPrecondition("this user has no wallet yet (it opens when the profile is created); "
                                         "retry shortly", reason="WALLET_NOT_OPEN")
            if user.status == user_store.SUSPENDED:
                raise FailedPrecondition("the account is suspended: deposits are refused", reason="ACCOUNT_SUSPENDED")
            used = await deposit_store.sum_opened_since(conn, user_id, asset, utc_day_start(now), now)
            check_daily_cap(asset, self.caps.cap_for(user, asset), used, amount, user.kyc_tier)
            deposit = Deposit(deposit_id=new_id(), user_id=user_id, asset=asset, amount=amount,
                              status=DepositStatus.PENDING, rail=RAIL_OF_ASSET[asset], client_request_id=request_id,
                              created_at_unix_ms=now, expires_at_unix_ms=now + self.deposit_ttl_ms)
            await deposit_store.insert_pending(conn, deposit)
            return deposit

        deposit = await run_tx(self.engine, open_pending)
        if deposit.has_instructions or deposit.status is not DepositStatus.PENDING:
            return deposit
        # Outside the transaction: no row lock is held while the rail answers. The PENDING row
        # is committed first, so a rail that confirms at once finds it.
        instructions = await self.rail.open_intent(deposit)

        async def save(conn: AsyncConnection) -> Deposit:
            return await deposit_store.set_instructions(
                conn, deposit.deposit_id, deposit_address=instructions.deposit_address,
                network=instructions.network, payment_reference=instructions.payment_reference)

        return await run_tx(self.engine, save)

    async def confirm(self, call: WebhookCall) -> Deposit:
        try:
            deposit, credited = await self._confirm(call)
        except DomainError as exc:
            # Every refused webhook is logged (a forged or stale one may be an attack).
            log.warning("rail webhook refused: %s", exc.message, extra={
                "deposit_id": call.deposit_id, "rail_reference": call.rail_reference, "reason": exc.reason})
            raise
        if credited:
            self.on_events_committed()
            log.info("deposit confirmed and credited", extra={"deposit_id": deposit.deposit_id,
                                                               "rail_reference": deposit.rail_reference})
        return deposit

    async def _confirm(self, call: WebhookCall) -> tuple[Deposit, bool]:
        # Authenticity before anything else: nothing is read for an unsigned caller.
        signature.verify(self.hmac_secret, deposit_id=call.deposit_id, rail_reference=call.rail_reference,
                         asset=call.asset, amount=call.amount, timestamp_unix_ms=call.timestamp_unix_ms,
                         signature=call.signature, now_ms=now_ms(), tolerance_ms=self.webhook_tolerance_ms)
        if not call.rail_reference:
            raise InvalidArgument("rail_reference is required")
        amount = parse_decimal("amount", call.amount, positive=True)

        async def credit_once(conn: AsyncConnection) -> tuple[Deposit, bool]:
            now = now_ms()
            deposit = await deposit_store.get(conn, call.deposit_id) if call.deposit_id else None
            if deposit is None:
                raise NotFound(f"deposit {call.deposit_id!r} does not exist")
            check_confirmation(deposit, call.asset, amount)
            confirmed = await deposit_store.confirm_if_pending(conn, deposit.deposit_id, call.rail_reference, now)
            if confirmed is None:
                return await self._already_settled(conn, deposit.deposit_id, call.rail_reference), False
            balance = await ledger_store.get_balance(conn, confirmed.user_id, confirmed.asset)
            if balance is None:
                raise FailedPrecondition("the deposit's wallet does not exist", reason="WALLET_NOT_OPEN")
            entry = JournalEntry(
                journal_entry_id=new_id(), kind=EntryKind.DEPOSIT, idempotency_key=deposit_key(confirmed.deposit_id),
                reference_id=confirmed.deposit_id, created_at_unix_ms=now,
                postings=move(Account.system(AccountKind.EXTERNAL, confirmed.asset),
                              Account.user(AccountKind.USER_AVAILABLE, confirmed.user_id, confirmed.asset),
                              confirmed.amount))
            posted = await ledger_store.post(conn, entry, {(balance.user_id, balance.asset): balance}, now)
            await publisher.deposit_confirmed(conn, confirmed, posted)
            await publisher.balance_updates(conn, posted)
            return confirmed, True

        return await run_tx(self.engine, credit_once)

    @staticmethod
    async def _already_settled(conn: AsyncConnection, deposit_id: str, rail_reference: str) -> Deposit:
        """The PENDING guard matched nothing: a replay (fine), another transfer, or too late."""
        current = await deposit_store.get(conn, deposit_id)
        if current.status is DepositStatus.CONFIRMED:
            if current.rail_reference == rail_reference:
                return current
            raise AlreadyExists(f"deposit {deposit_id} was confirmed by another rail transfer",
                                reason="DEPOSIT_ALREADY_CONFIRMED")
        raise FailedPrecondition(f"deposit {deposit_id} expired before the rail confirmed it",
                                 reason="DEPOSIT_EXPIRED")

    async def get(self, user_id: str, deposit_id: str) -> Deposit:
        if not deposit_id:
            raise InvalidArgument("deposit_id is required")
        async with self.engine.connect() as conn:
            deposit = await deposit_store.get(conn, deposit_id)
        # Another user's deposit reads as missing, so ids cannot be probed.
        if deposit is None or deposit.user_id != user_id:
            raise NotFound(f"deposit {deposit_id} does not exist")
        return deposit

    async def list(self, user_id: str, asset: str, status: DepositStatus | None, page_size: int,
                   page_token: str) -> tuple[list[Deposit], str]:
        if asset:
            parse_asset("asset", asset)
        limit = page_limit(page_size)
        before = str(decode_token(page_token).get("before", ""))
        async with self.engine.connect() as conn:
            page = await deposit_store.list_page(conn, user_id, asset=asset, status=status, before_id=before,
                                                 limit=limit + 1, now_ms=now_ms())
        next_token = encode_token({"before": page[limit - 1].deposit_id}) if len(page) > limit else ""
        return page[:limit], next_token
