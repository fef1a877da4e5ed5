"""Service identity inside the mesh: mutual TLS on every gRPC hop.

Every service port requires a client certificate signed by the mesh CA, and every service
calls others with its own. The certificate's subject common name is the caller's identity: the
guard interceptor (grpc_server.py) admits an internal RPC only from the identities its
`(tradex.common.v1.access).callers` lists, and trusts Envoy's appended `x-forwarded-for` hop only
when the peer is `envoy`. Locally `tradex up` creates the CA and certificates under the data dir
(mesh/pki.py); in Kubernetes they are mounted from Secrets (cert-manager can issue them).

    TRADEX_TLS_CA_FILE    the mesh CA (PEM) that peers must be signed by
    TRADEX_TLS_CERT_FILE  this process's certificate (PEM), CN = its identity
    TRADEX_TLS_KEY_FILE   its private key (PEM)
"""
from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.x509.oid import NameOID

from services.platform.config import ConfigError

CA_ENV, CERT_ENV, KEY_ENV = "TRADEX_TLS_CA_FILE", "TRADEX_TLS_CERT_FILE", "TRADEX_TLS_KEY_FILE"
ENVOY_IDENTITY = "envoy"


def _read(name: str) -> bytes:
    path = os.environ.get(name)
    if not path:
        raise ConfigError(f"environment variable {name} is required but not set (mesh mTLS)")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{name}={path} cannot be read: {exc.strerror}") from None


@dataclass(frozen=True)
class MeshTls:
    ca: bytes
    cert: bytes
    key: bytes

    @classmethod
    def from_env(cls) -> MeshTls:
        return cls(ca=_read(CA_ENV), cert=_read(CERT_ENV), key=_read(KEY_ENV))

    @functools.cached_property
    def identity(self) -> str:
        cert = x509.load_pem_x509_certificate(self.cert)
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if not names:
            raise ConfigError(f"the certificate in {CERT_ENV} has no common name (its mesh identity)")
        return str(names[0].value)

    def server_credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials([(self.key, self.cert)], root_certificates=self.ca,
                                           require_client_auth=True)

    def channel_credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(root_certificates=self.ca, private_key=self.key,
                                            certificate_chain=self.cert)


@functools.cache
def process_tls() -> MeshTls:
    """This process's credentials, read once from the environment."""
    return MeshTls.from_env()


def mesh_channel(address: str, options: Sequence[tuple[str, object]] = ()) -> grpc.aio.Channel:
    """An asyncio channel to another service, authenticated as this process."""
    return grpc.aio.secure_channel(address, process_tls().channel_credentials(), options=list(options))


def peer_identity(context) -> str | None:
    """The caller's mesh identity from its verified client certificate (None without one)."""
    names = (context.auth_context() or {}).get("x509_common_name") or []
    return names[0].decode() if names else None
