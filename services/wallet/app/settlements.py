"""settlement.v1 postings (TRADE, FUNDING) and the insurance fund.

See services/wallet/domain/settlements.py for which accounts each one moves between.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.ids import new_id, now_ms
from services.platform.money import order_margin_bucket
from services.wallet.adapters import ledger_store, order_funds_store
from services.wallet.app.funds import no_wallet, post_entry, require_balance
from services.wallet.app.tx import run_tx
from services.wallet.domain import settlements as domain
from services.wallet.domain.balances import ZERO, Balance, SystemBalance
from services.wallet.domain.idempotency import check_replay, fingerprint, insurance_key, settlement_key
from services.wallet.domain.ledger import Account, AccountKind, EntryKind, JournalEntry, move
from services.wallet.domain.order_funds import OrderFunds
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
    # TRADE only: the order whose lock the margin comes from, and the instruction's parts.
    order_id: str = ""
    trade: domain.TradeInstruction | None = None
    # The instrument (TRADE: whose order-margin bucket holds the order's margin).
    symbol: str = ""


@dataclass(frozen=True)
class SettlementResult:
    posted: Decimal  # signed amount actually posted to the user
    entry: JournalEntry | None
    replayed: bool


async def apply_settlement(conn: AsyncConnection, s: SettlementPosting) -> SettlementResult:
    """Inside the consumer's transaction (which also holds the inbox row), plain SQL only: the
    consumer sends its statements together (services/platform/db.py, `sent_together`).
    Idempotent by settlement_id on top of the inbox's event id, because Position re-emits the
    same settlement_id under a new event id when it replays its ledger.

    No savepoint and no retry loop of its own: the user's balance is read FOR UPDATE first,
    together with the operation already recorded under the key (one round trip), so nothing
    decided below can go stale -- the funds row is read under that lock (funds.funds_under) and
    the system accounts change by atomic increments (locks taken in the Wallet's one order:
    the user's row, then system rows sorted). What can still fail (a twin that recorded the key
    while this waited for the lock, a lost connection) fails the consumer's transaction, which
    EventConsumer retries, one event at a time."""
    key = settlement_key(s.settlement_id)
    parts = {} if s.trade is None else dict(
        order_id=s.order_id, margin_released=s.trade.margin_released, margin_in=s.trade.margin_in,
        realized_pnl=s.trade.realized_pnl, fee=s.trade.fee)
    request = fingerprint(user_id=s.user_id, asset=s.asset, kind=s.kind.value, amount=s.amount, **parts)
    balance, op = await ledger_store.get_balance_and_operation(conn, s.user_id, s.asset, key)
    if op is not None:
        check_replay(key, op.fingerprint, request)
        return SettlementResult(op.amount, None, replayed=True)
    if balance is None:
        raise no_wallet(s.user_id, s.asset)
    now = now_ms()
    if s.kind is SettlementKind.TRADE:
        return await _apply_trade(conn, s, key, request, balance, now)
    postings, posted = domain.settle(balance, s.kind, s.amount)
    entry = None
    if postings:
        entry, _ = await post_entry(conn, domain.ENTRY_KIND[s.kind], key, s.reference_id or s.settlement_id,
                                    postings, balance, now)
    if posted != s.amount:
        # Funding is collected from total equity; what even that cannot pay is a shortfall.
        await _cover_shortfall(conn, s, -(s.amount - posted), ZERO, ZERO, now)
    await ledger_store.record_operation(conn, key, request, entry.journal_entry_id if entry else None,
                                        posted, now)
    return SettlementResult(posted, entry, replayed=False)


async def _apply_trade(conn: AsyncConnection, s: SettlementPosting, key: str, request: str,
                       balance: Balance, now: int) -> SettlementResult:
    """settlement.v1 kind TRADE: one journal entry for everything the fill moves, the funds row its
    margin comes from (the order's, else its symbol's order-margin bucket) updated with it, and any
    shortfall covered from the insurance fund."""
    # The order's own lock (orders placed before order-margin buckets), else its symbol's bucket,
    # where the Order service keeps the margin of all the user's open orders on the symbol. Read
    # under the balance's lock (apply_settlement), so that the two agree (funds.funds_under).
    if s.symbol:
        funds = await order_funds_store.get_first(conn, s.order_id, order_margin_bucket(s.user_id, s.symbol))
    else:
        funds = await order_funds_store.get(conn, s.order_id)
    if funds is None:
        funds = OrderFunds(s.order_id, s.user_id, s.asset)
    if funds.user_id != s.user_id or funds.asset != s.asset:
        # Another user's or asset's order: a producer bug. Take nothing from that lock.
        log.error("trade settlement names an order of another user or asset; its lock is not used",
                  extra={"settlement_id": s.settlement_id, "order_id": s.order_id})
        funds = OrderFunds(s.order_id + ":foreign", s.user_id, s.asset)
    applied = domain.settle_trade_instruction(balance, funds, s.trade)
    # The funds row as the fill leaves it, when it changed (never a foreign order's lock).
    moved = applied.funds if applied.funds != funds and not funds.order_id.endswith(":foreign") else None
    entry = None
    if applied.postings:
        entry, _ = await post_entry(conn, EntryKind.TRADE_SETTLED, key, s.reference_id or s.settlement_id,
                                    applied.postings, balance, now, moved)
    if moved is not None:
        await order_funds_store.save(conn, funds, applied.funds, now)
    if applied.margin_short or applied.pnl_short or applied.fee_short:
        await _cover_shortfall(conn, s, applied.pnl_short, applied.fee_short, applied.margin_short, now)
    posted = s.amount - applied.pnl_short - applied.fee_short
    await ledger_store.record_operation(conn, key, request, entry.journal_entry_id if entry else None, posted, now)
    return SettlementResult(posted, entry, replayed=False)


async def _cover_shortfall(conn: AsyncConnection, s: SettlementPosting, pnl_short: Decimal, fee_short: Decimal,
                           margin_short: Decimal, now: int) -> None:
    """What the user's equity could not pay: the insurance fund covers it as far as it goes
    (INSURANCE_DRAW), a reconciliation row records it, and an alarm is logged."""
    covered = ZERO
    uncovered = pnl_short + fee_short
    if uncovered > 0:
        fund = await ledger_store.system_balance(conn, AccountKind.INSURANCE_FUND, s.asset)
        postings, uncovered = domain.shortfall_cover(fund, s.asset, pnl_short, fee_short)
        covered = pnl_short + fee_short - uncovered
        if postings:
            entry = JournalEntry(new_id(), EntryKind.INSURANCE_DRAW, f"shortfall:{s.settlement_id}", s.settlement_id,
                                 postings, now)
            await ledger_store.post(conn, entry, {}, now)
    await ledger_store.record_shortfall(conn, settlement_id=s.settlement_id, user_id=s.user_id, asset=s.asset,
                                        kind=s.kind.value, pnl_short=pnl_short, fee_short=fee_short,
                                        margin_short=margin_short, covered=covered, uncovered=uncovered, now=now)
    log.error("ALARM settlement shortfall: the user's equity did not cover the instruction", extra={
        "settlement_id": s.settlement_id, "user_id": s.user_id, "asset": s.asset, "pnl_short": str(pnl_short),
        "fee_short": str(fee_short), "margin_short": str(margin_short), "covered_by_insurance": str(covered),
        "uncovered": str(uncovered)})


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

        async def postings(conn: AsyncConnection) -> list:
            fund = await ledger_store.system_balance(conn, AccountKind.INSURANCE_FUND, asset)
            return domain.insurance_draw(fund, asset, amount)

        return await self._system_transfer(key, request, EntryKind.INSURANCE_DRAW, settlement_id, asset, amount,
                                           postings)

    async def sweep_residual(self, *, transfer_id: str, reference_id: str, asset: str,
                             amount: Decimal) -> InsuranceResult:
        """CLEARING -> INSURANCE_FUND: a sealed funding cycle's rounding residual."""
        key = insurance_key(transfer_id)
        request = fingerprint(op="sweep", reference_id=reference_id, asset=asset, amount=amount)

        async def postings(conn: AsyncConnection) -> list:
            return move(Account.system(AccountKind.CLEARING, asset),
                        Account.system(AccountKind.INSURANCE_FUND, asset), amount)

        return await self._system_transfer(key, request, EntryKind.INSURANCE_CONTRIBUTION, reference_id, asset,
                                           amount, postings)

    async def _system_transfer(self, key: str, request: str, kind: EntryKind, reference_id: str, asset: str,
                               amount: Decimal, postings_for) -> InsuranceResult:
        """One entry between system accounts, applied once per `key` (a replay returns the first)."""
        async def work(conn: AsyncConnection) -> InsuranceResult:
            op = await ledger_store.get_operation(conn, key)
            if op is None:
                now = now_ms()
                entry = JournalEntry(new_id(), kind, key, reference_id, await postings_for(conn), now)
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

