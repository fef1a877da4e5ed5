from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LoginFailureReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LOGIN_FAILURE_REASON_UNSPECIFIED: _ClassVar[LoginFailureReason]
    LOGIN_FAILURE_REASON_UNKNOWN_ACCOUNT: _ClassVar[LoginFailureReason]
    LOGIN_FAILURE_REASON_WRONG_PASSWORD: _ClassVar[LoginFailureReason]
    LOGIN_FAILURE_REASON_ACCOUNT_DISABLED: _ClassVar[LoginFailureReason]
    LOGIN_FAILURE_REASON_RATE_LIMITED: _ClassVar[LoginFailureReason]
LOGIN_FAILURE_REASON_UNSPECIFIED: LoginFailureReason
LOGIN_FAILURE_REASON_UNKNOWN_ACCOUNT: LoginFailureReason
LOGIN_FAILURE_REASON_WRONG_PASSWORD: LoginFailureReason
LOGIN_FAILURE_REASON_ACCOUNT_DISABLED: LoginFailureReason
LOGIN_FAILURE_REASON_RATE_LIMITED: LoginFailureReason

class AccountCreated(_message.Message):
    __slots__ = ("account_id", "email", "roles", "created_at_unix_ms")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    email: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    created_at_unix_ms: int
    def __init__(self, account_id: _Optional[str] = ..., email: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., created_at_unix_ms: _Optional[int] = ...) -> None: ...

class LoginAttempted(_message.Message):
    __slots__ = ("email", "account_id", "success", "failure_reason", "ip", "user_agent", "attempted_at_unix_ms")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    email: str
    account_id: str
    success: bool
    failure_reason: LoginFailureReason
    ip: str
    user_agent: str
    attempted_at_unix_ms: int
    def __init__(self, email: _Optional[str] = ..., account_id: _Optional[str] = ..., success: _Optional[bool] = ..., failure_reason: _Optional[_Union[LoginFailureReason, str]] = ..., ip: _Optional[str] = ..., user_agent: _Optional[str] = ..., attempted_at_unix_ms: _Optional[int] = ...) -> None: ...
