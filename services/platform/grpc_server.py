"""The gRPC server every service runs: grpc.aio, health, reflection, and one wrapper around
each handler that authorizes the caller and maps domain errors to status codes."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.platform import errors
from services.platform.auth import TokenVerifier, access_rule_for, authorize, set_principal
from services.platform.json_fields import check_json_fields
from services.platform.mesh_tls import MeshTls, peer_identity
from services.platform.text_fields import reject_nul_characters

_STATUS = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Aborted: grpc.StatusCode.ABORTED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}

log = logging.getLogger(__name__)
# A unary call that takes longer is logged with its time, so a stall seen by a client can be
# placed: `make bench` saw rare ~1 s POST /v1/orders while no service logged a call over this
# and Envoy's own request times stayed under 100 ms (README → Performance). Above a Login's
# bcrypt (~0.3 s at the production cost), so normal calls never log.
SLOW_CALL_S = 0.5


def _abort_code(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    if isinstance(exc, errors.DomainError):
        for cls in type(exc).__mro__:
            if cls in _STATUS:
                return _STATUS[cls], exc.message
        return grpc.StatusCode.UNKNOWN, exc.message
    return grpc.StatusCode.INTERNAL, "internal error"


ERROR_DOMAIN = "tradex"


def _error_info(code: grpc.StatusCode, exc: errors.DomainError) -> tuple[tuple[str, bytes], ...]:
    """A google.rpc.ErrorInfo carrying the UPPER_SNAKE reason, so a caller can branch on it (e.g.
    INSUFFICIENT_MARGIN) without parsing the message. On every DomainError, public and internal:
    native gRPC clients read it from grpc-status-details-bin, and Envoy's transcoder renders it in
    a REST body's `details` (google/rpc/error_details.proto is in the descriptor set, tools/gen.sh)."""
    detail = any_pb2.Any()
    detail.Pack(error_details_pb2.ErrorInfo(reason=exc.reason, domain=ERROR_DOMAIN))
    status = status_pb2.Status(code=code.value[0], message=exc.message, details=[detail])
    return (("grpc-status-details-bin", status.SerializeToString()),)


class _GuardInterceptor(grpc.aio.ServerInterceptor):
    """Wraps every method handler: access rule check, principal in a contextvar, error mapping."""

    def __init__(self, verifier: TokenVerifier | None) -> None:
        self._verifier = verifier

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or not method.startswith("/tradex."):
            return handler
        rule = access_rule_for(method)
        verifier = self._verifier

        def guard(context, request=None) -> None:
            principal = authorize(rule, context.invocation_metadata(), verifier, caller=peer_identity(context))
            set_principal(principal)
            # Unknown fields of a REST body, as listed by Envoy (services/platform/json_fields.py).
            check_json_fields(method, context.invocation_metadata())
            if request is not None:
                reject_nul_characters(request)

        async def fail(context, exc: BaseException) -> None:
            code, message = _abort_code(exc)
            if code == grpc.StatusCode.INTERNAL:
                log.exception("unhandled error in %s", method)
            if isinstance(exc, errors.DomainError):
                await context.abort(code, message, trailing_metadata=_error_info(code, exc))
            await context.abort(code, message)

        if handler.unary_unary:
            inner = handler.unary_unary

            async def unary_unary(request, context):
                started = time.perf_counter()
                try:
                    guard(context, request)
                    return await inner(request, context)
                except Exception as exc:
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    if _is_abort(exc):
                        raise
                    await fail(context, exc)
                finally:
                    took = time.perf_counter() - started
                    if took > SLOW_CALL_S:
                        log.warning("slow call", extra={"method": method, "ms": round(took * 1000, 1)})

            return grpc.unary_unary_rpc_method_handler(
                unary_unary, handler.request_deserializer, handler.response_serializer)
        if handler.unary_stream:
            inner_stream = handler.unary_stream

            async def unary_stream(request, context):
                try:
                    guard(context, request)
                    async for item in inner_stream(request, context):
                        yield item
                except Exception as exc:
                    if _is_abort(exc):
                        raise
                    await fail(context, exc)

            return grpc.unary_stream_rpc_method_handler(
                unary_stream, handler.request_deserializer, handler.response_serializer)
        return handler


def _is_abort(exc: BaseException) -> bool:
    # context.abort() raises an internal exception type; let it through untouched.
    return type(exc).__name__ == "AbortError"


async def start_server(
    *,
    port: int,
    register: Iterable[Callable[[grpc.aio.Server], None]],
    service_names: Iterable[str],
    verifier: TokenVerifier | None,
    tls: MeshTls,
    host: str = "127.0.0.1",
) -> tuple[grpc.aio.Server, int, health.HealthServicer]:
    """Starts a server; returns it, the bound port (useful with port 0) and the health servicer.

    The port speaks mutual TLS only: a peer without a certificate from the mesh CA never gets a
    connection, and the guard reads each caller's identity from its certificate."""
    server = grpc.aio.server(
        interceptors=[_GuardInterceptor(verifier)],
        options=[("grpc.max_receive_message_length", 4 * 1024 * 1024)],
    )
    for add in register:
        add(server)
    health_servicer = health.aio.HealthServicer() if hasattr(health, "aio") else health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = list(service_names)
    reflection.enable_server_reflection(
        names + [health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server)
    bound = server.add_secure_port(f"{host}:{port}", tls.server_credentials())
    await server.start()
    for name in names + [""]:
        await _set_serving(health_servicer, name)
    return server, bound, health_servicer


async def _set_serving(servicer, name: str) -> None:
    result = servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    if asyncio.iscoroutine(result):
        await result
