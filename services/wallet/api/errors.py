"""Domain errors -> gRPC status for the wallet's RPCs.

Same codes as the platform's guard interceptor, plus what it does not do (yet; it could move
there): on the internal service, a google.rpc.ErrorInfo whose `reason` is the error's
UPPER_SNAKE code (e.g. "INSUFFICIENT_FUNDS"), so the Order service can branch on it without
parsing the message (services/order/adapters/downstream.py reads it).
ErrorInfo is not attached to public RPCs: Envoy's transcoder could not render it (the type is
not in the descriptor set) and public clients get the reason in the message anyway.
"""
from __future__ import annotations

import functools

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from services.platform import errors

ERROR_DOMAIN = "wallet.tradex"

_STATUS = (
    (errors.Unavailable, grpc.StatusCode.UNAVAILABLE),
    (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (errors.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (errors.ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (errors.Aborted, grpc.StatusCode.ABORTED),
)


def status_code(exc: errors.DomainError) -> grpc.StatusCode:
    for cls, code in _STATUS:
        if isinstance(exc, cls):
            return code
    return grpc.StatusCode.UNKNOWN


def _details(code: grpc.StatusCode, exc: errors.DomainError) -> tuple[tuple[str, bytes], ...]:
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason=exc.reason, domain=ERROR_DOMAIN))
    status = status_pb2.Status(code=code.value[0], message=exc.message, details=[detail])
    return (("grpc-status-details-bin", status.SerializeToString()),)


def rpc(*, internal: bool = False):
    """Decorates a servicer method: a DomainError becomes its status (and ErrorInfo if internal)."""

    def wrap(method):
        @functools.wraps(method)
        async def handler(self, request, context):
            try:
                return await method(self, request, context)
            except errors.DomainError as exc:
                code = status_code(exc)
                if internal:
                    await context.abort(code, exc.message, trailing_metadata=_details(code, exc))
                await context.abort(code, exc.message)

        return handler

    return wrap
