import pytest

from services.auth.domain.credentials import check_password_policy, check_roles, normalize_email
from services.auth.domain.refresh_tokens import RefreshOutcome, TokenStatus, on_presented
from services.platform.errors import InvalidArgument


def test_email_is_normalised_and_checked():
    assert normalize_email("  Alice@Example.COM ") == "alice@example.com"
    for bad in ["", "alice", "alice@", "@example.com", "a b@example.com", "alice@example"]:
        with pytest.raises(InvalidArgument, match="email"):
            normalize_email(bad)


@pytest.mark.parametrize("password,message", [
    ("", "required"), ("short1!", "at least 12"), ("aaaaaaaaaaaa", "too simple"),
    ("onlyletterspassword", "mix"), ("x" * 40 + "é" * 20 + "1", "at most 72 bytes"),
])
def test_password_policy(password, message):
    with pytest.raises(InvalidArgument, match=message):
        check_password_policy(password)


def test_good_password_passes():
    check_password_policy("correct horse 42 battery")


def test_roles_must_be_known():
    assert check_roles(["admin:maker", "admin:maker"]) == ["admin:maker"]
    with pytest.raises(InvalidArgument):
        check_roles(["root"])
    with pytest.raises(InvalidArgument):
        check_roles([])


@pytest.mark.parametrize("status,expires,outcome", [
    (TokenStatus.ACTIVE, 2000, RefreshOutcome.ROTATE),
    (TokenStatus.ACTIVE, 1000, RefreshOutcome.EXPIRED),
    (TokenStatus.ROTATED, 2000, RefreshOutcome.REUSE_DETECTED),
    (TokenStatus.ROTATED, 1000, RefreshOutcome.REUSE_DETECTED),
    (TokenStatus.REVOKED, 2000, RefreshOutcome.REVOKED),
])
def test_refresh_transitions(status, expires, outcome):
    assert on_presented(status, expires, now_ms=1000) is outcome
