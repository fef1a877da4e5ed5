"""Minting access JWTs and opaque refresh tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from services.auth.adapters.keys import key_id
from services.platform.ids import new_id

ACCESS_TTL_MS = 15 * 60 * 1000
REFRESH_TTL_MS = 30 * 24 * 3600 * 1000


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    expires_at_unix_ms: int


class TokenMinter:
    def __init__(self, key: rsa.RSAPrivateKey, issuer: str, audience: str,
                 access_ttl_ms: int = ACCESS_TTL_MS) -> None:
        self._key = key
        self._kid = key_id(key)
        self.issuer = issuer
        self.audience = audience
        self.access_ttl_ms = access_ttl_ms

    def access_token(self, account_id: str, email: str, roles: list[str], now_ms: int) -> IssuedAccessToken:
        now_s = now_ms // 1000
        expires_ms = now_ms + self.access_ttl_ms
        claims = {"iss": self.issuer, "aud": self.audience, "sub": account_id, "email": email,
                  "roles": list(roles), "typ": "access", "iat": now_s, "nbf": now_s,
                  "exp": expires_ms // 1000, "jti": new_id()}
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})
        return IssuedAccessToken(token, expires_ms)


def new_refresh_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_secret(secret: str) -> str:
    # A 256-bit random secret needs no slow hash: SHA-256 is enough and keeps lookups indexed.
    return hashlib.sha256(secret.encode()).hexdigest()
