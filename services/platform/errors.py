"""Domain errors: what a caller did wrong or what the state forbids, in words it can act on.

Pure Python so domain code can raise them; `grpc_server` maps each class to a gRPC status
(and Envoy maps that to an HTTP code), so a client always learns which field or rule failed.
"""
from __future__ import annotations

import re


class DomainError(Exception):
    """A refusal the caller can act on. `reason` is an UPPER_SNAKE code for machines."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The class name in UPPER_SNAKE (NotFound -> NOT_FOUND) when no rule is named.
        self.reason = reason or re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).upper()


class InvalidArgument(DomainError):
    pass


class NotFound(DomainError):
    pass


class AlreadyExists(DomainError):
    """The idempotency key or natural key is taken by a different request body."""


class FailedPrecondition(DomainError):
    """The request is well formed but the state forbids it (risk, insufficient funds, status)."""


class Unauthenticated(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class ResourceExhausted(DomainError):
    pass


class Aborted(DomainError):
    """A concurrent writer won (optimistic lock); the caller may retry."""


class Unavailable(DomainError):
    """A service this call depends on did not answer in time; the outcome is unknown and the
    caller may retry (idempotency keys make that safe)."""
