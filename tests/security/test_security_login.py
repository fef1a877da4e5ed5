"""Issue 8 item 2, through Envoy on the real mesh: login does the same work for an unknown email as
for a wrong password, failed logins are limited per client address whatever the email (password
spraying), and a password longer than bcrypt's 72 bytes is a 400 naming the rule, never a 500.

Each test sends from loopback addresses of its own (tests/security/http_support.py), so the
per-address counters it exercises are not shared with other tests (which all come from 127.0.0.1).
"""
from __future__ import annotations

import random
import statistics
import time
import uuid

import bcrypt
import pytest

from services.auth.adapters.passwords import dummy_hash
from services.auth.domain.credentials import check_password_length
from services.platform.errors import InvalidArgument
from tests.security.http_support import call_from, fresh_address

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-secret-42"
FAILURES_PER_ADDRESS = 20  # AUTH_LOGIN_FAILURES_PER_IP's default, which the test mesh keeps


def _email() -> str:
    return f"sec-{uuid.uuid4().hex[:12]}@example.com"


def _signup(exchange, email: str) -> None:
    created = call_from(fresh_address(), exchange.http_url, "POST", "/v1/auth/signup",
                        {"email": email, "password": PASSWORD})
    assert created.status == 200, created.body


def _login(exchange, source: str, email: str, password: str):
    return call_from(source, exchange.http_url, "POST", "/v1/auth/login", {"email": email, "password": password})


def test_the_dummy_hash_has_the_configured_cost():
    for cost in (4, 12):
        assert dummy_hash(cost).startswith(f"$2b${cost:02d}$".encode())
        assert bcrypt.checkpw(b"tradex-timing-equaliser", dummy_hash(cost))
    assert dummy_hash(12) is dummy_hash(12)  # computed once


def test_password_length_is_counted_in_utf8_bytes():
    check_password_length("a" * 72)
    check_password_length("é" * 36)
    with pytest.raises(InvalidArgument, match="at most 72 bytes"):
        check_password_length("é" * 37)


def test_login_costs_the_same_for_an_unknown_email_and_a_wrong_password(exchange):
    """Medians of interleaved samples (random order within each pair), through Envoy and Auth: the
    ratio stays within 0.5-2x. A new source address and a new known account every few pairs keep
    each under the per-address failure limit and the per-email attempt limit."""
    unknown, wrong = [], []
    pairs = 30
    for i in range(pairs):
        if i % 8 == 0:
            source = fresh_address()
            known = _email()
            _signup(exchange, known)
        attempts = [("unknown", _email()), ("wrong", known)]
        random.shuffle(attempts)
        for kind, email in attempts:
            started = time.perf_counter()
            response = _login(exchange, source, email, "wrong-password-42")
            elapsed = time.perf_counter() - started
            assert response.status == 401, response.body
            (unknown if kind == "unknown" else wrong).append(elapsed)
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.5 <= ratio <= 2.0, (ratio, statistics.median(unknown), statistics.median(wrong))


def test_password_spraying_from_one_address_is_stopped_whatever_the_emails(exchange):
    victims = [_email() for _ in range(5)]
    for victim in victims:
        _signup(exchange, victim)
    sprayer = fresh_address()
    targets = victims + [_email() for _ in range(FAILURES_PER_ADDRESS - len(victims))]
    statuses = [_login(exchange, sprayer, email, "Spring2026!!x").status for email in targets]
    assert statuses == [401] * FAILURES_PER_ADDRESS
    refused = _login(exchange, sprayer, _email(), "Spring2026!!x")
    assert refused.status == 429 and "failed logins" in refused.body["message"], refused.body
    # Even the right password is refused from that address now; from another address it works.
    assert _login(exchange, sprayer, victims[0], PASSWORD).status == 429
    assert _login(exchange, fresh_address(), victims[0], PASSWORD).status == 200


def test_successful_logins_do_not_count_as_failures(exchange):
    source = fresh_address()
    for _ in range(5):  # five accounts, five logins each: under the per-email attempt limit
        email = _email()
        _signup(exchange, email)
        for _ in range(5):
            assert _login(exchange, source, email, PASSWORD).status == 200
    # Past the failure limit in attempts, yet the address may still fail (and is still counted).
    assert _login(exchange, source, _email(), "wrong-password-42").status == 401


@pytest.mark.parametrize("password", ["x1" * 37, "pässwörd-" * 8, "🔑" * 19])
def test_a_password_over_72_bytes_is_400_at_login_and_at_signup(exchange, password):
    assert len(password.encode()) > 72
    email = _email()
    _signup(exchange, email)
    for path, address in (("/v1/auth/login", email), ("/v1/auth/login", _email()), ("/v1/auth/signup", _email())):
        response = call_from(fresh_address(), exchange.http_url, "POST", path,
                             {"email": address, "password": password})
        assert response.status == 400, (path, response.status, response.body)
        assert "password must be at most 72 bytes" in response.body["message"]


def test_signup_says_an_email_is_taken_as_documented_but_probing_one_email_is_rate_limited(exchange):
    """AuthService.Signup's contract: a taken email is ALREADY_EXISTS (409), rate-limited per address
    and per email (5 a minute per email by default, which the test mesh keeps)."""
    email = _email()
    _signup(exchange, email)
    source = fresh_address()
    statuses = []
    for _ in range(12):  # a fixed one-minute window may roll over once meanwhile
        statuses.append(call_from(source, exchange.http_url, "POST", "/v1/auth/signup",
                                  {"email": email, "password": PASSWORD}).status)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {409} and len(statuses) >= 5, statuses


@pytest.mark.parametrize("email", ["nul\x00@example.com", "a" * 250 + "@example.com"])
def test_an_email_no_account_can_have_is_400_not_500(exchange, email):
    response = call_from(fresh_address(), exchange.http_url, "POST", "/v1/auth/login",
                         {"email": email, "password": PASSWORD})
    assert response.status == 400 and "email" in response.body["message"], response.body
