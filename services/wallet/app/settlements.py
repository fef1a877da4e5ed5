"""settlement.v1 postings (realized PnL, funding, margin release) and the insurance fund.

See services/wallet/domain/settlements.py for which accounts each one moves between.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.ids import new_id, now_ms
from services.wallet.adapters import ledger_store
from services.wallet.app.funds import post_entry, require_balance
from services.wallet.app.tx import in_savepoints, run_tx
from services.wallet.domain import settlements as domain
from services.wallet.domain.balances import Balance, SystemBalance
from services.wallet.domain.idempotency import check_replay, fingerprint, insurance_key, settlement_key
from services.wallet.domain.ledger import AccountKind, EntryKind, JournalEntry
from services.wallet.domain.settlements import SettlementKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SettlementPosting:
    settlement_id: str
    user_id: str
    asset: str
    kind: SettlementKind
    amount: Decimal  # signed: positive credits the user
    reference_id: str  # the trade, funding or ADL id


@dataclass(frozen=True)
class SettlementResult:
    posted: Decimal  # signed amount actually posted to the user
    entry: JournalEntry | None
    replayed: bool


async def apply_settlement(conn: AsyncConnection, s: SettlementPosting) -> SettlementResult:
    """Inside the consumer's transaction (which also holds the inbox row). Idempotent by
    settlement_id on top of the inbox's event id, because Position re-emits the same
    settlement_id under a new event id when it replays its ledger."""
    key = settlement_key(s.settlement_id)
    request = fingerprint(user_id=s.user_id, asset=s.asset, kind=s.kind.value, amount=s.amount)

    async def work(conn: AsyncConnection) -> SettlementResult:
        op = await ledger_store.get_operation(conn, key)
        if op is not None:
            check_replay(key, op.fingerprint, request)
            return SettlementResult(op.amount, None, replayed=True)
        now = now_ms()
        balance = await require_balance(conn, s.user_id, s.asset)
        postings, posted = domain.settle(balance, s.kind, s.amount)
        entry = None
        if postings:
            entry, _ = await post_entry(conn, domain.ENTRY_KIND[s.kind], key, s.reference_id or s.settlement_id,
                                        postings, balance, now)
        if posted != s.amount:
            # A bankrupt user's loss: the rest stays in CLEARING until DrawInsuranceFund covers it.
            log.warning("loss collected only in part; the rest stays in CLEARING", extra={
                "settlement_id": s.settlement_id, "user_id": s.user_id, "asset": s.asset,
                "amount": str(s.amount), "collected": str(posted)})
        await ledger_store.record_operation(conn, key, request, entry.journal_entry_id if entry else None,
                                            posted, now)
        return SettlementResult(posted, entry, replayed=False)

    return await in_savepoints(conn, work)


@dataclass(frozen=True)
class InsuranceResult:
    entry: JournalEntry | None
    insurance_fund: SystemBalance
    clearing: SystemBalance | None
    balance: Balance | None
    replayed: bool


@dataclass
class InsuranceUseCases:
    engine: AsyncEngine
    on_events_committed: Callable[[], None] = lambda: None

    async def draw(self, *, transfer_id: str, settlement_id: str, user_id: str, asset: str,
                   amount: Decimal) -> InsuranceResult:
        """INSURANCE_FUND -> CLEARING to cover a liquidation shortfall."""
        key = insurance_key(transfer_id)
        request = fingerprint(op="draw", settlement_id=settlement_id, user_id=user_id, asset=asset, amount=amount)

        async def work(conn: AsyncConnection) -> InsuranceResult:
            op = await ledger_store.get_operation(conn, key)
            if op is None:
                now = now_ms()
                fund = (await ledger_store.list_system_balances(conn, AccountKind.INSURANCE_FUND, asset))[0]
                postings = domain.insurance_draw(fund.balance, asset, amount)
                entry = JournalEntry(new_id(), EntryKind.INSURANCE_DRAW, key, settlement_id, postings, now)
                await ledger_store.post(conn, entry, {}, now)
                await ledger_store.record_operation(conn, key, request, entry.journal_entry_id, amount, now)
                replayed = False
            else:
                check_replay(key, op.fingerprint, request)
                entry = await ledger_store.get_entry(conn, op.journal_entry_id)
                replayed = True
            return await self._result(conn, entry, asset, None, replayed)

        return await run_tx(self.engine, work)

    async def contribute(self, *, transfer_id: str, settlement_id: str, user_id: str, asset: str,
                         amount: Decimal) -> InsuranceResult:
        """USER_POSITION_MARGIN, then USER_AVAILABLE -> INSURANCE_FUND (a liquidation surplus)."""
        key = insurance_key(transfer_id)
        request = fingerprint(op="contribute", settlement_id=settlement_id, user_id=user_id, asset=asset,
                              amount=amount)

        async def work(conn: AsyncConnection) -> InsuranceResult:
            op = await ledger_store.get_operation(conn, key)
            if op is None:
                now = now_ms()
                balance = await require_balance(conn, user_id, asset)
                postings = domain.insurance_contribution(balance, amount)
                entry, _ = await post_entry(conn, EntryKind.INSURANCE_CONTRIBUTION, key, settlement_id, postings,
                                            balance, now)
                await ledger_store.record_operation(conn, key, request, entry.journal_entry_id, amount, now)
                replayed = False
            else:
                check_replay(key, op.fingerprint, request)
                entry = await ledger_store.get_entry(conn, op.journal_entry_id)
                replayed = True
            return await self._result(conn, entry, asset, user_id, replayed)

        result = await run_tx(self.engine, work)
        if not result.replayed:
            self.on_events_committed()
        return result

    @staticmethod
    async def _result(conn, entry, asset, user_id, replayed) -> InsuranceResult:
        systems = {b.kind: b for b in await ledger_store.list_system_balances(conn, asset=asset)}
        balance = await ledger_store.get_balance(conn, user_id, asset) if user_id else None
        return InsuranceResult(entry, systems[AccountKind.INSURANCE_FUND], systems[AccountKind.CLEARING], balance,
                               replayed)

