"""Generates the whole Envoy bootstrap of the TradeX edge from the descriptor set.

Nothing is written per RPC by hand: every route comes from the `(tradex.common.v1.access)` option
of a method in the descriptor set (see protos/tradex/common/v1/access.proto):

* no access option, or ``internal: true``  -> no route at all (REST and native gRPC both get
  "not found": HTTP 404 for REST, gRPC UNIMPLEMENTED for gRPC);
* ``anonymous: true``                      -> routed, JWT filter disabled on the route;
* anything else                            -> routed, a valid JWT is required (Envoy only
  authenticates; the roles are checked again by the service from the forwarded token).

Only the services named in the ``upstreams`` mapping are routed (and transcoded).

HTTP filter chain, in this order (see envoy/README.md for the reasons, each verified by
tests/integration/test_envoy_edge.py):

1. ``health_check``   answers ``GET /healthz`` itself (200, or 503 while Envoy drains).
2. ``grpc_json_transcoder`` turns REST/JSON into gRPC: it rewrites ``:path`` to
   ``/pkg.Service/Method`` and clears the route cache, so the route is re-selected.
3. ``jwt_authn``      must come *after* the transcoder: it reads its per-route requirement from the
   route selected for the rewritten gRPC path. Placed before the transcoder it would see the REST
   path, which matches no route, hence no requirement: every REST call would skip authentication.
4. ``buffer``         caps the size of a (native gRPC) request body -> 413; the transcoder caps
   REST/JSON bodies itself (``max_request_body_size``) -> 413.
5. ``router``.

Envoy's own replies (no route, JWT refused, body too large, upstream down...) are rewritten by the
connection manager's ``local_reply_config``: REST requests get the same JSON error shape as a
transcoded gRPC error, ``{"code": <grpc code>, "message": ..., "details": []}``, and the 403 that
jwt_authn gives for a foreign audience becomes 401 like every other bad token.

Typed config: this module builds the config with ``envoy-data-plane`` (betterproto2 dataclasses of
the Envoy v3 API) rather than plain dicts: a misspelt field or a wrong type fails here, in Python,
instead of at Envoy start-up. ``envoy-data-plane==2.2.*`` (which pins ``betterproto2[all]>=0.9,<0.10``)
installed cleanly next to grpcio 1.85 / protobuf 7.36 (it only adds betterproto2, pydantic, grpclib
and small pure-Python packages) and these imports take ~0.4 s. The typed objects are serialised
with snake_case field names so the JSON reads like the Envoy docs. Envoy-side semantics (PGV
rules, oneofs Envoy checks itself) are still only checked by ``envoy --mode validate``.

CLI::

    python -m gateway.envoy_config --descriptor-set gen/python/src/tradex_proto/descriptor_set.binpb \\
        --upstream tradex.metadata.v1.MetadataService=127.0.0.1:50051 \\
        --listener-port 8080 --admin-port 9901 \\
        --jwt-issuer tradex-auth --jwt-audience tradex --jwks-file var/auth/jwks.json \\
        --out envoy/envoy.json
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import betterproto2
from google.protobuf import descriptor_pb2, descriptor_pool

# Registers the (tradex.common.v1.access) extension on MethodOptions. It must be imported before
# any MethodDescriptor.GetOptions() call: options are parsed (and cached) on first access, and
# without the extension registered the rule would silently stay an unknown field.
from tradex.common.v1 import access_pb2

from gateway.json_fields_lua import JSON_FIELDS_LUA

# envoy-data-plane's classes trip pydantic's PydanticDeprecatedSince212 (a DeprecationWarning) at
# class definition, hundreds of times; nothing to act on here.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from envoy_data_plane.envoy.config.accesslog.v3 import (
        AccessLog,
        AccessLogFilter,
        AndFilter,
        ComparisonFilter,
        ComparisonFilterOp,
        HeaderFilter,
        OrFilter,
        ResponseFlagFilter,
        StatusCodeFilter,
    )
    from envoy_data_plane.envoy.config.bootstrap.v3 import Admin, Bootstrap, BootstrapStaticResources
    from envoy_data_plane.envoy.config.cluster.v3 import Cluster, ClusterDiscoveryType, ClusterDnsLookupFamily
    from envoy_data_plane.envoy.config.core.v3 import (
        Address,
        DataSource,
        HeaderValue,
        HeaderValueOption,
        Http2ProtocolOptions,
        Node,
        RuntimeUInt32,
        SocketAddress,
        SubstitutionFormatString,
        TransportSocket,
    )
    from envoy_data_plane.envoy.config.endpoint.v3 import (
        ClusterLoadAssignment,
        Endpoint,
        LbEndpoint,
        LocalityLbEndpoints,
    )
    from envoy_data_plane.envoy.config.listener.v3 import Filter, FilterChain, Listener
    from envoy_data_plane.envoy.config.overload.v3 import OverloadManager, ResourceMonitor
    from envoy_data_plane.envoy.config.route.v3 import (
        DirectResponseAction,
        FilterConfig,
        HeaderMatcher,
        Route,
        RouteAction,
        RouteConfiguration,
        RouteMatch,
        VirtualHost,
    )
    from envoy_data_plane.envoy.extensions.access_loggers.stream.v3 import StdoutAccessLog
    from envoy_data_plane.envoy.extensions.filters.http.buffer.v3 import Buffer, BufferPerRoute
    from envoy_data_plane.envoy.extensions.filters.http.cors.v3 import Cors, CorsPolicy
    from envoy_data_plane.envoy.extensions.filters.http.grpc_json_transcoder.v3 import (
        GrpcJsonTranscoder,
        GrpcJsonTranscoderPrintOptions,
        GrpcJsonTranscoderRequestValidationOptions,
    )
    from envoy_data_plane.envoy.extensions.filters.http.grpc_web.v3 import GrpcWeb
    from envoy_data_plane.envoy.extensions.filters.http.health_check.v3 import HealthCheck
    from envoy_data_plane.envoy.extensions.filters.http.jwt_authn.v3 import (
        JwtAuthentication,
        JwtHeader,
        JwtProvider,
        JwtRequirement,
        PerRouteConfig,
    )
    from envoy_data_plane.envoy.extensions.filters.http.lua.v3 import Lua
    from envoy_data_plane.envoy.extensions.filters.http.router.v3 import Router
    from envoy_data_plane.envoy.extensions.filters.network.http_connection_manager.v3 import (
        HttpConnectionManager,
        HttpConnectionManagerCodecType,
        HttpFilter,
        LocalReplyConfig,
        ResponseMapper,
    )
    from envoy_data_plane.envoy.extensions.resource_monitors.downstream_connections.v3 import (
        DownstreamConnectionsConfig,
    )
    from envoy_data_plane.envoy.extensions.transport_sockets.tls.v3 import (
        CertificateValidationContext,
        CommonTlsContext,
        TlsCertificate,
        UpstreamTlsContext,
    )
    from envoy_data_plane.envoy.extensions.upstreams.http.v3 import (
        HttpProtocolOptions,
        HttpProtocolOptionsExplicitHttpConfig,
    )
    from envoy_data_plane.envoy.type.matcher.v3 import StringMatcher
    from envoy_data_plane.google.protobuf import Any as AnyProto
    from envoy_data_plane.google.protobuf import Struct

__all__ = [
    "HEALTH_PATH",
    "JwtSettings",
    "MethodAccess",
    "PublicRoute",
    "build_bootstrap",
    "main",
    "parse_upstream",
    "plan_routes",
    "read_method_access",
    "render_json",
    "write_bootstrap",
]

HEALTH_PATH = "/healthz"
LISTENER_NAME = "edge"
JWT_PROVIDER = "tradex_auth"
JWT_REQUIREMENT = "jwt"
DEFAULT_UNARY_TIMEOUT_S = 15.0
DEFAULT_MAX_REQUEST_BYTES = 1 << 20
DEFAULT_MAX_CONNECTIONS = 10_000

HEALTH_CHECK_FILTER = "envoy.filters.http.health_check"
# gRPC-Web (browsers, and Node without HTTP/2 trailers) becomes plain gRPC before anything else.
GRPC_WEB_FILTER = "envoy.filters.http.grpc_web"
# Cross-origin browsers (only for the origins the operator lists; off by default).
CORS_FILTER = "envoy.filters.http.cors"
TRANSCODER_FILTER = "envoy.filters.http.grpc_json_transcoder"
# Ahead of the transcoder: lists a JSON body's top-level keys for the service's unknown-field check
# (gateway/json_fields_lua.py, services/platform/json_fields.py).
JSON_FIELDS_FILTER = "envoy.filters.http.lua"
JWT_FILTER = "envoy.filters.http.jwt_authn"
BUFFER_FILTER = "envoy.filters.http.buffer"
ROUTER_FILTER = "envoy.filters.http.router"
UPSTREAM_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"


# --------------------------------------------------------------------------------------------
# Reading the descriptor set
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodAccess:
    """The access rule of one RPC as read from the descriptor set."""

    service: str  # full name, e.g. "tradex.metadata.v1.MetadataService"
    method: str  # short name, e.g. "GetInstrument"
    has_rule: bool  # False when the method has no (tradex.common.v1.access) option
    anonymous: bool
    internal: bool
    roles: tuple[str, ...]
    client_streaming: bool
    server_streaming: bool

    @property
    def grpc_path(self) -> str:
        return f"/{self.service}/{self.method}"

    @property
    def public(self) -> bool:
        """Whether Envoy routes it at all."""
        return self.has_rule and not self.internal


@dataclass(frozen=True)
class PublicRoute:
    """One route of the edge: an exact match on the gRPC path of a public method."""

    service: str
    method: str
    path: str  # "/pkg.Service/Method"; REST requests reach it after transcoding
    requires_jwt: bool
    client_streaming: bool
    server_streaming: bool


def _load_pool(descriptor_set_path: str | os.PathLike[str]) -> descriptor_pool.DescriptorPool:
    data = Path(descriptor_set_path).read_bytes()
    fds = descriptor_pb2.FileDescriptorSet.FromString(data)
    pool = descriptor_pool.DescriptorPool()
    for file_proto in fds.file:
        pool.Add(file_proto)
    return pool


def _service_names(descriptor_set_path: str | os.PathLike[str]) -> list[str]:
    fds = descriptor_pb2.FileDescriptorSet.FromString(Path(descriptor_set_path).read_bytes())
    names = []
    for file_proto in fds.file:
        prefix = f"{file_proto.package}." if file_proto.package else ""
        names.extend(prefix + s.name for s in file_proto.service)
    return names


def read_method_access(
    descriptor_set_path: str | os.PathLike[str], services: Iterable[str] | None = None
) -> dict[str, MethodAccess]:
    """The access rule of every method, keyed by gRPC path ``/pkg.Service/Method``.

    ``services`` restricts the result to these full service names (each must exist in the set,
    else ``KeyError``); ``None`` means every service in the set.
    """
    pool = _load_pool(descriptor_set_path)
    wanted = list(services) if services is not None else _service_names(descriptor_set_path)
    out: dict[str, MethodAccess] = {}
    for service_name in wanted:
        try:
            service = pool.FindServiceByName(service_name)
        except KeyError:
            raise KeyError(f"service {service_name!r} is not in the descriptor set {descriptor_set_path}") from None
        for method in service.methods:
            options = method.GetOptions()
            has_rule = options.HasExtension(access_pb2.access)
            rule = options.Extensions[access_pb2.access]
            access = MethodAccess(
                service=service.full_name,
                method=method.name,
                has_rule=has_rule,
                anonymous=rule.anonymous,
                internal=rule.internal,
                roles=tuple(rule.roles),
                client_streaming=method.client_streaming,
                server_streaming=method.server_streaming,
            )
            out[access.grpc_path] = access
    return out


def plan_routes(descriptor_set_path: str | os.PathLike[str], services: Iterable[str]) -> list[PublicRoute]:
    """The public routes of ``services``, sorted by path. Internal methods are left out."""
    routes = [
        PublicRoute(
            service=a.service,
            method=a.method,
            path=a.grpc_path,
            requires_jwt=not a.anonymous,
            client_streaming=a.client_streaming,
            server_streaming=a.server_streaming,
        )
        for a in read_method_access(descriptor_set_path, services).values()
        if a.public
    ]
    return sorted(routes, key=lambda r: r.path)


# --------------------------------------------------------------------------------------------
# Building the bootstrap
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpstreamTls:
    """Envoy's mesh identity: every upstream hop is mutual TLS with this certificate (CN "envoy"),
    and the service's certificate must come from the mesh CA."""

    ca_path: str
    cert_path: str
    key_path: str


def _upstream_tls(tls: UpstreamTls) -> TransportSocket:
    context = UpstreamTlsContext(common_tls_context=CommonTlsContext(
        tls_certificates=[TlsCertificate(certificate_chain=DataSource(filename=tls.cert_path),
                                         private_key=DataSource(filename=tls.key_path))],
        validation_context=CertificateValidationContext(trusted_ca=DataSource(filename=tls.ca_path)),
        alpn_protocols=["h2"]))
    return TransportSocket(name="envoy.transport_sockets.tls", typed_config=AnyProto.pack(context))


@dataclass(frozen=True)
class JwtSettings:
    """How Envoy verifies access tokens: RS256 keys from a local JWKS file (published by Auth)."""

    issuer: str
    audiences: tuple[str, ...]
    jwks_path: str  # read once at Envoy start-up (restart Envoy to pick up a rotated key set)

    def __post_init__(self) -> None:
        if not self.issuer:
            raise ValueError("JWT issuer must not be empty")
        if not self.audiences:
            raise ValueError("at least one JWT audience is required")
        object.__setattr__(self, "audiences", tuple(self.audiences))
        object.__setattr__(self, "jwks_path", str(Path(self.jwks_path).absolute()))


def parse_upstream(text: str) -> tuple[str, int]:
    """``"host:port"`` (or ``"[v6]:port"``) -> ``(host, port)``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"upstream must be host:port, got {text!r}")
    return host.strip("[]"), int(port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _duration(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=seconds)


def _socket(address: str, port: int) -> Address:
    return Address(socket_address=SocketAddress(address=address, port_value=port))


def _cluster(service: str, upstream: str, tls: UpstreamTls | None) -> Cluster:
    host, port = parse_upstream(upstream)
    return Cluster(
        transport_socket=_upstream_tls(tls) if tls is not None else None,
        name=service,
        type=ClusterDiscoveryType.STATIC if _is_ip(host) else ClusterDiscoveryType.STRICT_DNS,
        # "localhost" may resolve to ::1 first while a gRPC server listens on 127.0.0.1 only.
        dns_lookup_family=ClusterDnsLookupFamily.V4_PREFERRED,
        connect_timeout=_duration(1),
        load_assignment=ClusterLoadAssignment(
            cluster_name=service,
            endpoints=[LocalityLbEndpoints(lb_endpoints=[LbEndpoint(endpoint=Endpoint(address=_socket(host, port)))])],
        ),
        # gRPC upstreams speak HTTP/2 only (over mTLS in the mesh).
        typed_extension_protocol_options={
            UPSTREAM_PROTOCOL_OPTIONS: AnyProto.pack(
                HttpProtocolOptions(
                    explicit_http_config=HttpProtocolOptionsExplicitHttpConfig(
                        http2_protocol_options=Http2ProtocolOptions()
                    )
                )
            )
        },
    )


def _route(route: PublicRoute, unary_timeout_s: float, cluster: str | None = None) -> Route:
    per_filter: dict[str, AnyProto] = {
        JWT_FILTER: AnyProto.pack(
            PerRouteConfig(requirement_name=JWT_REQUIREMENT) if route.requires_jwt else PerRouteConfig(disabled=True)
        )
    }
    if route.client_streaming:
        # The buffer filter waits for the end of the request: it would stall a client stream.
        per_filter[BUFFER_FILTER] = AnyProto.pack(BufferPerRoute(disabled=True))
    streaming = route.client_streaming or route.server_streaming
    return Route(
        name=f"{route.service}.{route.method}",
        match=RouteMatch(path=route.path),
        route=RouteAction(
            cluster=cluster or route.service,
            # 0s disables the route timeout: a stream lives as long as its client wants.
            timeout=_duration(0 if streaming else unary_timeout_s),
        ),
        typed_per_filter_config=per_filter,
    )


OPENAPI_HTTP_PATH = "/openapi.json"
OPENAPI_MAX_BYTES = 8 * 1024 * 1024


def _openapi_route(openapi_path: str | os.PathLike[str]) -> Route:
    """GET /openapi.json answered by Envoy from the generated file (no upstream, no token); the
    transcoder, which refuses paths no RPC maps to, is off for it."""
    return Route(
        name="openapi",
        match=RouteMatch(path=OPENAPI_HTTP_PATH,
                         headers=[HeaderMatcher(name=":method", string_match=StringMatcher(exact="GET"))]),
        direct_response=DirectResponseAction(status=200, body=DataSource(filename=str(Path(openapi_path).absolute()))),
        response_headers_to_add=[HeaderValueOption(header=HeaderValue(key="content-type", value="application/json"))],
        typed_per_filter_config={
            TRANSCODER_FILTER: AnyProto.pack(FilterConfig(disabled=True)),
            JWT_FILTER: AnyProto.pack(PerRouteConfig(disabled=True)),
        },
    )


OPENAPI_DOCS_PATH = "/docs"
# A page that renders /openapi.json with Redoc (the browser loads Redoc from its CDN).
OPENAPI_DOCS_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>TradeX API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="https://cdn.redoc.ly/redoc/v2.5.0/bundles/redoc.standalone.js"></script>
<noscript>The OpenAPI description is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body></html>
"""


def _cors_policy(origins: Sequence[str]) -> CorsPolicy:
    return CorsPolicy(
        allow_origin_string_match=[StringMatcher(exact=origin) for origin in origins],
        allow_methods="GET, POST, PATCH, PUT, DELETE, OPTIONS",
        allow_headers="authorization, content-type, x-grpc-web, x-user-agent, grpc-timeout",
        expose_headers="grpc-status, grpc-message, grpc-status-details-bin",
        max_age="600",
    )


def _docs_route() -> Route:
    """GET /docs: a page rendering the OpenAPI description."""
    return Route(
        name="openapi-docs",
        match=RouteMatch(path=OPENAPI_DOCS_PATH,
                         headers=[HeaderMatcher(name=":method", string_match=StringMatcher(exact="GET"))]),
        direct_response=DirectResponseAction(status=200, body=DataSource(inline_string=OPENAPI_DOCS_HTML)),
        response_headers_to_add=[HeaderValueOption(header=HeaderValue(key="content-type",
                                                                      value="text/html; charset=utf-8"))],
        typed_per_filter_config={
            TRANSCODER_FILTER: AnyProto.pack(FilterConfig(disabled=True)),
            JWT_FILTER: AnyProto.pack(PerRouteConfig(disabled=True)),
        },
    )


# The gRPC code written in the JSON body of a local reply (one Envoy makes itself: no route, JWT
# refused, body too large...), so that REST clients get the same {"code","message","details"} shape
# as the transcoder gives for errors of the services. Codes follow google.rpc's HTTP mapping.
LOCAL_REPLY_GRPC_CODES: dict[int, int] = {
    400: 3,  # INVALID_ARGUMENT (bad JSON, unknown query parameter)
    401: 16,  # UNAUTHENTICATED (JWT missing or invalid)
    403: 7,  # PERMISSION_DENIED
    404: 5,  # NOT_FOUND (no such REST path, or an internal method)
    408: 4,  # DEADLINE_EXCEEDED
    413: 8,  # RESOURCE_EXHAUSTED (body too large)
    429: 8,  # RESOURCE_EXHAUSTED
    500: 13,  # INTERNAL
    501: 12,  # UNIMPLEMENTED
    502: 14,  # UNAVAILABLE
    503: 14,  # UNAVAILABLE (upstream down)
    504: 4,  # DEADLINE_EXCEEDED (route timeout)
}
UNKNOWN_GRPC_CODE = 2


def _status_is(code: int, op: ComparisonFilterOp = ComparisonFilterOp.EQ) -> AccessLogFilter:
    return AccessLogFilter(
        status_code_filter=StatusCodeFilter(
            comparison=ComparisonFilter(
                op=op,
                value=RuntimeUInt32(default_value=code, runtime_key=f"tradex_edge.local_reply.{code}"),
            )
        )
    )


def _all(*filters: AccessLogFilter) -> AccessLogFilter:
    return AccessLogFilter(and_filter=AndFilter(filters=list(filters)))


def _rest_request() -> AccessLogFilter:
    """True for a REST/JSON request: one the transcoder rewrote (it adds x-envoy-original-path),
    or one that never was gRPC (content-type not application/grpc*, or none)."""
    return AccessLogFilter(
        or_filter=OrFilter(
            filters=[
                AccessLogFilter(
                    header_filter=HeaderFilter(header=HeaderMatcher(name="x-envoy-original-path", present_match=True))
                ),
                AccessLogFilter(
                    header_filter=HeaderFilter(
                        header=HeaderMatcher(
                            name="content-type",
                            string_match=StringMatcher(prefix="application/grpc"),
                            invert_match=True,
                            treat_missing_header_as_empty=True,
                        )
                    )
                ),
            ]
        )
    )


def _json_error(grpc_code: int, message: str = "%LOCAL_REPLY_BODY%") -> SubstitutionFormatString:
    return SubstitutionFormatString(
        json_format=Struct.from_dict({"code": grpc_code, "message": message, "details": []})
    )


def _local_reply_config() -> LocalReplyConfig:
    """Rewrites Envoy's own (local) replies; responses of the services are not touched.

    * 403 -> 401: jwt_authn answers 403 for a token whose audience is not ours; that is an invalid
      token for this API (RFC 6750 ``invalid_token``), so 401 / UNAUTHENTICATED like every other
      bad token. Nothing else in this filter chain replies 403 locally.
    * REST requests get a JSON body ``{"code": <grpc code>, "message": ..., "details": []}``;
      gRPC requests keep Envoy's gRPC local reply (grpc-status + grpc-message).

    The first mapper whose filter matches wins.
    """
    mappers = [
        ResponseMapper(
            filter=_all(_status_is(403), _rest_request()),
            status_code=401,
            body_format_override=_json_error(LOCAL_REPLY_GRPC_CODES[401]),
        ),
        ResponseMapper(filter=_status_is(403), status_code=401),
        # No route (an internal method reached through its REST mapping): the router's reply has
        # no body of its own.
        ResponseMapper(
            filter=_all(
                AccessLogFilter(response_flag_filter=ResponseFlagFilter(flags=["NR"])),
                _rest_request(),
            ),
            body_format_override=_json_error(LOCAL_REPLY_GRPC_CODES[404], "no route for this path"),
        ),
    ]
    for http_status, grpc_code in LOCAL_REPLY_GRPC_CODES.items():
        if http_status != 403:
            mappers.append(
                ResponseMapper(
                    filter=_all(_status_is(http_status), _rest_request()),
                    body_format_override=_json_error(grpc_code),
                )
            )
    mappers.append(
        ResponseMapper(
            filter=_all(_status_is(400, ComparisonFilterOp.GE), _rest_request()),
            body_format_override=_json_error(UNKNOWN_GRPC_CODE),
        )
    )
    return LocalReplyConfig(mappers=mappers)


def _http_filter(name: str, config: betterproto2.Message) -> HttpFilter:
    return HttpFilter(name=name, typed_config=AnyProto.pack(config))


def _http_filters(
    descriptor_set_path: str,
    services: Sequence[str],
    jwt: JwtSettings,
    max_request_bytes: int,
) -> list[HttpFilter]:
    filters = [
        _http_filter(
            HEALTH_CHECK_FILTER,
            HealthCheck(
                pass_through_mode=False,
                headers=[HeaderMatcher(name=":path", string_match=StringMatcher(exact=HEALTH_PATH))],
            ),
        )
    ]
    if services:
        filters.append(_http_filter(GRPC_WEB_FILTER, GrpcWeb()))
        filters.append(_http_filter(JSON_FIELDS_FILTER, Lua(default_source_code=DataSource(inline_string=JSON_FIELDS_LUA))))
        filters.append(
            _http_filter(
                TRANSCODER_FILTER,
                GrpcJsonTranscoder(
                    proto_descriptor=descriptor_set_path,
                    services=list(services),
                    convert_grpc_status=True,
                    print_options=GrpcJsonTranscoderPrintOptions(
                        preserve_proto_field_names=True,
                        always_print_primitive_fields=True,
                    ),
                    request_validation_options=GrpcJsonTranscoderRequestValidationOptions(
                        reject_unknown_method=True,
                        # Only parameters that map to no request field are refused (400); the
                        # fields of a GET list call (?status=...&page_size=...) are known.
                        reject_unknown_query_parameters=True,
                    ),
                    max_request_body_size=max_request_bytes,
                ),
            )
        )
    filters += [
        _http_filter(
            JWT_FILTER,
            JwtAuthentication(
                providers={
                    JWT_PROVIDER: JwtProvider(
                        issuer=jwt.issuer,
                        audiences=list(jwt.audiences),
                        local_jwks=DataSource(filename=jwt.jwks_path),
                        forward=True,  # services verify the token again and read its claims
                        from_headers=[JwtHeader(name="Authorization", value_prefix="Bearer ")],
                        require_expiration=True,
                    )
                },
                requirement_map={JWT_REQUIREMENT: JwtRequirement(provider_name=JWT_PROVIDER)},
            ),
        ),
        _http_filter(BUFFER_FILTER, Buffer(max_request_bytes=max_request_bytes)),
        _http_filter(ROUTER_FILTER, Router()),
    ]
    return filters


def build_bootstrap(
    descriptor_set_path: str | os.PathLike[str],
    upstreams: Mapping[str, str],
    *,
    listener_port: int,
    admin_port: int,
    jwt: JwtSettings,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    listen_address: str = "127.0.0.1",
    unary_timeout_s: float = DEFAULT_UNARY_TIMEOUT_S,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    access_log: bool = False,
    upstream_tls: UpstreamTls | None = None,
    openapi_path: str | os.PathLike[str] | None = None,
    cors_origins: Sequence[str] = (),
) -> dict:
    """The Envoy v3 bootstrap as a JSON-ready dict.

    ``openapi_path`` (the generated OpenAPI description, tradex_proto.OPENAPI_PATH) is served
    as ``GET /openapi.json`` by Envoy itself (a direct response), with a page rendering it at
    ``GET /docs``, when given. ``cors_origins`` (exact origins, e.g. ``https://app.example``)
    lets browser pages on those origins call REST and gRPC-Web (preflights answered, the gRPC
    status headers exposed); none by default.

    ``upstreams`` maps a gRPC service full name to its ``host:port``; only those services are
    routed and transcoded. Raises ``KeyError`` for a service missing from the descriptor set.
    A key ``"pkg.Service/Method"`` routes that one method to its own upstream (cluster
    ``pkg.Service.Method``), e.g. when two deployables serve parts of one proto service.
    """
    if max_request_bytes <= 0:
        raise ValueError("max_request_bytes must be positive")
    descriptor_set = str(Path(descriptor_set_path).absolute())
    method_upstreams = {f"/{key}": address for key, address in upstreams.items() if "/" in key}
    upstreams = {key: address for key, address in upstreams.items() if "/" not in key}
    routes = [r for r in plan_routes(descriptor_set, {*upstreams, *(k.split("/")[1] for k in method_upstreams)})
              if r.service in upstreams or r.path in method_upstreams]
    routed_services = sorted({r.service for r in routes if r.path not in method_upstreams})
    method_clusters = {r.path: f"{r.service}.{r.method}" for r in routes if r.path in method_upstreams}
    unknown = set(method_upstreams) - set(method_clusters)
    if unknown:
        raise KeyError(f"methods {sorted(unknown)} are not public methods of the descriptor set")

    virtual_host = VirtualHost(
        name="tradex",
        domains=["*"],
        routes=([_openapi_route(openapi_path), _docs_route()] if openapi_path else [])
        + [_route(r, unary_timeout_s, method_clusters.get(r.path)) for r in routes],
        typed_per_filter_config={CORS_FILTER: AnyProto.pack(_cors_policy(cors_origins))} if cors_origins else {},
    )
    hcm = HttpConnectionManager(
        stat_prefix=LISTENER_NAME,
        codec_type=HttpConnectionManagerCodecType.AUTO,  # HTTP/1.1 (REST) and h2c (gRPC)
        route_config=RouteConfiguration(name="tradex", virtual_hosts=[virtual_host],
                                        max_direct_response_body_size_bytes=OPENAPI_MAX_BYTES),
        http_filters=([_http_filter(CORS_FILTER, Cors())] if cors_origins else [])
        + _http_filters(descriptor_set, sorted({r.service for r in routes}), jwt, max_request_bytes),
        normalize_path=True,
        merge_slashes=True,
        use_remote_address=True,
        local_reply_config=_local_reply_config(),
        access_log=(
            [
                AccessLog(
                    name="envoy.access_loggers.stdout",
                    typed_config=AnyProto.pack(StdoutAccessLog()),
                )
            ]
            if access_log
            else []
        ),
    )
    listener = Listener(
        name=LISTENER_NAME,
        address=_socket(listen_address, listener_port),
        filter_chains=[
            FilterChain(
                filters=[
                    Filter(
                        name="envoy.filters.network.http_connection_manager",
                        typed_config=AnyProto.pack(hcm),
                    )
                ]
            )
        ],
    )
    bootstrap = Bootstrap(
        node=Node(id="tradex-edge", cluster="tradex"),
        admin=Admin(address=_socket("127.0.0.1", admin_port)),
        static_resources=BootstrapStaticResources(
            listeners=[listener],
            clusters=[_cluster(s, upstreams[s], upstream_tls) for s in routed_services]
            + [_cluster(name, method_upstreams[path], upstream_tls) for path, name in sorted(method_clusters.items())],
        ),
        # A cap on open downstream connections (Envoy warns at start-up when there is none).
        overload_manager=OverloadManager(
            resource_monitors=[
                ResourceMonitor(
                    name="envoy.resource_monitors.global_downstream_max_connections",
                    typed_config=AnyProto.pack(
                        DownstreamConnectionsConfig(max_active_downstream_connections=max_connections)
                    ),
                )
            ]
        ),
    )
    return bootstrap.to_dict(casing=betterproto2.Casing.SNAKE)


def render_json(config: Mapping) -> str:
    return json.dumps(config, indent=2, sort_keys=False) + "\n"


def write_bootstrap(config: Mapping, out: str | os.PathLike[str]) -> Path:
    """Writes the config atomically (a temp file then a rename) and returns its path."""
    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render_json(config))
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_path


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m gateway.envoy_config",
        description="Generate the TradeX Envoy bootstrap from the descriptor set.",
    )
    p.add_argument("--descriptor-set", required=False, help="default: tradex_proto.DESCRIPTOR_SET_PATH")
    p.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="SERVICE=HOST:PORT",
        help="a gRPC service full name and its address; repeat for each service",
    )
    p.add_argument("--listener-port", type=int, default=8080)
    p.add_argument("--admin-port", type=int, default=9901)
    p.add_argument("--listen-address", default="127.0.0.1")
    p.add_argument("--jwt-issuer", required=True)
    p.add_argument("--jwt-audience", action="append", required=True, help="repeatable")
    p.add_argument("--jwks-file", required=True, help="JWKS file published by the Auth service")
    p.add_argument("--max-request-bytes", type=int, default=DEFAULT_MAX_REQUEST_BYTES)
    p.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS)
    p.add_argument("--unary-timeout", type=float, default=DEFAULT_UNARY_TIMEOUT_S, help="seconds")
    p.add_argument("--access-log", action="store_true", help="log every request to stdout")
    p.add_argument("--upstream-tls-dir", help="Envoy's mesh identity: ca.crt, tls.crt and tls.key (as cert-manager "
                   "writes a Secret); upstream hops are mutual TLS with it. Without it upstreams are plaintext h2c")
    p.add_argument("--out", required=True, help="where to write the JSON bootstrap")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.descriptor_set is None:
        from tradex_proto import DESCRIPTOR_SET_PATH

        args.descriptor_set = DESCRIPTOR_SET_PATH
    try:
        upstreams: dict[str, str] = {}
        for item in args.upstream:
            service, sep, address = item.partition("=")
            if not sep:
                raise ValueError(f"--upstream must be SERVICE=HOST:PORT, got {item!r}")
            parse_upstream(address.strip())
            upstreams[service.strip()] = address.strip()
        config = build_bootstrap(
            args.descriptor_set,
            upstreams,
            listener_port=args.listener_port,
            admin_port=args.admin_port,
            listen_address=args.listen_address,
            jwt=JwtSettings(issuer=args.jwt_issuer, audiences=tuple(args.jwt_audience), jwks_path=args.jwks_file),
            max_request_bytes=args.max_request_bytes,
            unary_timeout_s=args.unary_timeout,
            max_connections=args.max_connections,
            access_log=args.access_log,
            upstream_tls=(UpstreamTls(ca_path=f"{args.upstream_tls_dir}/ca.crt",
                                      cert_path=f"{args.upstream_tls_dir}/tls.crt",
                                      key_path=f"{args.upstream_tls_dir}/tls.key")
                          if args.upstream_tls_dir else None),
        )
    except (KeyError, ValueError) as exc:  # a bad argument or a service not in the descriptor set
        print(f"envoy_config: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    out = write_bootstrap(config, args.out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
