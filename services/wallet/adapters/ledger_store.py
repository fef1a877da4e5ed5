"""Balances, journal entries and postings in PostgreSQL. Every function runs in the caller's
transaction.

Concurrency: a user's balance row is written with an optimistic-lock check (`version` must be
the one the decision was based on; otherwise StaleBalance and the use case retries from the
start). System accounts (FEES, CLEARING, EXTERNAL, INSURANCE_FUND per asset) are hot rows
shared by every user; they are written as atomic increments (`balance = balance + delta`)
under the row lock instead, because an optimistic check there would make every concurrent
deposit or fill retry. Lock order is always: the user's balance row, then system rows sorted,
so two transactions cannot deadlock.

The statements every lock, release, fill and settlement runs are plain SQL on the transaction's
own psycopg connection (services/platform/db.py, sql_one/sql_run): at 10 orders/s py-spy found
69 % of the Wallet's CPU in SQLAlchemy's statement building and result handling. Reports and
listings stay SQLAlchemy Core.
"""
from __future__ import annotations

import contextvars
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform.db import qualified, sql_all, sql_one, sql_run, sql_run_expecting
from services.wallet.adapters.tables import (
    balances,
    journal_entries,
    operations,
    postings,
    settlement_shortfalls,
    system_balances,
)
from services.wallet.domain.balances import Applied, Balance, InsufficientFunds, SystemBalance, apply_to_users
from services.wallet.domain.idempotency import settlement_key
from services.wallet.domain.ledger import (
    ASSETS,
    NON_NEGATIVE_SYSTEM_KINDS,
    Account,
    AccountKind,
    Direction,
    EntryKind,
    JournalEntry,
    Posting,
)


class StaleBalance(Exception):
    """Another transaction changed the row since it was read: retry the use case."""


# Set by the retry loop (app/tx.py) once a use case has lost a race: its next attempt reads the
# balance with FOR UPDATE, so a hot account (20 orders locking at once) converges in one retry
# instead of every loser re-running and losing again. The version check stays the guard.
lock_on_read: contextvars.ContextVar[bool] = contextvars.ContextVar("wallet_lock_on_read", default=False)


def _balance(row) -> Balance:
    return Balance(user_id=row.user_id, asset=row.asset, available=row.available, locked=row.locked,
                   position_margin=row.position_margin, version=row.version,
                   updated_at_unix_ms=row.updated_at_unix_ms)


_BALANCES = qualified(balances)
_SYSTEM_BALANCES = qualified(system_balances)
_OPERATIONS = qualified(operations)

# Balance and Operation fields in the order the readers below unpack them.
_BALANCE_COLUMNS = ("available", "locked", "position_margin", "version", "updated_at_unix_ms")
_OPERATION_COLUMNS = ("idempotency_key", "fingerprint", "journal_entry_id", "amount", "created_at_unix_ms")

_GET_BALANCE_SQL = f"SELECT {', '.join(_BALANCE_COLUMNS)} FROM {_BALANCES} WHERE user_id = %s AND asset = %s"
_GET_BALANCE_FOR_UPDATE_SQL = _GET_BALANCE_SQL + " FOR UPDATE"

_SAVE_BALANCE_SQL = (
    f"UPDATE {_BALANCES} SET available = %s, locked = %s, position_margin = %s, version = %s, "
    "updated_at_unix_ms = %s WHERE user_id = %s AND asset = %s AND version = %s")

_ADD_TO_SYSTEM_SQL = (
    f"UPDATE {_SYSTEM_BALANCES} SET balance = balance + %s, version = version + 1, updated_at_unix_ms = %s "
    "WHERE account_kind = %s AND asset = %s RETURNING balance, version")
_DRAW_FROM_NON_NEGATIVE_SQL = (
    f"UPDATE {_SYSTEM_BALANCES} SET balance = balance + %s, version = version + 1, updated_at_unix_ms = %s "
    "WHERE account_kind = %s AND asset = %s AND balance + %s >= 0 RETURNING balance, version")

_INSERT_ENTRY_SQL = (
    f"INSERT INTO {qualified(journal_entries)} "
    "(journal_entry_id, kind, idempotency_key, reference_id, created_at_unix_ms) VALUES (%s, %s, %s, %s, %s)")

# All of an entry's postings in one statement, whatever their number (one prepared statement);
# ordered by seq so posting_id follows the entry's order, as the row-by-row insert did.
_INSERT_POSTINGS_SQL = (
    f"INSERT INTO {qualified(postings)} (journal_entry_id, seq, account_kind, user_id, asset, direction, "
    "amount, balance_after, created_at_unix_ms) "
    "SELECT %s, p.seq, p.account_kind, p.user_id, p.asset, p.direction, p.amount, p.balance_after, %s "
    "FROM unnest(%s::smallint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::numeric[], %s::numeric[]) "
    "AS p(seq, account_kind, user_id, asset, direction, amount, balance_after) ORDER BY p.seq")

_GET_ENTRY_SQL = (
    "SELECT journal_entry_id, kind, idempotency_key, reference_id, created_at_unix_ms "
    f"FROM {qualified(journal_entries)} WHERE journal_entry_id = %s")
_GET_ENTRY_POSTINGS_SQL = (
    f"SELECT account_kind, asset, user_id, direction, amount FROM {qualified(postings)} "
    "WHERE journal_entry_id = %s ORDER BY seq")

_GET_OPERATION_SQL = f"SELECT {', '.join(_OPERATION_COLUMNS)} FROM {_OPERATIONS} WHERE idempotency_key = %s"
# The balance, locked, and the operation already recorded under a key, in one round trip (every
# LockFunds, ReleaseFunds and order-margin SYNC reads both first).
_GET_BALANCE_AND_OPERATION_SQL = (
    f"SELECT {', '.join('b.' + c for c in _BALANCE_COLUMNS)}, {', '.join('o.' + c for c in _OPERATION_COLUMNS)} "
    f"FROM {_BALANCES} AS b LEFT JOIN {_OPERATIONS} AS o ON o.idempotency_key = %s "
    "WHERE b.user_id = %s AND b.asset = %s FOR UPDATE OF b")
_RECORD_OPERATION_SQL = (
    f"INSERT INTO {_OPERATIONS} (idempotency_key, fingerprint, journal_entry_id, amount, created_at_unix_ms) "
    "VALUES (%s, %s, %s, %s, %s)")

_RECORD_SHORTFALL_SQL = (
    f"INSERT INTO {qualified(settlement_shortfalls)} (settlement_id, user_id, asset, kind, pnl_short, fee_short, "
    "margin_short, covered_by_insurance, uncovered, created_at_unix_ms) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING")


async def open_balances(conn: AsyncConnection, user_id: str, now_ms: int) -> int:
    """Zero balances of every asset; returns how many were new (0 on a replay)."""
    result = await conn.execute(
        insert(balances).values([dict(user_id=user_id, asset=asset, available=0, locked=0, position_margin=0,
                                      version=0, updated_at_unix_ms=now_ms) for asset in ASSETS])
        .on_conflict_do_nothing().returning(balances.c.asset))
    return len(result.all())


async def get_balance(conn: AsyncConnection, user_id: str, asset: str) -> Balance | None:
    """Read optimistically on a first attempt, FOR UPDATE on a retry (app/tx.py); a decision that
    reads a funds row beside the balance locks it first (get_balance_and_operation)."""
    sql = _GET_BALANCE_FOR_UPDATE_SQL if lock_on_read.get() else _GET_BALANCE_SQL
    row = await sql_one(conn, sql, (user_id, asset))
    if row is None:
        return None
    available, locked, position_margin, version, updated_at_unix_ms = row
    return Balance(user_id=user_id, asset=asset, available=available, locked=locked,
                   position_margin=position_margin, version=version, updated_at_unix_ms=updated_at_unix_ms)


async def list_balances(conn: AsyncConnection, user_id: str, asset: str = "") -> list[Balance]:
    query = sa.select(balances).where(balances.c.user_id == user_id)
    if asset:
        query = query.where(balances.c.asset == asset)
    return [_balance(r) for r in (await conn.execute(query.order_by(balances.c.asset))).all()]


async def list_system_balances(conn: AsyncConnection, kind: AccountKind | None = None,
                               asset: str = "") -> list[SystemBalance]:
    query = sa.select(system_balances)
    if kind is not None:
        query = query.where(system_balances.c.account_kind == kind.value)
    if asset:
        query = query.where(system_balances.c.asset == asset)
    rows = (await conn.execute(query.order_by(system_balances.c.account_kind, system_balances.c.asset))).all()
    return [SystemBalance(AccountKind(r.account_kind), r.asset, r.balance, r.version, r.updated_at_unix_ms)
            for r in rows]


_SYSTEM_BALANCE_SQL = f"SELECT balance FROM {_SYSTEM_BALANCES} WHERE account_kind = %s AND asset = %s"


async def system_balance(conn: AsyncConnection, kind: AccountKind, asset: str) -> Decimal:
    """One system account's balance, in plain SQL (a settlement's shortfall reads the insurance
    fund inside the consumer's statements sent together)."""
    row = await sql_one(conn, _SYSTEM_BALANCE_SQL, (kind.value, asset))
    if row is None:
        raise LookupError(f"no {kind.value} account for {asset}")
    return row[0]


async def _save_balance(conn: AsyncConnection, before: Balance, after: Balance) -> None:
    await sql_run_expecting(conn, _SAVE_BALANCE_SQL, (
        after.available, after.locked, after.position_margin, after.version, after.updated_at_unix_ms,
        before.user_id, before.asset, before.version), rows=1, error=lambda: StaleBalance(
            f"balance {before.user_id}/{before.asset} changed since version {before.version}"))


async def _add_to_system(conn: AsyncConnection, kind: AccountKind, asset: str, delta: Decimal,
                         now_ms: int) -> SystemBalance:
    if kind in NON_NEGATIVE_SYSTEM_KINDS and delta < 0:
        # Checked under the row lock, so concurrent draws cannot both pass; the CHECK constraint
        # would refuse it too, but this names the rule instead of raising a SQL error.
        row = await sql_one(conn, _DRAW_FROM_NON_NEGATIVE_SQL, (delta, now_ms, kind.value, asset, delta))
    else:
        row = await sql_one(conn, _ADD_TO_SYSTEM_SQL, (delta, now_ms, kind.value, asset))
    if row is None:
        raise InsufficientFunds(f"the {kind.value.lower()} of {asset} holds less than {-delta.normalize():f}")
    balance, version = row
    return SystemBalance(kind, asset, balance, version, now_ms)


class Posted:
    """A journal entry as written: the entry, the user balances after it, the system balances
    after it, and each posting's balance_after."""

    def __init__(self, entry: JournalEntry, users: dict[tuple[str, str], Balance],
                 systems: dict[tuple[AccountKind, str], SystemBalance], balance_after: tuple[Decimal, ...]) -> None:
        self.entry = entry
        self.users = users
        self.systems = systems
        self.balance_after = balance_after


async def post(conn: AsyncConnection, entry: JournalEntry, loaded: dict[tuple[str, str], Balance],
               now_ms: int) -> Posted:
    """Writes one balanced entry and its effect on balances.

    `loaded` holds the user balances the entry was computed from; they are written back only
    if still at the version read (StaleBalance otherwise), so a decision can never be based on
    a balance that changed underneath it.
    """
    applied: Applied = apply_to_users(loaded, entry.postings, now_ms)
    for key in sorted(applied.balances):
        await _save_balance(conn, loaded[key], applied.balances[key])
    deltas: dict[tuple[AccountKind, str], Decimal] = defaultdict(Decimal)
    for posting in entry.postings:
        if not posting.account.kind.is_user:
            deltas[(posting.account.kind, posting.account.asset)] += posting.signed
    systems = {}
    for kind, asset in sorted(deltas, key=lambda k: (k[0].value, k[1])):
        systems[(kind, asset)] = await _add_to_system(conn, kind, asset, deltas[(kind, asset)], now_ms)
    after = _system_balance_after(entry.postings, applied.balance_after, systems)
    await sql_run(conn, _INSERT_ENTRY_SQL, (entry.journal_entry_id, entry.kind.value, entry.idempotency_key,
                                            entry.reference_id, entry.created_at_unix_ms))
    lines = entry.postings
    await sql_run(conn, _INSERT_POSTINGS_SQL, (
        entry.journal_entry_id, entry.created_at_unix_ms, list(range(len(lines))),
        [p.account.kind.value for p in lines], [p.account.user_id for p in lines],
        [p.account.asset for p in lines], [p.direction.value for p in lines], [p.amount for p in lines],
        list(after)))
    return Posted(entry, applied.balances, systems, after)


def _system_balance_after(entry_postings, user_after, systems) -> tuple[Decimal, ...]:
    """A system posting's balance_after: the account's final balance minus what later postings
    of the same entry added to it."""
    after = list(user_after)
    running = {key: value.balance for key, value in systems.items()}
    for index in range(len(entry_postings) - 1, -1, -1):
        posting = entry_postings[index]
        if posting.account.kind.is_user:
            continue
        key = (posting.account.kind, posting.account.asset)
        after[index] = running[key]
        running[key] -= posting.signed
    return tuple(after)


async def get_entry(conn: AsyncConnection, journal_entry_id: str) -> JournalEntry | None:
    head = await sql_one(conn, _GET_ENTRY_SQL, (journal_entry_id,))
    if head is None:
        return None
    rows = await sql_all(conn, _GET_ENTRY_POSTINGS_SQL, (journal_entry_id,))
    journal_entry_id, kind, idempotency_key, reference_id, created_at_unix_ms = head
    return JournalEntry(
        journal_entry_id=journal_entry_id, kind=EntryKind(kind), idempotency_key=idempotency_key,
        reference_id=reference_id, created_at_unix_ms=created_at_unix_ms,
        postings=tuple(Posting(Account(AccountKind(account_kind), asset, user_id), Direction(direction), amount)
                       for account_kind, asset, user_id, direction, amount in rows))


# --- idempotency records ------------------------------------------------------------------------

class Operation(NamedTuple):
    """A row of `operations`, in column order."""

    idempotency_key: str
    fingerprint: str
    journal_entry_id: str | None
    amount: Decimal | None
    created_at_unix_ms: int


async def get_operation(conn: AsyncConnection, key: str) -> Operation | None:
    row = await sql_one(conn, _GET_OPERATION_SQL, (key,))
    return Operation(*row) if row else None


async def get_balance_and_operation(conn: AsyncConnection, user_id: str, asset: str,
                                    key: str) -> tuple[Balance | None, Operation | None]:
    """The balance read FOR UPDATE and the operation recorded under `key` ((None, None) without a
    balance row). An operation a concurrent twin commits while this waits for the lock can be
    missed (the join reads the statement's snapshot); recording this one then hits the key's
    unique index, and the transaction is retried (app/tx.py), finding it."""
    row = await sql_one(conn, _GET_BALANCE_AND_OPERATION_SQL, (key, user_id, asset))
    if row is None:
        return None, None
    available, locked, position_margin, version, updated_at_unix_ms = row[:5]
    balance = Balance(user_id=user_id, asset=asset, available=available, locked=locked,
                      position_margin=position_margin, version=version, updated_at_unix_ms=updated_at_unix_ms)
    return balance, (Operation(*row[5:]) if row[5] is not None else None)


@dataclass(frozen=True)
class SettlementOutcome:
    settlement_id: str
    applied: bool
    posted: Decimal
    shortfall: Decimal
    covered: Decimal
    uncovered: Decimal


async def settlement_outcomes(conn: AsyncConnection, settlement_ids: list[str]) -> list[SettlementOutcome]:
    """Per settlement.v1 id: the amount its operation row posted and its shortfall row, if any."""
    if not settlement_ids:
        return []
    keys = {settlement_key(sid): sid for sid in settlement_ids}
    ops = {keys[row.idempotency_key]: row.amount for row in await conn.execute(
        sa.select(operations.c.idempotency_key, operations.c.amount).where(operations.c.idempotency_key.in_(keys)))}
    shorts = {row.settlement_id: row for row in await conn.execute(
        sa.select(settlement_shortfalls).where(settlement_shortfalls.c.settlement_id.in_(settlement_ids)))}
    zero = Decimal(0)
    out = []
    for sid in settlement_ids:
        short = shorts.get(sid)
        out.append(SettlementOutcome(
            settlement_id=sid, applied=sid in ops, posted=ops.get(sid) or zero,
            shortfall=(short.pnl_short + short.fee_short) if short else zero,
            covered=short.covered_by_insurance if short else zero, uncovered=short.uncovered if short else zero))
    return out


async def record_operation(conn: AsyncConnection, key: str, fingerprint: str, journal_entry_id: str | None,
                           amount: Decimal | None, now_ms: int) -> None:
    """A plain INSERT: a concurrent twin of the same key fails on the primary key at its commit
    and its use case retries, then finds this row and returns it as a replay."""
    await sql_run(conn, _RECORD_OPERATION_SQL, (key, fingerprint, journal_entry_id, amount, now_ms))


# --- the caller's ledger lines ---------------------------------------------------------------------

async def list_user_postings(conn: AsyncConnection, user_id: str, *, asset: str, kind: EntryKind | None,
                             start_ms: int, end_ms: int, before_posting_id: int | None, limit: int):
    query = (sa.select(postings, journal_entries.c.kind, journal_entries.c.reference_id)
             .join(journal_entries, journal_entries.c.journal_entry_id == postings.c.journal_entry_id)
             .where(postings.c.user_id == user_id))
    if asset:
        query = query.where(postings.c.asset == asset)
    if kind is not None:
        query = query.where(journal_entries.c.kind == kind.value)
    if start_ms:
        query = query.where(postings.c.created_at_unix_ms >= start_ms)
    if end_ms:
        query = query.where(postings.c.created_at_unix_ms < end_ms)
    if before_posting_id is not None:
        query = query.where(postings.c.posting_id < before_posting_id)
    return (await conn.execute(query.order_by(postings.c.posting_id.desc()).limit(limit))).all()


async def record_shortfall(conn: AsyncConnection, *, settlement_id: str, user_id: str, asset: str, kind: str,
                           pnl_short: Decimal, fee_short: Decimal, margin_short: Decimal, covered: Decimal,
                           uncovered: Decimal, now: int) -> None:
    await sql_run(conn, _RECORD_SHORTFALL_SQL, (settlement_id, user_id, asset, kind, pnl_short, fee_short,
                                                margin_short, covered, uncovered, now))
