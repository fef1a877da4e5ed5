"""Who may call what inside the mesh: the guard's rule for internal RPCs and the one place a
client address is taken from a header."""
from __future__ import annotations

import pytest

from services.auth.api.servicer import client_info
from services.platform.auth import AccessRule, authorize
from services.platform.errors import PermissionDenied

INTERNAL = AccessRule(anonymous=False, roles=frozenset(), internal=True, callers=frozenset({"order"}))


class FakeContext:
    def __init__(self, identity: str | None, metadata=(), peer: str = "ipv4:127.0.0.1:5555") -> None:
        self._identity, self._metadata, self._peer = identity, metadata, peer

    def auth_context(self):
        return {"x509_common_name": [self._identity.encode()]} if self._identity else {}

    def invocation_metadata(self):
        return self._metadata

    def peer(self):
        return self._peer


def test_an_internal_rpc_admits_only_its_listed_callers():
    assert authorize(INTERNAL, (), None, caller="order") is None
    for caller in (None, "ops", "wallet", "envoy", "ORDER"):
        with pytest.raises(PermissionDenied, match="allowed: order"):
            authorize(INTERNAL, (), None, caller=caller)


def test_a_rule_without_callers_admits_no_one():
    closed = AccessRule(anonymous=False, roles=frozenset(), internal=True)
    with pytest.raises(PermissionDenied, match="allowed: no one"):
        authorize(closed, (), None, caller="ops")


def test_only_envoys_forwarded_address_is_believed():
    forwarded = (("x-forwarded-for", "6.6.6.6, 10.0.0.7"),)
    assert client_info(FakeContext("envoy", forwarded)).ip == "10.0.0.7"
    assert client_info(FakeContext("ops", forwarded)).ip == "127.0.0.1"
    assert client_info(FakeContext(None, forwarded)).ip == "127.0.0.1"
