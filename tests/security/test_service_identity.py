"""Zero trust inside the mesh: every internal RPC of every running service, called the ways an
attacker inside the network could, is refused; only the identities its contract lists get in.

The contract is the source: the methods come from the descriptor set, their allowed callers
from `(tradex.common.v1.access).callers`, the hosts from the running exchange.
"""
from __future__ import annotations

import datetime as dt
import importlib
import ipaddress
import uuid
from pathlib import Path

import grpc
import psutil
import pytest
import tradex
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.protobuf import descriptor_pool, message_factory

from mesh.rest import call
from services.platform.auth import access_rule_for

IDENTITIES = ("auth", "user", "wallet", "metadata", "risk", "order", "engine", "position", "pricing",
              "marketdata", "funding", "settlement", "envoy", "ops")


def _internal_methods(exchange) -> list[tuple[str, str, str, object]]:
    """(service name, address, full method, method descriptor) for every internal RPC running."""
    for root in tradex.__path__:  # every contract into the pool (namespace packages: walk the files)
        for path in Path(root).rglob("*_pb2.py"):
            importlib.import_module("tradex." + ".".join(path.relative_to(root).with_suffix("").parts))
    pool = descriptor_pool.Default()
    found = []
    for definition in exchange.service_defs:
        running = exchange.stack.services.get(definition.name)
        if running is None:
            continue
        # An entry may name one method ("pkg.Service/Method") when a service's methods are split.
        for service_name in dict.fromkeys(entry.split("/")[0] for entry in definition.grpc_services):
            service = pool.FindServiceByName(service_name)
            for method in service.methods:
                full = f"/{service.full_name}/{method.name}"
                if access_rule_for(full).internal and not method.server_streaming:
                    found.append((definition.name, running.address, full, method))
    return found


def _invoke(channel: grpc.Channel, full_method: str, method, metadata=()) -> grpc.StatusCode:
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    rpc = channel.unary_unary(full_method, request_serializer=request_class.SerializeToString,
                              response_deserializer=response_class.FromString)
    try:
        rpc(request_class(), timeout=5, metadata=metadata)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def _credentials(ca: bytes, cert: bytes | None = None, key: bytes | None = None) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=cert)


def _self_signed(identity: str) -> tuple[bytes, bytes]:
    """A certificate claiming `identity` that no mesh CA signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, identity)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


@pytest.fixture(scope="module")
def internal_methods(exchange):
    methods = _internal_methods(exchange)
    # Wallet, Order, Risk, Engine and Position each expose internal RPCs: all must be covered.
    assert {name for name, *_ in methods} >= {"wallet", "order", "risk", "engine", "position"}
    return methods


@pytest.fixture(scope="module")
def trader_token(exchange) -> str:
    response = call(exchange.http_url, "POST", "/v1/auth/signup",
                    {"email": f"sec-{uuid.uuid4().hex[:8]}@example.com", "password": "a-long-password-42"})
    assert response.ok(), response.body
    return response.body["tokens"]["access_token"]


def test_every_internal_rpc_lists_its_callers(internal_methods):
    for _, _, full, _ in internal_methods:
        assert access_rule_for(full).callers, f"{full} names no caller: nobody could call it"


def test_internal_rpcs_refuse_plaintext_and_certificateless_callers(exchange, internal_methods):
    ca = exchange.stack.pki.ca_cert_path.read_bytes()
    for _, address, full, method in internal_methods:
        with grpc.insecure_channel(address) as channel:
            assert _invoke(channel, full, method) == grpc.StatusCode.UNAVAILABLE, full
        with grpc.secure_channel(address, _credentials(ca)) as channel:  # TLS, but no client certificate
            assert _invoke(channel, full, method) == grpc.StatusCode.UNAVAILABLE, full


def test_a_certificate_from_another_ca_is_refused_even_with_the_right_name(exchange, internal_methods):
    ca = exchange.stack.pki.ca_cert_path.read_bytes()
    for _, address, full, method in internal_methods:
        allowed = sorted(access_rule_for(full).callers)[0]
        cert, key = _self_signed(allowed)
        with grpc.secure_channel(address, _credentials(ca, cert, key)) as channel:
            assert _invoke(channel, full, method) == grpc.StatusCode.UNAVAILABLE, full


def test_a_trader_jwt_or_the_wrong_service_identity_is_refused(exchange, internal_methods, trader_token):
    pki = exchange.stack.pki
    for _, address, full, method in internal_methods:
        callers = access_rule_for(full).callers
        for identity in IDENTITIES:
            if identity in callers:
                continue
            files = pki.issue(identity)
            credentials = _credentials(files.ca.read_bytes(), files.cert.read_bytes(), files.key.read_bytes())
            with grpc.secure_channel(address, credentials) as channel:
                code = _invoke(channel, full, method, metadata=[("authorization", f"Bearer {trader_token}")])
            assert code == grpc.StatusCode.PERMISSION_DENIED, (full, identity, code)


def test_the_listed_callers_get_through(exchange, internal_methods):
    """The positive control: an empty request from an allowed caller reaches the handler (which
    refuses it as bad input, or answers), never the guard's PERMISSION_DENIED."""
    pki = exchange.stack.pki
    for _, address, full, method in internal_methods:
        for identity in sorted(access_rule_for(full).callers):
            files = pki.issue(identity)
            credentials = _credentials(files.ca.read_bytes(), files.cert.read_bytes(), files.key.read_bytes())
            with grpc.secure_channel(address, credentials) as channel:
                code = _invoke(channel, full, method)
            assert code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAVAILABLE,
                                grpc.StatusCode.UNAUTHENTICATED), (full, identity, code)


def test_service_ports_listen_on_loopback_only(exchange):
    for name, running in exchange.stack.services.items():
        listening = [c for c in psutil.Process(running.process.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening, name
        assert all(_loopback(c.laddr.ip) for c in listening), (name, listening)


def _loopback(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback


def _public_methods_needing_a_token(exchange) -> list[tuple[str, str, object]]:
    found, seen = [], set()
    pool = descriptor_pool.Default()
    for definition in exchange.service_defs:
        running = exchange.stack.services.get(definition.name)
        if running is None:
            continue
        for entry in definition.grpc_services:
            service_name, _, only = entry.partition("/")
            for method in pool.FindServiceByName(service_name).methods:
                full = f"/{service_name}/{method.name}"
                rule = access_rule_for(full)
                if (only and method.name != only) or full in seen or rule.internal or rule.anonymous \
                        or method.server_streaming:
                    continue
                seen.add(full)
                found.append((running.address, full, method))
    return found


def test_the_forged_token_corpus_is_refused_at_every_service_port(exchange, internal_methods):
    """Straight at each service, as a mesh peer (even as Envoy), so only the token is on trial:
    every public method that needs a token answers UNAUTHENTICATED to every forgery."""
    from tests.e2e.test_auth_flows import _forged_tokens

    forged = _forged_tokens(exchange, "someone")
    methods = _public_methods_needing_a_token(exchange)
    assert len({address for address, _, _ in methods}) >= 6  # auth, user, wallet, order, position, risk...
    for identity in ("ops", "envoy"):
        files = exchange.stack.pki.issue(identity)
        credentials = _credentials(files.ca.read_bytes(), files.cert.read_bytes(), files.key.read_bytes())
        for address, full, method in methods:
            with grpc.secure_channel(address, credentials) as channel:
                for case, token in forged.items():
                    code = _invoke(channel, full, method, metadata=[("authorization", f"Bearer {token}")])
                    assert code == grpc.StatusCode.UNAUTHENTICATED, (identity, full, case, code)
