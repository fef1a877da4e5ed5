"""Auth helpers shared by the e2e and security tests."""
from __future__ import annotations

import base64
import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from services.auth.adapters.keys import key_id, load_or_create_private_key


def forged_tokens(exchange, subject: str) -> dict[str, str]:
    """Access tokens for `subject` that must all be refused, by case: unsigned, signed by another key,
    an unknown kid, expired, not yet valid, wrong issuer or audience, HS256 keyed with a guessable
    secret, and a well-signed refresh token presented as an access token."""
    now = int(time.time())
    real_key = load_or_create_private_key(exchange.private_key_path)
    kid = key_id(real_key)
    claims = {"iss": "tradex-auth", "aud": "tradex", "sub": subject, "iat": now, "nbf": now, "exp": now + 300,
              "roles": ["trader"], "typ": "access"}
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode()).rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return {
        "alg none": f"{header}.{body}.",
        "foreign key": jwt.encode(claims, other, algorithm="RS256", headers={"kid": kid}),
        "unknown kid": jwt.encode(claims, real_key, algorithm="RS256", headers={"kid": "nope"}),
        "expired": jwt.encode({**claims, "exp": now - 600, "iat": now - 900, "nbf": now - 900}, real_key,
                              algorithm="RS256", headers={"kid": kid}),
        "not yet valid": jwt.encode({**claims, "nbf": now + 600}, real_key, algorithm="RS256", headers={"kid": kid}),
        "wrong issuer": jwt.encode({**claims, "iss": "evil"}, real_key, algorithm="RS256", headers={"kid": kid}),
        "wrong audience": jwt.encode({**claims, "aud": "other"}, real_key, algorithm="RS256", headers={"kid": kid}),
        "HS256 with the public key": jwt.encode(claims, "x" * 64, algorithm="HS256", headers={"kid": kid}),
        "refresh typ": jwt.encode({**claims, "typ": "refresh"}, real_key, algorithm="RS256", headers={"kid": kid}),
    }
