from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from tradex.common.v1 import access_pb2 as _access_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AccountStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCOUNT_STATUS_UNSPECIFIED: _ClassVar[AccountStatus]
    ACCOUNT_STATUS_ACTIVE: _ClassVar[AccountStatus]
    ACCOUNT_STATUS_SUSPENDED: _ClassVar[AccountStatus]

class KycTierChangeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KYC_TIER_CHANGE_STATUS_UNSPECIFIED: _ClassVar[KycTierChangeStatus]
    KYC_TIER_CHANGE_STATUS_PENDING: _ClassVar[KycTierChangeStatus]
    KYC_TIER_CHANGE_STATUS_APPROVED: _ClassVar[KycTierChangeStatus]
    KYC_TIER_CHANGE_STATUS_REJECTED: _ClassVar[KycTierChangeStatus]
ACCOUNT_STATUS_UNSPECIFIED: AccountStatus
ACCOUNT_STATUS_ACTIVE: AccountStatus
ACCOUNT_STATUS_SUSPENDED: AccountStatus
KYC_TIER_CHANGE_STATUS_UNSPECIFIED: KycTierChangeStatus
KYC_TIER_CHANGE_STATUS_PENDING: KycTierChangeStatus
KYC_TIER_CHANGE_STATUS_APPROVED: KycTierChangeStatus
KYC_TIER_CHANGE_STATUS_REJECTED: KycTierChangeStatus

class User(_message.Message):
    __slots__ = ("user_id", "email", "kyc_tier", "status", "status_reason", "created_at_unix_ms", "updated_at_unix_ms")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    KYC_TIER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    kyc_tier: int
    status: AccountStatus
    status_reason: str
    created_at_unix_ms: int
    updated_at_unix_ms: int
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., kyc_tier: _Optional[int] = ..., status: _Optional[_Union[AccountStatus, str]] = ..., status_reason: _Optional[str] = ..., created_at_unix_ms: _Optional[int] = ..., updated_at_unix_ms: _Optional[int] = ...) -> None: ...

class AssetLimits(_message.Message):
    __slots__ = ("asset", "max_order_notional", "max_position_notional", "daily_deposit_cap")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    MAX_ORDER_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    MAX_POSITION_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    DAILY_DEPOSIT_CAP_FIELD_NUMBER: _ClassVar[int]
    asset: str
    max_order_notional: str
    max_position_notional: str
    daily_deposit_cap: str
    def __init__(self, asset: _Optional[str] = ..., max_order_notional: _Optional[str] = ..., max_position_notional: _Optional[str] = ..., daily_deposit_cap: _Optional[str] = ...) -> None: ...

class KycTierLimits(_message.Message):
    __slots__ = ("tier", "max_leverage", "asset_limits")
    TIER_FIELD_NUMBER: _ClassVar[int]
    MAX_LEVERAGE_FIELD_NUMBER: _ClassVar[int]
    ASSET_LIMITS_FIELD_NUMBER: _ClassVar[int]
    tier: int
    max_leverage: str
    asset_limits: _containers.RepeatedCompositeFieldContainer[AssetLimits]
    def __init__(self, tier: _Optional[int] = ..., max_leverage: _Optional[str] = ..., asset_limits: _Optional[_Iterable[_Union[AssetLimits, _Mapping]]] = ...) -> None: ...

class KycTierChangeRequest(_message.Message):
    __slots__ = ("request_id", "user_id", "from_tier", "to_tier", "reason", "status", "requested_by", "requested_at_unix_ms", "reviewed_by", "reviewed_at_unix_ms", "rejection_reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_BY_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_AT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    REJECTION_REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    user_id: str
    from_tier: int
    to_tier: int
    reason: str
    status: KycTierChangeStatus
    requested_by: str
    requested_at_unix_ms: int
    reviewed_by: str
    reviewed_at_unix_ms: int
    rejection_reason: str
    def __init__(self, request_id: _Optional[str] = ..., user_id: _Optional[str] = ..., from_tier: _Optional[int] = ..., to_tier: _Optional[int] = ..., reason: _Optional[str] = ..., status: _Optional[_Union[KycTierChangeStatus, str]] = ..., requested_by: _Optional[str] = ..., requested_at_unix_ms: _Optional[int] = ..., reviewed_by: _Optional[str] = ..., reviewed_at_unix_ms: _Optional[int] = ..., rejection_reason: _Optional[str] = ...) -> None: ...

class GetMeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetMeResponse(_message.Message):
    __slots__ = ("user", "limits")
    USER_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    user: User
    limits: KycTierLimits
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., limits: _Optional[_Union[KycTierLimits, _Mapping]] = ...) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class GetUserResponse(_message.Message):
    __slots__ = ("user", "limits")
    USER_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    user: User
    limits: KycTierLimits
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., limits: _Optional[_Union[KycTierLimits, _Mapping]] = ...) -> None: ...

class RequestKycTierChangeRequest(_message.Message):
    __slots__ = ("user_id", "to_tier", "reason")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    to_tier: int
    reason: str
    def __init__(self, user_id: _Optional[str] = ..., to_tier: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class RequestKycTierChangeResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: KycTierChangeRequest
    def __init__(self, request: _Optional[_Union[KycTierChangeRequest, _Mapping]] = ...) -> None: ...

class ApproveKycTierChangeRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class ApproveKycTierChangeResponse(_message.Message):
    __slots__ = ("request", "user")
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    request: KycTierChangeRequest
    user: User
    def __init__(self, request: _Optional[_Union[KycTierChangeRequest, _Mapping]] = ..., user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class RejectKycTierChangeRequest(_message.Message):
    __slots__ = ("request_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RejectKycTierChangeResponse(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: KycTierChangeRequest
    def __init__(self, request: _Optional[_Union[KycTierChangeRequest, _Mapping]] = ...) -> None: ...

class ListKycTierChangeRequestsRequest(_message.Message):
    __slots__ = ("status", "user_id", "page_size", "page_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: KycTierChangeStatus
    user_id: str
    page_size: int
    page_token: str
    def __init__(self, status: _Optional[_Union[KycTierChangeStatus, str]] = ..., user_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListKycTierChangeRequestsResponse(_message.Message):
    __slots__ = ("requests", "next_page_token")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[KycTierChangeRequest]
    next_page_token: str
    def __init__(self, requests: _Optional[_Iterable[_Union[KycTierChangeRequest, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetAccountStatusRequest(_message.Message):
    __slots__ = ("user_id", "status", "reason")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    status: AccountStatus
    reason: str
    def __init__(self, user_id: _Optional[str] = ..., status: _Optional[_Union[AccountStatus, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class SetAccountStatusResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class GetKycTierLimitsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetKycTierLimitsResponse(_message.Message):
    __slots__ = ("tiers",)
    TIERS_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[KycTierLimits]
    def __init__(self, tiers: _Optional[_Iterable[_Union[KycTierLimits, _Mapping]]] = ...) -> None: ...
