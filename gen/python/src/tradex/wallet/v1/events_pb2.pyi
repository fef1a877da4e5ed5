from tradex.wallet.v1 import wallet_pb2 as _wallet_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DepositConfirmed(_message.Message):
    __slots__ = ("deposit", "journal_entry", "balance")
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    deposit: _wallet_pb2.Deposit
    journal_entry: _wallet_pb2.JournalEntry
    balance: _wallet_pb2.Balance
    def __init__(self, deposit: _Optional[_Union[_wallet_pb2.Deposit, _Mapping]] = ..., journal_entry: _Optional[_Union[_wallet_pb2.JournalEntry, _Mapping]] = ..., balance: _Optional[_Union[_wallet_pb2.Balance, _Mapping]] = ...) -> None: ...

class BalanceUpdated(_message.Message):
    __slots__ = ("balance", "journal_entry", "order_funds")
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    ORDER_FUNDS_FIELD_NUMBER: _ClassVar[int]
    balance: _wallet_pb2.Balance
    journal_entry: _wallet_pb2.JournalEntry
    order_funds: _containers.RepeatedCompositeFieldContainer[_wallet_pb2.OrderFunds]
    def __init__(self, balance: _Optional[_Union[_wallet_pb2.Balance, _Mapping]] = ..., journal_entry: _Optional[_Union[_wallet_pb2.JournalEntry, _Mapping]] = ..., order_funds: _Optional[_Iterable[_Union[_wallet_pb2.OrderFunds, _Mapping]]] = ...) -> None: ...
