"""TradeX Python SDK: `Client` (sync) and `AsyncClient` (asyncio) over gRPC through Envoy.

Results are frozen dataclasses with `Decimal` and enums (`tradex_sdk.models`), refusals are
`TradexError` subclasses carrying the server's ErrorInfo reason (`tradex_sdk.errors`), and
`market_data.stream_book` keeps a locally verified book (`tradex_sdk.book`). The names in
`__all__` are the public, pinned surface.
"""
from tradex_sdk._core import FloatRefused, RetryPolicy, Session
from tradex_sdk.aio import AsyncBookStream, AsyncClient
from tradex_sdk.book import BookLevel, BookUpdate, LocalBook, Resync, checksum
from tradex_sdk.client import BookStream, Client
from tradex_sdk.errors import (
    AlreadyExistsError,
    BookResyncError,
    Conflict,
    ConflictError,
    FailedPreconditionError,
    InsufficientMargin,
    InvalidArgumentError,
    InvalidOrder,
    NotFound,
    NotFoundError,
    PermissionDenied,
    PermissionDeniedError,
    RateLimited,
    RateLimitedError,
    TradexError,
    Unauthenticated,
    UnauthenticatedError,
    UnavailableError,
)
from tradex_sdk.models import to_model

__all__ = [
    "AlreadyExistsError", "AsyncBookStream", "AsyncClient", "BookLevel", "BookResyncError", "BookStream",
    "BookUpdate", "Client", "Conflict", "ConflictError", "FailedPreconditionError", "FloatRefused",
    "InsufficientMargin", "InvalidArgumentError", "InvalidOrder", "LocalBook", "NotFound", "NotFoundError",
    "PermissionDenied", "PermissionDeniedError", "RateLimited", "RateLimitedError", "Resync", "RetryPolicy",
    "Session", "TradexError", "Unauthenticated", "UnauthenticatedError", "UnavailableError", "checksum", "to_model",
]
