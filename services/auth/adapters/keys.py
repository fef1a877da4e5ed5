"""The access-token signing key (RS256) and the JWKS that publishes its public half.

`tradex up` creates the key once under its data directory and writes the JWKS file that
Envoy and every service read; the Auth service signs with the private key.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def load_or_create_private_key(path: Path) -> rsa.RSAPrivateKey:
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def key_id(key: rsa.RSAPrivateKey) -> str:
    """RFC 7638-style thumbprint, so the same key always has the same kid."""
    numbers = key.public_key().public_numbers()
    canonical = json.dumps({"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)},
                           separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()[:16]


def public_jwk(key: rsa.RSAPrivateKey) -> dict:
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": key_id(key), "use": "sig", "alg": "RS256",
            "n": _b64(numbers.n), "e": _b64(numbers.e)}


def write_jwks(path: Path, keys: list[rsa.RSAPrivateKey]) -> dict:
    jwks = {"keys": [public_jwk(k) for k in keys]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(jwks, indent=1))
    tmp.replace(path)
    return jwks


def ensure_keys(directory: Path) -> tuple[Path, Path]:
    """Returns (private key path, JWKS path), creating both if absent."""
    private_path = directory / "jwt-signing-key.pem"
    jwks_path = directory / "jwks.json"
    key = load_or_create_private_key(private_path)
    write_jwks(jwks_path, [key])
    return private_path, jwks_path


if __name__ == "__main__":
    import sys

    print(*ensure_keys(Path(sys.argv[1])))
