"""Zero trust inside the mesh: every internal RPC of every running service, called the ways an
attacker inside the network could, is refused; only the identities its contract lists get in.

The contract is the source: the methods come from the descriptor set, their allowed callers
from `(tradex.common.v1.access).callers`, the hosts from the running exchange.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import uuid

import grpc
import psutil
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.protobuf import message_factory

from mesh.rest import call
from tests.e2e.auth_support import forged_tokens
from tests.security.contracts import Rpc, routed_rpcs, rpcs_by_process

IDENTITIES = ("auth", "user", "wallet", "metadata", "risk", "order", "engine", "position", "pricing",
              "marketdata", "funding", "settlement", "envoy", "ops")


def _internal_methods(exchange) -> list[tuple[str, str, Rpc]]:
    """(service name, address, RPC) for every internal RPC running: every method of every service a
    running process registers, at its port (even those the edge routes elsewhere)."""
    running = exchange.stack.services
    return [(name, running[name].address, rpc) for name, rpc in rpcs_by_process(exchange.service_defs)
            if name in running and rpc.rule.internal and not rpc.method.server_streaming]


def _invoke(channel: grpc.Channel, rpc: Rpc, metadata=()) -> grpc.StatusCode:
    response_class = message_factory.GetMessageClass(rpc.method.output_type)
    call_rpc = channel.unary_unary(rpc.full, request_serializer=rpc.request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)
    try:
        call_rpc(rpc.request_class(), timeout=5, metadata=metadata)
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
    for _, _, rpc in internal_methods:
        assert rpc.rule.callers, f"{rpc.full} names no caller: nobody could call it"


def test_internal_rpcs_refuse_plaintext_and_certificateless_callers(exchange, internal_methods):
    ca = exchange.stack.pki.ca_cert_path.read_bytes()
    for _, address, rpc in internal_methods:
        with grpc.insecure_channel(address) as channel:
            assert _invoke(channel, rpc) == grpc.StatusCode.UNAVAILABLE, rpc.full
        with grpc.secure_channel(address, _credentials(ca)) as channel:  # TLS, but no client certificate
            assert _invoke(channel, rpc) == grpc.StatusCode.UNAVAILABLE, rpc.full


def test_a_certificate_from_another_ca_is_refused_even_with_the_right_name(exchange, internal_methods):
    ca = exchange.stack.pki.ca_cert_path.read_bytes()
    for _, address, rpc in internal_methods:
        allowed = sorted(rpc.rule.callers)[0]
        cert, key = _self_signed(allowed)
        with grpc.secure_channel(address, _credentials(ca, cert, key)) as channel:
            assert _invoke(channel, rpc) == grpc.StatusCode.UNAVAILABLE, rpc.full


def test_a_trader_jwt_or_the_wrong_service_identity_is_refused(exchange, internal_methods, trader_token):
    pki = exchange.stack.pki
    for _, address, rpc in internal_methods:
        callers = rpc.rule.callers
        for identity in IDENTITIES:
            if identity in callers:
                continue
            files = pki.issue(identity)
            credentials = _credentials(files.ca.read_bytes(), files.cert.read_bytes(), files.key.read_bytes())
            with grpc.secure_channel(address, credentials) as channel:
                code = _invoke(channel, rpc, metadata=[("authorization", f"Bearer {trader_token}")])
            assert code == grpc.StatusCode.PERMISSION_DENIED, (rpc.full, identity, code)


def test_the_listed_callers_get_through(exchange, internal_methods):
    """The positive control: an empty request from an allowed caller reaches the handler (which
    refuses it as bad input, or answers), never the guard's PERMISSION_DENIED."""
    pki = exchange.stack.pki
    for _, address, rpc in internal_methods:
        for identity in sorted(rpc.rule.callers):
            files = pki.issue(identity)
            credentials = _credentials(files.ca.read_bytes(), files.cert.read_bytes(), files.key.read_bytes())
            with grpc.secure_channel(address, credentials) as channel:
                code = _invoke(channel, rpc)
            assert code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAVAILABLE,
                                grpc.StatusCode.UNAUTHENTICATED), (rpc.full, identity, code)


def test_service_ports_listen_on_loopback_only(exchange):
    for name, running in exchange.stack.services.items():
        listening = [c for c in psutil.Process(running.process.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening, name
        assert all(_loopback(c.laddr.ip) for c in listening), (name, listening)


def _loopback(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback


def _public_methods_needing_a_token(exchange) -> list[tuple[str, Rpc]]:
    """(address, RPC) for every public RPC that needs a token, at the running process serving it."""
    running = exchange.stack.services
    served = routed_rpcs(definition for definition in exchange.service_defs if definition.name in running)
    return [(running[name].address, rpc) for name, rpc in served
            if not (rpc.rule.internal or rpc.rule.anonymous or rpc.method.server_streaming)]


def test_the_forged_token_corpus_is_refused_at_every_service_port(exchange, internal_methods):
    """Straight at each service, as a mesh peer (even as Envoy), so only the token is on trial:
    every public method that needs a token answers UNAUTHENTICATED to every forgery."""
    forged = forged_tokens(exchange, "someone")
    methods = _public_methods_needing_a_token(exchange)
    assert len({address for address, _ in methods}) >= 6  # auth, user, wallet, order, position, risk...
    for identity in ("ops", "envoy"):
        files = exchange.stack.pki.issue(identity)
        credentials = _credentials(files.ca.read_bytes(), files.cert.read_bytes(), files.key.read_bytes())
        for address, rpc in methods:
            with grpc.secure_channel(address, credentials) as channel:
                for case, token in forged.items():
                    code = _invoke(channel, rpc, metadata=[("authorization", f"Bearer {token}")])
                    assert code == grpc.StatusCode.UNAUTHENTICATED, (identity, rpc.full, case, code)
