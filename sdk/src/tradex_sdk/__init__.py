"""TradeX Python SDK. The names below are the public, pinned surface."""
from tradex_sdk.client import Client
from tradex_sdk.errors import (
    AlreadyExistsError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    TradexError,
    UnauthenticatedError,
    UnavailableError,
)

__all__ = [
    "AlreadyExistsError", "Client", "FailedPreconditionError", "InvalidArgumentError", "NotFoundError",
    "PermissionDeniedError", "RateLimitedError", "TradexError", "UnauthenticatedError", "UnavailableError",
]
