"""The trading path's wallet operations (WalletInternalService): LockFunds, ReleaseFunds,
SettleTrade. Each is one transaction, idempotent by its key: the first call records the key
with a fingerprint of the request in `operations` together with its journal entry; a replay
returns what the first call did; the same key with another request is ALREADY_EXISTS."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.db import reading
from services.platform.errors import FailedPrecondition, NotFound
from services.platform.ids import new_id, now_ms
from services.wallet.adapters import ledger_store, order_funds_store, publisher
from services.wallet.app.tx import run_tx
from services.wallet.domain import order_funds as funds_domain
from services.wallet.domain.balances import Balance
from services.wallet.domain.idempotency import (
    check_replay,
    fingerprint,
    lock_key,
    order_margin_key,
    release_key,
    trade_key,
)
from services.wallet.domain.ledger import EntryKind, JournalEntry, Posting
from services.wallet.domain.order_funds import OrderFunds


@dataclass(frozen=True)
class FundsResult:
    order_funds: OrderFunds
    balance: Balance
    entry: JournalEntry | None = None
    amount: Decimal | None = None  # what the operation moved (ReleaseFunds' "released")
    replayed: bool = False


@dataclass(frozen=True)
class TradeFill:
    trade_id: str
    order_id: str
    user_id: str
    symbol: str
    asset: str
    liquidity_role: str
    price: Decimal
    quantity: Decimal
    margin: Decimal
    fee: Decimal


def no_wallet(user_id: str, asset: str) -> FailedPrecondition:
    return FailedPrecondition(f"user {user_id} has no {asset} wallet", reason="WALLET_NOT_OPEN")


async def require_balance(conn: AsyncConnection, user_id: str, asset: str) -> Balance:
    balance = await ledger_store.get_balance(conn, user_id, asset)
    if balance is None:
        raise no_wallet(user_id, asset)
    return balance


async def post_entry(conn: AsyncConnection, kind: EntryKind, key: str, reference_id: str,
                     postings: tuple[Posting, ...], balance: Balance, now: int,
                     funds: OrderFunds | None = None) -> tuple[JournalEntry, Balance]:
    """`funds`: the funds row the entry changes, as it will be after it (its BalanceUpdated
    carries it: Risk keeps the order-margin buckets' levels from it)."""
    entry = JournalEntry(journal_entry_id=new_id(), kind=kind, idempotency_key=key, reference_id=reference_id,
                         postings=postings, created_at_unix_ms=now)
    posted = await ledger_store.post(conn, entry, {(balance.user_id, balance.asset): balance}, now)
    await publisher.balance_updates(conn, posted, (funds,) if funds is not None else ())
    return entry, posted.users.get((balance.user_id, balance.asset), balance)


@dataclass
class FundsUseCases:
    engine: AsyncEngine
    on_events_committed: Callable[[], None] = lambda: None

    async def _replay(self, conn: AsyncConnection, op, order_id: str, user_id: str, asset: str) -> FundsResult:
        funds = await order_funds_store.get(conn, order_id)
        balance = await require_balance(conn, user_id, asset)
        entry = await ledger_store.get_entry(conn, op.journal_entry_id) if op.journal_entry_id else None
        return FundsResult(funds, balance, entry, op.amount, replayed=True)

    async def _start(self, conn: AsyncConnection, key: str, request: str, order_id: str, user_id: str,
                     asset: str) -> tuple[FundsResult | None, Balance | None, OrderFunds | None]:
        """(the first result of an operation already applied under `key` -- the same request --,
        None, None), else (None, the user's balance read FOR UPDATE, the order's funds row under
        it): see funds_under. The balance and the key's operation are one read."""
        balance, op = await ledger_store.get_balance_and_operation(conn, user_id, asset, key)
        if op is not None:
            check_replay(key, op.fingerprint, request)
            return await self._replay(conn, op, order_id, user_id, asset), None, None
        if balance is None:
            raise no_wallet(user_id, asset)
        return None, balance, await funds_under(conn, balance, order_id)

    async def _run(self, work) -> FundsResult:
        # Plain SQL only, row counts checked at the end: the statements go together (run_tx says
        # how). A LockFunds is one of them on every placement: ~10 round trips became ~4.
        result = await run_tx(self.engine, work, together=True)
        if not result.replayed and result.entry is not None:
            self.on_events_committed()
        return result

    async def lock(self, *, lock_id: str, order_id: str, user_id: str, asset: str, amount: Decimal) -> FundsResult:
        key = lock_key(lock_id or order_id)
        request = fingerprint(order_id=order_id, user_id=user_id, asset=asset, amount=amount)

        async def work(conn: AsyncConnection) -> FundsResult:
            replayed, balance, funds = await self._start(conn, key, request, order_id, user_id, asset)
            if replayed is not None:
                return replayed
            now = now_ms()
            postings, updated = funds_domain.lock(balance, funds, amount)
            entry, balance = await post_entry(conn, EntryKind.FUNDS_LOCKED, key, order_id, postings, balance, now,
                                              updated)
            updated = await order_funds_store.save(conn, funds, updated, now)
            await ledger_store.record_operation(conn, key, request, entry.journal_entry_id, amount, now)
            return FundsResult(updated, balance, entry, amount)

        return await self._run(work)

    async def release(self, *, release_id: str, order_id: str, user_id: str,
                      amount: Decimal | None) -> FundsResult:
        """`amount` None: everything the order still has locked (possibly nothing)."""
        key = release_key(release_id)
        request = fingerprint(order_id=order_id, user_id=user_id,
                              amount=amount if amount is not None else "all_remaining")

        # Which asset, and whether the wallet holds anything for the order at all: one read in
        # autocommit. The Order service's SYNC of a bucket whose orders all went before it was
        # booked (a taker filled at once) ends here, without a transaction.
        async with reading(self.engine) as conn:
            found = await order_funds_store.get(conn, order_id)
        if found is None:
            raise NotFound(f"order {order_id} has no funds locked in the wallet")
        funds_domain.check_owner(found, user_id, found.asset)

        async def work(conn: AsyncConnection) -> FundsResult:
            # Read again under the balance lock: the row read above may predate a fill that took from it.
            replayed, balance, funds = await self._start(conn, key, request, order_id, user_id, found.asset)
            if replayed is not None:
                return replayed
            now = now_ms()
            postings, updated, released = funds_domain.release(balance, funds, amount)
            entry = None
            if postings:
                entry, balance = await post_entry(conn, EntryKind.FUNDS_RELEASED, key, order_id, postings,
                                                  balance, now, updated)
                updated = await order_funds_store.save(conn, funds, updated, now)
            await ledger_store.record_operation(conn, key, request, entry.journal_entry_id if entry else None,
                                                released, now)
            return FundsResult(updated, balance, entry, released)

        return await self._run(work)

    async def set_order_margin(self, *, operation_id: str, order_id: str, user_id: str, asset: str,
                               amount: Decimal) -> FundsResult:
        """An order-margin bucket set to `amount` (docs/ARCHITECTURE.md, "Order margin"): one entry,
        FUNDS_RELEASED for an excess, FUNDS_LOCKED for a shortfall (as far as available goes).
        `FundsResult.amount` is what stays short."""
        key = order_margin_key(operation_id)
        request = fingerprint(order_id=order_id, user_id=user_id, asset=asset, amount=amount)

        async def work(conn: AsyncConnection) -> FundsResult:
            replayed, balance, funds = await self._start(conn, key, request, order_id, user_id, asset)
            if replayed is not None:
                return replayed
            now = now_ms()
            postings, updated, short = funds_domain.set_level(balance, funds, amount)
            entry = None
            if postings:
                kind = EntryKind.FUNDS_RELEASED if updated.locked < funds.locked else EntryKind.FUNDS_LOCKED
                entry, balance = await post_entry(conn, kind, key, order_id, postings, balance, now, updated)
                updated = await order_funds_store.save(conn, funds, updated, now)
            await ledger_store.record_operation(conn, key, request, entry.journal_entry_id if entry else None,
                                                short, now)
            return FundsResult(updated, balance, entry, short)

        return await self._run(work)

    async def settle_trade(self, fill: TradeFill) -> FundsResult:
        key = trade_key(fill.trade_id, fill.order_id)
        request = fingerprint(user_id=fill.user_id, symbol=fill.symbol, asset=fill.asset,
                              liquidity_role=fill.liquidity_role, price=fill.price, quantity=fill.quantity,
                              margin=fill.margin, fee=fill.fee)

        async def work(conn: AsyncConnection) -> FundsResult:
            replayed, balance, funds = await self._start(conn, key, request, fill.order_id, fill.user_id, fill.asset)
            if replayed is not None:
                return replayed
            now = now_ms()
            # No row yet: reduce-only and liquidation orders lock nothing; their fees still need a record.
            if funds.version == 0 and fill.margin > 0:
                raise FailedPrecondition(f"order {fill.order_id} has no locked funds to take margin from",
                                         reason="MARGIN_EXCEEDS_LOCKED")
            postings, updated = funds_domain.settle_trade(balance, funds, fill.margin, fill.fee)
            entry = None
            if postings:
                entry, balance = await post_entry(conn, EntryKind.TRADE_SETTLED, key, fill.trade_id, postings,
                                                  balance, now, updated)
            updated = await order_funds_store.save(conn, funds, updated, now)
            await ledger_store.record_operation(conn, key, request, entry.journal_entry_id if entry else None,
                                                fill.margin, now)
            return FundsResult(updated, balance, entry, fill.margin)

        return await self._run(work)


async def funds_under(conn: AsyncConnection, balance: Balance, order_id: str) -> OrderFunds:
    """The order's (or bucket's) funds row (a new, empty one if there is none), which must be the
    balance's user's, in its asset, read after `balance` was read FOR UPDATE (FundsUseCases._start).

    In that order and with that lock, because the two must agree: every change of a funds row's
    lock also posts to USER_LOCKED, so it writes the balance row first, and a funds row read under
    the balance's lock agrees with it. Read optimistically, a commit between the two reads could
    pair a row with a balance from before it. No version check catches a decision that posts
    nothing to the user: a fill's settlement that found the bucket emptied but not the
    available balance it went to took nothing, and the insurance fund paid its margin and fee."""
    funds = await order_funds_store.get(conn, order_id) or OrderFunds(order_id, balance.user_id, balance.asset)
    funds_domain.check_owner(funds, balance.user_id, balance.asset)
    return funds
