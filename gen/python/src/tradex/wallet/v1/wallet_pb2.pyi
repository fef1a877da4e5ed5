from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.common.v1 import trading_pb2 as _trading_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LedgerAccountKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEDGER_ACCOUNT_KIND_UNSPECIFIED: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_USER_AVAILABLE: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_USER_LOCKED: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_USER_POSITION_MARGIN: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_FEES: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_INSURANCE_FUND: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_EXTERNAL: _ClassVar[LedgerAccountKind]
    LEDGER_ACCOUNT_KIND_CLEARING: _ClassVar[LedgerAccountKind]

class PostingDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POSTING_DIRECTION_UNSPECIFIED: _ClassVar[PostingDirection]
    POSTING_DIRECTION_DEBIT: _ClassVar[PostingDirection]
    POSTING_DIRECTION_CREDIT: _ClassVar[PostingDirection]

class JournalEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOURNAL_ENTRY_KIND_UNSPECIFIED: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_DEPOSIT: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_FUNDS_LOCKED: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_FUNDS_RELEASED: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_TRADE_SETTLED: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_REALIZED_PNL: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_FUNDING: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_MARGIN_RELEASED: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_INSURANCE_DRAW: _ClassVar[JournalEntryKind]
    JOURNAL_ENTRY_KIND_INSURANCE_CONTRIBUTION: _ClassVar[JournalEntryKind]

class DepositStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEPOSIT_STATUS_UNSPECIFIED: _ClassVar[DepositStatus]
    DEPOSIT_STATUS_PENDING: _ClassVar[DepositStatus]
    DEPOSIT_STATUS_CONFIRMED: _ClassVar[DepositStatus]
    DEPOSIT_STATUS_EXPIRED: _ClassVar[DepositStatus]

class DepositRail(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEPOSIT_RAIL_UNSPECIFIED: _ClassVar[DepositRail]
    DEPOSIT_RAIL_CHAIN: _ClassVar[DepositRail]
    DEPOSIT_RAIL_BANK: _ClassVar[DepositRail]
LEDGER_ACCOUNT_KIND_UNSPECIFIED: LedgerAccountKind
LEDGER_ACCOUNT_KIND_USER_AVAILABLE: LedgerAccountKind
LEDGER_ACCOUNT_KIND_USER_LOCKED: LedgerAccountKind
LEDGER_ACCOUNT_KIND_USER_POSITION_MARGIN: LedgerAccountKind
LEDGER_ACCOUNT_KIND_FEES: LedgerAccountKind
LEDGER_ACCOUNT_KIND_INSURANCE_FUND: LedgerAccountKind
LEDGER_ACCOUNT_KIND_EXTERNAL: LedgerAccountKind
LEDGER_ACCOUNT_KIND_CLEARING: LedgerAccountKind
POSTING_DIRECTION_UNSPECIFIED: PostingDirection
POSTING_DIRECTION_DEBIT: PostingDirection
POSTING_DIRECTION_CREDIT: PostingDirection
JOURNAL_ENTRY_KIND_UNSPECIFIED: JournalEntryKind
JOURNAL_ENTRY_KIND_DEPOSIT: JournalEntryKind
JOURNAL_ENTRY_KIND_FUNDS_LOCKED: JournalEntryKind
JOURNAL_ENTRY_KIND_FUNDS_RELEASED: JournalEntryKind
JOURNAL_ENTRY_KIND_TRADE_SETTLED: JournalEntryKind
JOURNAL_ENTRY_KIND_REALIZED_PNL: JournalEntryKind
JOURNAL_ENTRY_KIND_FUNDING: JournalEntryKind
JOURNAL_ENTRY_KIND_MARGIN_RELEASED: JournalEntryKind
JOURNAL_ENTRY_KIND_INSURANCE_DRAW: JournalEntryKind
JOURNAL_ENTRY_KIND_INSURANCE_CONTRIBUTION: JournalEntryKind
DEPOSIT_STATUS_UNSPECIFIED: DepositStatus
DEPOSIT_STATUS_PENDING: DepositStatus
DEPOSIT_STATUS_CONFIRMED: DepositStatus
DEPOSIT_STATUS_EXPIRED: DepositStatus
DEPOSIT_RAIL_UNSPECIFIED: DepositRail
DEPOSIT_RAIL_CHAIN: DepositRail
DEPOSIT_RAIL_BANK: DepositRail

class Posting(_message.Message):
    __slots__ = ("account_kind", "user_id", "asset", "direction", "amount")
    ACCOUNT_KIND_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    account_kind: LedgerAccountKind
    user_id: str
    asset: str
    direction: PostingDirection
    amount: str
    def __init__(self, account_kind: _Optional[_Union[LedgerAccountKind, str]] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., direction: _Optional[_Union[PostingDirection, str]] = ..., amount: _Optional[str] = ...) -> None: ...

class JournalEntry(_message.Message):
    __slots__ = ("journal_entry_id", "kind", "idempotency_key", "reference_id", "postings", "created_at_unix_ms")
    JOURNAL_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    POSTINGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    journal_entry_id: str
    kind: JournalEntryKind
    idempotency_key: str
    reference_id: str
    postings: _containers.RepeatedCompositeFieldContainer[Posting]
    created_at_unix_ms: int
    def __init__(self, journal_entry_id: _Optional[str] = ..., kind: _Optional[_Union[JournalEntryKind, str]] = ..., idempotency_key: _Optional[str] = ..., reference_id: _Optional[str] = ..., postings: _Optional[_Iterable[_Union[Posting, _Mapping]]] = ..., created_at_unix_ms: _Optional[int] = ...) -> None: ...

class Balance(_message.Message):
    __slots__ = ("user_id", "asset", "available", "locked", "position_margin", "total", "version", "updated_at_unix_ms")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    LOCKED_FIELD_NUMBER: _ClassVar[int]
    POSITION_MARGIN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    asset: str
    available: str
    locked: str
    position_margin: str
    total: str
    version: int
    updated_at_unix_ms: int
    def __init__(self, user_id: _Optional[str] = ..., asset: _Optional[str] = ..., available: _Optional[str] = ..., locked: _Optional[str] = ..., position_margin: _Optional[str] = ..., total: _Optional[str] = ..., version: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class SystemBalance(_message.Message):
    __slots__ = ("account_kind", "asset", "balance", "version", "updated_at_unix_ms")
    ACCOUNT_KIND_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    account_kind: LedgerAccountKind
    asset: str
    balance: str
    version: int
    updated_at_unix_ms: int
    def __init__(self, account_kind: _Optional[_Union[LedgerAccountKind, str]] = ..., asset: _Optional[str] = ..., balance: _Optional[str] = ..., version: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("entry_id", "journal_entry_id", "kind", "reference_id", "asset", "account_kind", "amount", "balance_after", "created_at_unix_ms")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    journal_entry_id: str
    kind: JournalEntryKind
    reference_id: str
    asset: str
    account_kind: LedgerAccountKind
    amount: str
    balance_after: str
    created_at_unix_ms: int
    def __init__(self, entry_id: _Optional[str] = ..., journal_entry_id: _Optional[str] = ..., kind: _Optional[_Union[JournalEntryKind, str]] = ..., reference_id: _Optional[str] = ..., asset: _Optional[str] = ..., account_kind: _Optional[_Union[LedgerAccountKind, str]] = ..., amount: _Optional[str] = ..., balance_after: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ...) -> None: ...

class Deposit(_message.Message):
    __slots__ = ("deposit_id", "user_id", "asset", "amount", "status", "rail", "deposit_address", "network", "payment_reference", "rail_reference", "client_request_id", "created_at_unix_ms", "confirmed_at_unix_ms", "expires_at_unix_ms")
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RAIL_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    RAIL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    deposit_id: str
    user_id: str
    asset: str
    amount: str
    status: DepositStatus
    rail: DepositRail
    deposit_address: str
    network: str
    payment_reference: str
    rail_reference: str
    client_request_id: str
    created_at_unix_ms: int
    confirmed_at_unix_ms: int
    expires_at_unix_ms: int
    def __init__(self, deposit_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ..., status: _Optional[_Union[DepositStatus, str]] = ..., rail: _Optional[_Union[DepositRail, str]] = ..., deposit_address: _Optional[str] = ..., network: _Optional[str] = ..., payment_reference: _Optional[str] = ..., rail_reference: _Optional[str] = ..., client_request_id: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., confirmed_at_unix_ms: _Optional[int] = ..., expires_at_unix_ms: _Optional[int] = ...) -> None: ...

class CreateDepositRequest(_message.Message):
    __slots__ = ("asset", "amount", "client_request_id")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    asset: str
    amount: str
    client_request_id: str
    def __init__(self, asset: _Optional[str] = ..., amount: _Optional[str] = ..., client_request_id: _Optional[str] = ...) -> None: ...

class CreateDepositResponse(_message.Message):
    __slots__ = ("deposit",)
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ...) -> None: ...

class GetDepositRequest(_message.Message):
    __slots__ = ("deposit_id",)
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    deposit_id: str
    def __init__(self, deposit_id: _Optional[str] = ...) -> None: ...

class GetDepositResponse(_message.Message):
    __slots__ = ("deposit",)
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ...) -> None: ...

class ListDepositsRequest(_message.Message):
    __slots__ = ("asset", "status", "page_size", "page_token")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    asset: str
    status: DepositStatus
    page_size: int
    page_token: str
    def __init__(self, asset: _Optional[str] = ..., status: _Optional[_Union[DepositStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDepositsResponse(_message.Message):
    __slots__ = ("deposits", "next_page_token")
    DEPOSITS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deposits: _containers.RepeatedCompositeFieldContainer[Deposit]
    next_page_token: str
    def __init__(self, deposits: _Optional[_Iterable[_Union[Deposit, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListBalancesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListBalancesResponse(_message.Message):
    __slots__ = ("balances",)
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[Balance]
    def __init__(self, balances: _Optional[_Iterable[_Union[Balance, _Mapping]]] = ...) -> None: ...

class ListLedgerEntriesRequest(_message.Message):
    __slots__ = ("asset", "kind", "start_unix_ms", "end_unix_ms", "page_size", "page_token")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    asset: str
    kind: JournalEntryKind
    start_unix_ms: int
    end_unix_ms: int
    page_size: int
    page_token: str
    def __init__(self, asset: _Optional[str] = ..., kind: _Optional[_Union[JournalEntryKind, str]] = ..., start_unix_ms: _Optional[int] = ..., end_unix_ms: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLedgerEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ConfirmDepositRequest(_message.Message):
    __slots__ = ("rail_reference", "deposit_id", "amount", "asset", "timestamp_unix_ms", "signature")
    RAIL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    rail_reference: str
    deposit_id: str
    amount: str
    asset: str
    timestamp_unix_ms: int
    signature: str
    def __init__(self, rail_reference: _Optional[str] = ..., deposit_id: _Optional[str] = ..., amount: _Optional[str] = ..., asset: _Optional[str] = ..., timestamp_unix_ms: _Optional[int] = ..., signature: _Optional[str] = ...) -> None: ...

class ConfirmDepositResponse(_message.Message):
    __slots__ = ("deposit",)
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ...) -> None: ...

class OrderFunds(_message.Message):
    __slots__ = ("order_id", "user_id", "asset", "locked", "total_locked", "settled_margin", "fees", "released")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    LOCKED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LOCKED_FIELD_NUMBER: _ClassVar[int]
    SETTLED_MARGIN_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    user_id: str
    asset: str
    locked: str
    total_locked: str
    settled_margin: str
    fees: str
    released: str
    def __init__(self, order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., locked: _Optional[str] = ..., total_locked: _Optional[str] = ..., settled_margin: _Optional[str] = ..., fees: _Optional[str] = ..., released: _Optional[str] = ...) -> None: ...

class LockFundsRequest(_message.Message):
    __slots__ = ("lock_id", "order_id", "user_id", "asset", "amount")
    LOCK_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    lock_id: str
    order_id: str
    user_id: str
    asset: str
    amount: str
    def __init__(self, lock_id: _Optional[str] = ..., order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class LockFundsResponse(_message.Message):
    __slots__ = ("order_funds", "balance")
    ORDER_FUNDS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    order_funds: OrderFunds
    balance: Balance
    def __init__(self, order_funds: _Optional[_Union[OrderFunds, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ...) -> None: ...

class ReleaseFundsRequest(_message.Message):
    __slots__ = ("release_id", "order_id", "user_id", "amount", "all_remaining")
    RELEASE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ALL_REMAINING_FIELD_NUMBER: _ClassVar[int]
    release_id: str
    order_id: str
    user_id: str
    amount: str
    all_remaining: bool
    def __init__(self, release_id: _Optional[str] = ..., order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., amount: _Optional[str] = ..., all_remaining: _Optional[bool] = ...) -> None: ...

class ReleaseFundsResponse(_message.Message):
    __slots__ = ("released", "order_funds", "balance")
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    ORDER_FUNDS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    released: str
    order_funds: OrderFunds
    balance: Balance
    def __init__(self, released: _Optional[str] = ..., order_funds: _Optional[_Union[OrderFunds, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ...) -> None: ...

class SetOrderMarginRequest(_message.Message):
    __slots__ = ("operation_id", "order_id", "user_id", "asset", "amount")
    OPERATION_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    operation_id: str
    order_id: str
    user_id: str
    asset: str
    amount: str
    def __init__(self, operation_id: _Optional[str] = ..., order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class SetOrderMarginResponse(_message.Message):
    __slots__ = ("order_funds", "balance", "short")
    ORDER_FUNDS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    SHORT_FIELD_NUMBER: _ClassVar[int]
    order_funds: OrderFunds
    balance: Balance
    short: str
    def __init__(self, order_funds: _Optional[_Union[OrderFunds, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ..., short: _Optional[str] = ...) -> None: ...

class SettleTradeRequest(_message.Message):
    __slots__ = ("trade_id", "order_id", "user_id", "symbol", "asset", "liquidity_role", "price", "quantity", "margin", "fee")
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    LIQUIDITY_ROLE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    MARGIN_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    trade_id: str
    order_id: str
    user_id: str
    symbol: str
    asset: str
    liquidity_role: _trading_pb2.LiquidityRole
    price: str
    quantity: str
    margin: str
    fee: str
    def __init__(self, trade_id: _Optional[str] = ..., order_id: _Optional[str] = ..., user_id: _Optional[str] = ..., symbol: _Optional[str] = ..., asset: _Optional[str] = ..., liquidity_role: _Optional[_Union[_trading_pb2.LiquidityRole, str]] = ..., price: _Optional[str] = ..., quantity: _Optional[str] = ..., margin: _Optional[str] = ..., fee: _Optional[str] = ...) -> None: ...

class SettleTradeResponse(_message.Message):
    __slots__ = ("journal_entry", "order_funds", "balance")
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    ORDER_FUNDS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    journal_entry: JournalEntry
    order_funds: OrderFunds
    balance: Balance
    def __init__(self, journal_entry: _Optional[_Union[JournalEntry, _Mapping]] = ..., order_funds: _Optional[_Union[OrderFunds, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ...) -> None: ...

class GetAccountBalancesRequest(_message.Message):
    __slots__ = ("user_id", "asset")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    asset: str
    def __init__(self, user_id: _Optional[str] = ..., asset: _Optional[str] = ...) -> None: ...

class GetAccountBalancesResponse(_message.Message):
    __slots__ = ("balances",)
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[Balance]
    def __init__(self, balances: _Optional[_Iterable[_Union[Balance, _Mapping]]] = ...) -> None: ...

class DrawInsuranceFundRequest(_message.Message):
    __slots__ = ("transfer_id", "settlement_id", "user_id", "asset", "amount")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    settlement_id: str
    user_id: str
    asset: str
    amount: str
    def __init__(self, transfer_id: _Optional[str] = ..., settlement_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class DrawInsuranceFundResponse(_message.Message):
    __slots__ = ("journal_entry", "insurance_fund", "clearing")
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_FUND_FIELD_NUMBER: _ClassVar[int]
    CLEARING_FIELD_NUMBER: _ClassVar[int]
    journal_entry: JournalEntry
    insurance_fund: SystemBalance
    clearing: SystemBalance
    def __init__(self, journal_entry: _Optional[_Union[JournalEntry, _Mapping]] = ..., insurance_fund: _Optional[_Union[SystemBalance, _Mapping]] = ..., clearing: _Optional[_Union[SystemBalance, _Mapping]] = ...) -> None: ...

class ContributeInsuranceFundRequest(_message.Message):
    __slots__ = ("transfer_id", "settlement_id", "user_id", "asset", "amount")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    settlement_id: str
    user_id: str
    asset: str
    amount: str
    def __init__(self, transfer_id: _Optional[str] = ..., settlement_id: _Optional[str] = ..., user_id: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class ContributeInsuranceFundResponse(_message.Message):
    __slots__ = ("journal_entry", "balance", "insurance_fund")
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_FUND_FIELD_NUMBER: _ClassVar[int]
    journal_entry: JournalEntry
    balance: Balance
    insurance_fund: SystemBalance
    def __init__(self, journal_entry: _Optional[_Union[JournalEntry, _Mapping]] = ..., balance: _Optional[_Union[Balance, _Mapping]] = ..., insurance_fund: _Optional[_Union[SystemBalance, _Mapping]] = ...) -> None: ...

class GetSystemBalancesRequest(_message.Message):
    __slots__ = ("account_kind", "asset")
    ACCOUNT_KIND_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    account_kind: LedgerAccountKind
    asset: str
    def __init__(self, account_kind: _Optional[_Union[LedgerAccountKind, str]] = ..., asset: _Optional[str] = ...) -> None: ...

class GetSystemBalancesResponse(_message.Message):
    __slots__ = ("balances",)
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[SystemBalance]
    def __init__(self, balances: _Optional[_Iterable[_Union[SystemBalance, _Mapping]]] = ...) -> None: ...

class GetSettlementOutcomesRequest(_message.Message):
    __slots__ = ("settlement_ids",)
    SETTLEMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    settlement_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, settlement_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SettlementOutcome(_message.Message):
    __slots__ = ("settlement_id", "applied", "posted", "shortfall", "shortfall_covered", "shortfall_uncovered")
    SETTLEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    POSTED_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_COVERED_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_UNCOVERED_FIELD_NUMBER: _ClassVar[int]
    settlement_id: str
    applied: bool
    posted: str
    shortfall: str
    shortfall_covered: str
    shortfall_uncovered: str
    def __init__(self, settlement_id: _Optional[str] = ..., applied: _Optional[bool] = ..., posted: _Optional[str] = ..., shortfall: _Optional[str] = ..., shortfall_covered: _Optional[str] = ..., shortfall_uncovered: _Optional[str] = ...) -> None: ...

class GetSettlementOutcomesResponse(_message.Message):
    __slots__ = ("outcomes",)
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[SettlementOutcome]
    def __init__(self, outcomes: _Optional[_Iterable[_Union[SettlementOutcome, _Mapping]]] = ...) -> None: ...

class SweepClearingResidualRequest(_message.Message):
    __slots__ = ("transfer_id", "reference_id", "asset", "amount")
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    transfer_id: str
    reference_id: str
    asset: str
    amount: str
    def __init__(self, transfer_id: _Optional[str] = ..., reference_id: _Optional[str] = ..., asset: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class SweepClearingResidualResponse(_message.Message):
    __slots__ = ("journal_entry", "insurance_fund", "clearing")
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    INSURANCE_FUND_FIELD_NUMBER: _ClassVar[int]
    CLEARING_FIELD_NUMBER: _ClassVar[int]
    journal_entry: JournalEntry
    insurance_fund: SystemBalance
    clearing: SystemBalance
    def __init__(self, journal_entry: _Optional[_Union[JournalEntry, _Mapping]] = ..., insurance_fund: _Optional[_Union[SystemBalance, _Mapping]] = ..., clearing: _Optional[_Union[SystemBalance, _Mapping]] = ...) -> None: ...

class StreamBalanceUpdatesRequest(_message.Message):
    __slots__ = ("asset",)
    ASSET_FIELD_NUMBER: _ClassVar[int]
    asset: str
    def __init__(self, asset: _Optional[str] = ...) -> None: ...

class StreamBalanceUpdatesResponse(_message.Message):
    __slots__ = ("balance", "journal_entry_id", "kind", "reference_id", "created_at_unix_ms")
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    balance: Balance
    journal_entry_id: str
    kind: JournalEntryKind
    reference_id: str
    created_at_unix_ms: int
    def __init__(self, balance: _Optional[_Union[Balance, _Mapping]] = ..., journal_entry_id: _Optional[str] = ..., kind: _Optional[_Union[JournalEntryKind, str]] = ..., reference_id: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ...) -> None: ...
