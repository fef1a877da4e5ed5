"""Typed errors: a small tree mapped from the gRPC status and the google.rpc.ErrorInfo reason.

Every refusal from TradeX carries an ErrorInfo (domain "tradex", UPPER_SNAKE `reason`); the SDK
reads it from grpc-status-details-bin, so callers branch on classes or on `error.reason`, never
on message text::

    TradexError(message, code, reason)
    +-- InvalidArgumentError            INVALID_ARGUMENT
    |   +-- InvalidOrder                 ... from OrderService
    +-- NotFoundError                   NOT_FOUND
    +-- ConflictError                   ALREADY_EXISTS, ABORTED
    |   +-- AlreadyExistsError
    +-- FailedPreconditionError         FAILED_PRECONDITION
    |   +-- InsufficientMargin           reason INSUFFICIENT_MARGIN / INSUFFICIENT_FUNDS
    +-- UnauthenticatedError            UNAUTHENTICATED
    +-- PermissionDeniedError           PERMISSION_DENIED
    +-- RateLimitedError                RESOURCE_EXHAUSTED (retry_after seconds, if told)
    +-- UnavailableError                UNAVAILABLE, DEADLINE_EXCEEDED
    +-- BookResyncError                 a stream could not rebuild its book (see MarketData)

Short aliases (`InvalidOrder`, `NotFound`, `Unauthenticated`, `PermissionDenied`, `RateLimited`,
`Conflict`, `InsufficientMargin`) name the same classes.
"""
from __future__ import annotations

import grpc
from google.protobuf import duration_pb2  # noqa: F401  (RetryInfo's dependency)
from google.rpc import error_details_pb2, status_pb2


class TradexError(Exception):
    """Base of every error the SDK raises for a refused call.

    `code` is the gRPC status, `reason` the ErrorInfo reason (UPPER_SNAKE, "" if the server sent
    none, e.g. a refusal by the edge itself), `metadata` the ErrorInfo metadata."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None, reason: str = "",
                 metadata: dict[str, str] | None = None) -> None:
        super().__init__(f"{reason}: {message}" if reason and not message.startswith(reason) else message)
        self.message = message
        self.code = code
        self.reason = reason
        self.metadata = dict(metadata or {})


class InvalidArgumentError(TradexError):
    """The request is malformed (a field breaks a rule); fix it before retrying."""


class InvalidOrder(InvalidArgumentError):
    """An order request breaks an instrument rule (tick, lot, min notional...); see `reason`."""


class NotFoundError(TradexError):
    """The object does not exist, or is not the caller's."""


class ConflictError(TradexError):
    """A concurrent or earlier request conflicts (ALREADY_EXISTS, ABORTED)."""


class AlreadyExistsError(ConflictError):
    """The idempotency key or natural key is taken by a different request body."""


class FailedPreconditionError(TradexError):
    """Well formed, but the state forbids it (risk, funds, status); see `reason`."""


class InsufficientMargin(FailedPreconditionError):
    """Not enough available margin or funds for this request."""


class UnauthenticatedError(TradexError):
    """No, a bad or an expired token; or wrong credentials."""


class PermissionDeniedError(TradexError):
    """Signed in, but not allowed (role, account status, KYC tier)."""


class RateLimitedError(TradexError):
    """Too many requests. `retry_after` (seconds) when the server said when to come back."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None, reason: str = "",
                 metadata: dict[str, str] | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, code, reason, metadata)
        self.retry_after = retry_after


class UnavailableError(TradexError):
    """The exchange did not answer in time; the outcome of a write is unknown (retry it with the
    same idempotency key)."""


class BookResyncError(TradexError):
    """A book stream failed to rebuild a verified book after repeated resyncs."""


# Short names used in docs and the issue.
NotFound = NotFoundError
Unauthenticated = UnauthenticatedError
PermissionDenied = PermissionDeniedError
RateLimited = RateLimitedError
Conflict = ConflictError

_BY_CODE: dict[grpc.StatusCode, type[TradexError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.ABORTED: ConflictError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: RateLimitedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DEADLINE_EXCEEDED: UnavailableError,
}
_MARGIN_REASONS = frozenset({"INSUFFICIENT_MARGIN", "INSUFFICIENT_FUNDS", "INSUFFICIENT_BALANCE"})


def _details(trailing) -> tuple[str, dict[str, str], float | None]:
    reason, metadata, retry_after = "", {}, None
    for key, value in trailing or ():
        if key == "retry-after":
            try:
                retry_after = float(value)
            except ValueError:
                pass
        if key != "grpc-status-details-bin":
            continue
        try:
            status = status_pb2.Status.FromString(value)
        except Exception:  # noqa: BLE001 - a malformed detail must not hide the status
            continue
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                reason, metadata = info.reason, dict(info.metadata)
            elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                retry = error_details_pb2.RetryInfo()
                detail.Unpack(retry)
                retry_after = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
    return reason, metadata, retry_after


def from_rpc_error(error: grpc.RpcError, method: str = "") -> TradexError:
    """The typed error of a failed call (`method` is the full gRPC method path, if known)."""
    code = error.code() if hasattr(error, "code") else None
    message = (error.details() if hasattr(error, "details") else "") or str(code)
    trailing = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    reason, metadata, retry_after = _details(trailing)
    cls = _BY_CODE.get(code, TradexError)
    if cls is InvalidArgumentError and method.startswith("/tradex.order.v1.OrderService/"):
        cls = InvalidOrder
    elif cls is FailedPreconditionError and reason in _MARGIN_REASONS:
        cls = InsufficientMargin
    if cls is RateLimitedError:
        return RateLimitedError(message, code, reason, metadata, retry_after)
    return cls(message, code, reason, metadata)
