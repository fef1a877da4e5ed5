from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from tradex.engine.v1 import events_pb2 as _events_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetBookSnapshotRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetBookSnapshotResponse(_message.Message):
    __slots__ = ("snapshot",)
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: _events_pb2.BookSnapshot
    def __init__(self, snapshot: _Optional[_Union[_events_pb2.BookSnapshot, _Mapping]] = ...) -> None: ...

class GetBookHashRequest(_message.Message):
    __slots__ = ("symbol",)
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    def __init__(self, symbol: _Optional[str] = ...) -> None: ...

class GetBookHashResponse(_message.Message):
    __slots__ = ("book_hash",)
    BOOK_HASH_FIELD_NUMBER: _ClassVar[int]
    book_hash: _events_pb2.BookHash
    def __init__(self, book_hash: _Optional[_Union[_events_pb2.BookHash, _Mapping]] = ...) -> None: ...
