import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.platform.auth import AccessRule, TokenVerifier, access_rule_for, authorize
from services.platform.errors import PermissionDenied, Unauthenticated

ISSUER, AUDIENCE = "tradex-auth", "tradex"


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def verifier(key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", use="sig", alg="RS256")
    return TokenVerifier({"keys": [jwk]}, ISSUER, AUDIENCE)


def token(key, kid="k1", **overrides):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "acct-1", "iat": now, "nbf": now, "exp": now + 60,
              "roles": ["admin:maker"], "typ": "access"}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_valid_token_gives_principal(verifier, key):
    principal = verifier.verify(token(key))
    assert principal.subject == "acct-1" and principal.roles == {"admin:maker"}


# Times relative to when the test runs, not to when it was collected: in a long suite the unit
# tests run many minutes after collection, and a collected "now + 600" was then in the past.
@pytest.mark.parametrize("overrides,message", [
    (lambda now: {"iss": "someone-else"}, "rejected"),
    (lambda now: {"aud": "other"}, "rejected"),
    (lambda now: {"exp": now - 120}, "expired"),
    (lambda now: {"nbf": now + 600}, "rejected"),
    (lambda now: {"typ": "refresh"}, "not an access token"),
    (lambda now: {"exp": None}, "rejected"),
])
def test_bad_claims_are_refused(verifier, key, overrides, message):
    with pytest.raises(Unauthenticated, match=message):
        verifier.verify(token(key, **overrides(int(time.time()))))


def test_unknown_kid_is_refused(verifier, key):
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(token(key, kid="k2"))


def test_alg_none_and_hmac_are_refused(verifier):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "k1"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps({"sub": "x"}).encode()).rstrip(b"=")
    with pytest.raises(Unauthenticated, match="not accepted"):
        verifier.verify((header + b"." + body + b".").decode())
    hs = jwt.encode({"sub": "x"}, "secret-secret-secret-secret-secret!", algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(Unauthenticated, match="not accepted"):
        verifier.verify(hs)


def test_signature_from_another_key_is_refused(verifier):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthenticated):
        verifier.verify(token(other))


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _verifier_with_clock(key, clock) -> TokenVerifier:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", use="sig", alg="RS256")
    return TokenVerifier({"keys": [jwk]}, ISSUER, AUDIENCE, clock=clock)


def test_a_remembered_token_skips_the_signature_check_until_it_expires(key, monkeypatch):
    clock = _Clock()
    verifier = _verifier_with_clock(key, clock)
    now = int(clock.now)
    good = token(key, iat=now, nbf=now, exp=now + 60)
    first = verifier.verify(good)
    calls = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: calls.append(1) or real_decode(*a, **k))
    assert verifier.verify(good) == first and calls == []  # answered from what was verified
    clock.now = now + 60 + verifier.leeway_s - 1
    assert verifier.verify(good) == first  # inside the leeway, as jwt.decode would accept
    clock.now = now + 60 + verifier.leeway_s
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(good)
    with pytest.raises(Unauthenticated, match="expired"):  # and stays refused
        verifier.verify(good)


def test_a_token_differing_from_a_remembered_one_is_verified_afresh(verifier, key):
    good = token(key)
    verifier.verify(good)
    head, body, signature = good.split(".")
    forged_body = base64.urlsafe_b64encode(json.dumps({**json.loads(base64.urlsafe_b64decode(body + "==")),
                                                       "roles": ["admin:checker"]}).encode()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        verifier.verify(f"{head}.{forged_body}.{signature}")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(Unauthenticated):
        verifier.verify(f"{head}.{body}.{flipped}")


def test_the_remembered_tokens_are_bounded(key):
    verifier = _verifier_with_clock(key, _Clock())
    verifier.VERIFIED_CACHE_SIZE = 20
    for i in range(50):
        verifier.verify(token(key, sub=f"acct-{i}"))
    assert len(verifier._verified) <= 20


def test_access_rules_come_from_the_proto_option():
    import tradex.metadata.v1.metadata_pb2  # noqa: F401 - registers the service descriptors
    create = access_rule_for("/tradex.metadata.v1.MetadataService/CreateInstrument")
    assert create.roles == {"admin:maker"} and not create.anonymous and not create.internal
    assert access_rule_for("/tradex.metadata.v1.MetadataService/GetInstrument").anonymous
    assert access_rule_for("/tradex.nothing.v1.Nope/Call").internal


def test_authorize_enforces_roles(verifier, key):
    rule = AccessRule(anonymous=False, roles=frozenset({"admin:checker"}), internal=False)
    with pytest.raises(PermissionDenied, match="admin:checker"):
        authorize(rule, [("authorization", "Bearer " + token(key))], verifier)
    with pytest.raises(Unauthenticated, match="missing"):
        authorize(rule, [], verifier)
    ok = authorize(rule, [("authorization", "Bearer " + token(key, roles=["admin:checker"]))], verifier)
    assert ok.subject == "acct-1"
    anonymous = AccessRule(anonymous=True, roles=frozenset(), internal=False)
    assert authorize(anonymous, [], verifier) is None
