from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor
ACCESS_FIELD_NUMBER: _ClassVar[int]
access: _descriptor.FieldDescriptor

class AccessRule(_message.Message):
    __slots__ = ("anonymous", "roles", "internal", "callers")
    ANONYMOUS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    CALLERS_FIELD_NUMBER: _ClassVar[int]
    anonymous: bool
    roles: _containers.RepeatedScalarFieldContainer[str]
    internal: bool
    callers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, anonymous: _Optional[bool] = ..., roles: _Optional[_Iterable[str]] = ..., internal: _Optional[bool] = ..., callers: _Optional[_Iterable[str]] = ...) -> None: ...
