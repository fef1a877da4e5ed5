from tradex.user.v1 import user_pb2 as _user_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserCreated(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: _user_pb2.User
    def __init__(self, user: _Optional[_Union[_user_pb2.User, _Mapping]] = ...) -> None: ...

class KycTierUpdated(_message.Message):
    __slots__ = ("user_id", "from_tier", "to_tier", "request_id", "requested_by", "approved_by", "limits", "updated_at_unix_ms")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    APPROVED_BY_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    from_tier: int
    to_tier: int
    request_id: str
    requested_by: str
    approved_by: str
    limits: _user_pb2.KycTierLimits
    updated_at_unix_ms: int
    def __init__(self, user_id: _Optional[str] = ..., from_tier: _Optional[int] = ..., to_tier: _Optional[int] = ..., request_id: _Optional[str] = ..., requested_by: _Optional[str] = ..., approved_by: _Optional[str] = ..., limits: _Optional[_Union[_user_pb2.KycTierLimits, _Mapping]] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class UserStatusChanged(_message.Message):
    __slots__ = ("user_id", "from_status", "to_status", "reason", "changed_by", "changed_at_unix_ms")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_STATUS_FIELD_NUMBER: _ClassVar[int]
    TO_STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    from_status: _user_pb2.AccountStatus
    to_status: _user_pb2.AccountStatus
    reason: str
    changed_by: str
    changed_at_unix_ms: int
    def __init__(self, user_id: _Optional[str] = ..., from_status: _Optional[_Union[_user_pb2.AccountStatus, str]] = ..., to_status: _Optional[_Union[_user_pb2.AccountStatus, str]] = ..., reason: _Optional[str] = ..., changed_by: _Optional[str] = ..., changed_at_unix_ms: _Optional[int] = ...) -> None: ...
