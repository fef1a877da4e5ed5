"""The mesh's own certificate authority: one CA under the data dir, one client+server certificate
per identity (every service, Envoy, and `ops` for operator tooling and tests).

A certificate's subject common name IS the identity the guard interceptor checks against an
internal RPC's `callers` (see services/platform/mesh_tls.py). Server certificates name
127.0.0.1 / localhost and the identity as a DNS name (what a Kubernetes Service would be called),
so the same files work locally and, mounted from Secrets, in `k8s/`.

Keys are EC P-256; the CA lives 10 years, leaf certificates 1 year (re-issued when missing).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "TradeX mesh CA"


@dataclass(frozen=True)
class IdentityFiles:
    identity: str
    ca: Path
    cert: Path
    key: Path

    def env(self) -> dict[str, str]:
        """What services.platform.mesh_tls reads."""
        return {"TRADEX_TLS_CA_FILE": str(self.ca), "TRADEX_TLS_CERT_FILE": str(self.cert),
                "TRADEX_TLS_KEY_FILE": str(self.key)}


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class MeshCA:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.ca_cert_path = self.directory / "ca.pem"
        self._ca_key_path = self.directory / "ca-key.pem"
        if not self.ca_cert_path.exists() or not self._ca_key_path.exists():
            self._create_ca()
        self._ca_key = serialization.load_pem_private_key(self._ca_key_path.read_bytes(), password=None)
        self._ca_cert = x509.load_pem_x509_certificate(self.ca_cert_path.read_bytes())

    def _create_ca(self) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                             content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .sign(key, hashes.SHA256()))
        _write_private(self._ca_key_path, _key_pem(key))
        self.ca_cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, identity: str) -> IdentityFiles:
        """The identity's certificate and key (created once, reused on later runs)."""
        files = IdentityFiles(identity, self.ca_cert_path, self.directory / f"{identity}.pem",
                              self.directory / f"{identity}-key.pem")
        if files.cert.exists() and files.key.exists():
            return files
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, identity)]))
                .issuer_name(self._ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .add_extension(x509.SubjectAlternativeName([
                    x509.DNSName(identity), x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .sign(self._ca_key, hashes.SHA256()))
        _write_private(files.key, _key_pem(key))
        files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return files
