"""What the Order service's gRPC clients share: channels and the translation of a downstream
status into a domain error the caller of PlaceOrder can act on."""
from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2

from services.platform.errors import DomainError, FailedPrecondition, Unavailable
from services.platform.mesh_tls import mesh_channel

# Codes after which the request may or may not have taken effect: retry with the same key.
RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                       grpc.StatusCode.ABORTED, grpc.StatusCode.RESOURCE_EXHAUSTED,
                       grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL})


def channel(address: str) -> grpc.aio.Channel:
    # Connects lazily: a service started after us (or restarted) is reached on first use.
    return mesh_channel(address, options=[("grpc.enable_retries", 1)])


def error_reason(error: grpc.aio.AioRpcError) -> str:
    """The google.rpc.ErrorInfo reason a TradeX service attached, or ""."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return ""


def translate(service: str, error: grpc.aio.AioRpcError) -> DomainError | Exception:
    """A refusal the client can act on keeps its meaning; anything else is our problem."""
    code = error.code()
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return Unavailable(f"the {service} service does not serve this call yet (UNIMPLEMENTED); retry later")
    if code in RETRYABLE:
        return Unavailable(f"the {service} service did not answer ({code.name}); retry with the same "
                           "client_order_id")
    if code == grpc.StatusCode.FAILED_PRECONDITION:
        reason = error_reason(error) or "FAILED_PRECONDITION"
        return FailedPrecondition(f"{reason}: {error.details()}", reason=reason)
    return RuntimeError(f"{service} refused a request the Order service built: {code.name} {error.details()}")
