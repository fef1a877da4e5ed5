"""Domain <-> protobuf for the Wallet API and its events. Decimals travel as strings."""
from __future__ import annotations

from decimal import Decimal

from tradex.wallet.v1 import wallet_pb2 as pb

from services.platform.decimals import format_decimal
from services.wallet.domain.balances import Balance, SystemBalance
from services.wallet.domain.deposits import Deposit, DepositStatus, Rail
from services.wallet.domain.ledger import AccountKind, EntryKind, JournalEntry
from services.wallet.domain.order_funds import OrderFunds


def account_kind_to_pb(kind: AccountKind) -> int:
    return pb.LedgerAccountKind.Value("LEDGER_ACCOUNT_KIND_" + kind.value)


def account_kind_from_pb(value: int) -> AccountKind | None:
    """None for UNSPECIFIED; ValueError for a number this build does not know."""
    name = pb.LedgerAccountKind.Name(value).removeprefix("LEDGER_ACCOUNT_KIND_")
    return None if name == "UNSPECIFIED" else AccountKind(name)


def entry_kind_to_pb(kind: EntryKind) -> int:
    return pb.JournalEntryKind.Value("JOURNAL_ENTRY_KIND_" + kind.value)


def entry_kind_from_pb(value: int) -> EntryKind | None:
    name = pb.JournalEntryKind.Name(value).removeprefix("JOURNAL_ENTRY_KIND_")
    return None if name == "UNSPECIFIED" else EntryKind(name)


def deposit_status_from_pb(value: int) -> DepositStatus | None:
    name = pb.DepositStatus.Name(value).removeprefix("DEPOSIT_STATUS_")
    return None if name == "UNSPECIFIED" else DepositStatus(name)


def balance_to_pb(balance: Balance) -> pb.Balance:
    return pb.Balance(
        user_id=balance.user_id, asset=balance.asset, available=format_decimal(balance.available),
        locked=format_decimal(balance.locked), position_margin=format_decimal(balance.position_margin),
        total=format_decimal(balance.total), version=balance.version,
        updated_at_unix_ms=balance.updated_at_unix_ms)


def system_balance_to_pb(balance: SystemBalance) -> pb.SystemBalance:
    return pb.SystemBalance(account_kind=account_kind_to_pb(balance.kind), asset=balance.asset,
                            balance=format_decimal(balance.balance), version=balance.version,
                            updated_at_unix_ms=balance.updated_at_unix_ms)


def entry_to_pb(entry: JournalEntry) -> pb.JournalEntry:
    return pb.JournalEntry(
        journal_entry_id=entry.journal_entry_id, kind=entry_kind_to_pb(entry.kind),
        idempotency_key=entry.idempotency_key, reference_id=entry.reference_id,
        created_at_unix_ms=entry.created_at_unix_ms,
        postings=[pb.Posting(account_kind=account_kind_to_pb(p.account.kind), user_id=p.account.user_id,
                             asset=p.account.asset,
                             direction=pb.PostingDirection.Value("POSTING_DIRECTION_" + p.direction.value),
                             amount=format_decimal(p.amount)) for p in entry.postings])


def deposit_to_pb(deposit: Deposit, now_ms: int) -> pb.Deposit:
    return pb.Deposit(
        deposit_id=deposit.deposit_id, user_id=deposit.user_id, asset=deposit.asset,
        amount=format_decimal(deposit.amount),
        status=pb.DepositStatus.Value("DEPOSIT_STATUS_" + deposit.status_at(now_ms).value),
        rail=pb.DEPOSIT_RAIL_CHAIN if deposit.rail is Rail.CHAIN else pb.DEPOSIT_RAIL_BANK,
        deposit_address=deposit.deposit_address, network=deposit.network,
        payment_reference=deposit.payment_reference, rail_reference=deposit.rail_reference,
        client_request_id=deposit.client_request_id, created_at_unix_ms=deposit.created_at_unix_ms,
        confirmed_at_unix_ms=deposit.confirmed_at_unix_ms, expires_at_unix_ms=deposit.expires_at_unix_ms)


def order_funds_to_pb(funds: OrderFunds) -> pb.OrderFunds:
    return pb.OrderFunds(
        order_id=funds.order_id, user_id=funds.user_id, asset=funds.asset, locked=format_decimal(funds.locked),
        total_locked=format_decimal(funds.total_locked), settled_margin=format_decimal(funds.settled_margin),
        fees=format_decimal(funds.fees), released=format_decimal(funds.released))


def ledger_line_to_pb(row) -> pb.LedgerEntry:
    """A row of ledger_store.list_user_postings."""
    signed = row.amount if row.direction == "CREDIT" else -row.amount
    return pb.LedgerEntry(
        entry_id=str(row.posting_id), journal_entry_id=row.journal_entry_id,
        kind=entry_kind_to_pb(EntryKind(row.kind)), reference_id=row.reference_id, asset=row.asset,
        account_kind=account_kind_to_pb(AccountKind(row.account_kind)), amount=format_decimal(Decimal(signed)),
        balance_after=format_decimal(row.balance_after), created_at_unix_ms=row.created_at_unix_ms)
