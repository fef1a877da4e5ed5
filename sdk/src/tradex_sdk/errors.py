"""Typed errors: one class per gRPC status a caller can act on."""
from __future__ import annotations

import grpc


class TradexError(Exception):
    """Base of every error the SDK raises for a refused call."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidArgumentError(TradexError):
    pass


class NotFoundError(TradexError):
    pass


class AlreadyExistsError(TradexError):
    pass


class FailedPreconditionError(TradexError):
    pass


class UnauthenticatedError(TradexError):
    pass


class PermissionDeniedError(TradexError):
    pass


class RateLimitedError(TradexError):
    pass


class UnavailableError(TradexError):
    pass


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: RateLimitedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
}


def from_rpc_error(error: grpc.RpcError) -> TradexError:
    code = error.code()
    return _BY_CODE.get(code, TradexError)(error.details() or str(code), code)
