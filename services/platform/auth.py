"""Verifying access tokens and checking the caller against an RPC's access rule.

Envoy already rejects bad tokens at the edge; services verify again (defence in depth, and
service ports are reachable without Envoy on the host). The access rule comes from the
method's `(tradex.common.v1.access)` option in the descriptor, the same source Envoy's
config is generated from.
"""
from __future__ import annotations

import contextvars
import json
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
from google.protobuf import descriptor_pool
from tradex.common.v1 import access_pb2

from services.platform.errors import PermissionDenied, Unauthenticated

ALLOWED_ALGORITHMS = ("RS256",)
ACCESS_TOKEN_TYPE = "access"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    email: str = ""

    def has_any_role(self, roles) -> bool:
        return bool(self.roles.intersection(roles))


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("principal", default=None)


def current_principal() -> Principal | None:
    return _current.get()


def require_principal() -> Principal:
    principal = _current.get()
    if principal is None:
        raise Unauthenticated("this call needs a signed-in caller")
    return principal


def set_principal(principal: Principal | None) -> contextvars.Token:
    return _current.set(principal)


class TokenVerifier:
    """RS256 only, known `kid` only, issuer/audience/expiry checked, access tokens only.

    A token that verified is remembered (by its exact text, up to VERIFIED_CACHE_SIZE of them)
    with its validity window, so a client's next request with the same token skips the RSA
    signature check and the claim parsing: py-spy found them ~3.5 % of the Order service's CPU
    under load, paid on every request of every signed-in caller. Only time can change a
    verified token's outcome (the keys are fixed for the process's life), so a cached one is
    still refused once expired or before `nbf`, exactly as `jwt.decode` would with the leeway.
    Refusals are not remembered."""

    VERIFIED_CACHE_SIZE = 10_000

    def __init__(self, jwks: dict, issuer: str, audience: str, leeway_s: int = 5,
                 clock=time.time) -> None:
        self._keys = {}
        for entry in jwks.get("keys", []):
            if entry.get("kty") == "RSA" and entry.get("kid"):
                self._keys[entry["kid"]] = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(entry))
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s
        self._clock = clock
        self._verified: dict[str, tuple[Principal, float, float]] = {}  # token -> (principal, nbf, exp)

    @classmethod
    def from_file(cls, path: str | Path, issuer: str, audience: str) -> TokenVerifier:
        return cls(json.loads(Path(path).read_text()), issuer, audience)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, not_before, expires = known
            now = self._clock()
            if now >= expires + self.leeway_s:
                raise Unauthenticated("access token expired")
            if now >= not_before - self.leeway_s:
                return principal
            # Not yet valid: decode it again below for the exact refusal.
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("malformed access token") from None
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthenticated(f"token algorithm {header.get('alg')!r} is not accepted")
        key = self._keys.get(header.get("kid"))
        if key is None:
            raise Unauthenticated("token signed by an unknown key")
        try:
            claims = jwt.decode(
                token, key, algorithms=list(ALLOWED_ALGORITHMS), audience=self.audience,
                issuer=self.issuer, leeway=self.leeway_s,
                options={"require": ["exp", "iat", "nbf", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("access token expired") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"access token rejected: {exc}") from None
        if claims.get("typ") != ACCESS_TOKEN_TYPE:
            raise Unauthenticated("not an access token")
        roles = claims.get("roles") or []
        if not isinstance(roles, list):
            raise Unauthenticated("roles claim must be a list")
        principal = Principal(subject=str(claims["sub"]), roles=frozenset(map(str, roles)),
                              email=str(claims.get("email", "")))
        self._remember(token, principal, float(claims["nbf"]), float(claims["exp"]))
        return principal

    def _remember(self, token: str, principal: Principal, not_before: float, expires: float) -> None:
        if len(self._verified) >= self.VERIFIED_CACHE_SIZE:
            # Oldest first (dicts keep insertion order): expired ones go, live ones are re-verified.
            for stale in list(self._verified)[: self.VERIFIED_CACHE_SIZE // 10]:
                del self._verified[stale]
        self._verified[token] = (principal, not_before, expires)


@dataclass(frozen=True)
class AccessRule:
    anonymous: bool
    roles: frozenset[str]
    internal: bool
    # For internal RPCs, the mesh identities (client certificate CN) allowed to call.
    callers: frozenset[str] = frozenset()


# A method without a rule is internal and callable by nobody: access is opt-in per method.
INTERNAL_RULE = AccessRule(anonymous=False, roles=frozenset(), internal=True)


def access_rule_for(full_method: str) -> AccessRule:
    """`full_method` as gRPC gives it: "/tradex.metadata.v1.MetadataService/GetInstrument"."""
    name = full_method.lstrip("/").replace("/", ".")
    try:
        method = descriptor_pool.Default().FindMethodByName(name)
    except KeyError:
        return INTERNAL_RULE
    options = method.GetOptions()
    if not options.HasExtension(access_pb2.access):
        return INTERNAL_RULE
    rule = options.Extensions[access_pb2.access]
    if rule.internal:
        return AccessRule(anonymous=False, roles=frozenset(), internal=True, callers=frozenset(rule.callers))
    return AccessRule(anonymous=rule.anonymous, roles=frozenset(rule.roles), internal=False)


def bearer_token(metadata) -> str | None:
    for key, value in metadata or ():
        if key == "authorization":
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token:
                return token.strip()
            return None
    return None


def authorize(rule: AccessRule, metadata, verifier: TokenVerifier | None,
              caller: str | None = None) -> Principal | None:
    """Returns the end user (None for anonymous calls without a token); raises when refused.

    `caller` is the calling service's identity proven by its mesh client certificate
    (services/platform/mesh_tls.py). Internal RPCs admit only the identities their rule lists,
    whatever token comes with the call; a token, when present, is still verified.
    """
    if rule.internal and caller not in rule.callers:
        who = f"service identity {caller!r}" if caller else "a caller without a mesh identity"
        allowed = ", ".join(sorted(rule.callers)) or "no one"
        raise PermissionDenied(f"internal method: {who} may not call it (allowed: {allowed})")
    token = bearer_token(metadata)
    if token is None:
        if rule.anonymous or rule.internal:
            return None
        raise Unauthenticated("missing bearer access token")
    if verifier is None:
        raise Unauthenticated("this service cannot verify tokens")
    principal = verifier.verify(token)
    if rule.roles and not principal.has_any_role(rule.roles):
        raise PermissionDenied(f"needs one of the roles {sorted(rule.roles)}")
    return principal
