"""Session fixtures: the real exchange (PostgreSQL, Kafka, Valkey, every service, Envoy), started
once by the same code as `tradex up`, in a temp directory, and stopped at the end."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from mesh.exchange import Exchange


@pytest.fixture(scope="session")
def exchange():
    root = Path(tempfile.mkdtemp(prefix="tradex-test-"))
    # Cheaper bcrypt in tests only: production cost is asserted in the auth tests.
    # Every test client shares 127.0.0.1, so the per-address limits are lifted; the per-email ones
    # stay at their defaults and are what the auth tests exercise.
    mesh = Exchange(root, http_port=0, extra_env={"AUTH_BCRYPT_COST": "4", "AUTH_LOGIN_LIMIT_PER_IP": "100000",
                                                  "AUTH_SIGNUP_LIMIT_PER_IP": "100000",
                                                  # Prices (tests/e2e/test_prices.py): faster mark samples and
                                                  # staleness than the production defaults.
                                                  "PRICING_SAMPLE_INTERVAL_S": "1", "PRICING_STALE_AFTER_S": "3",
                                                  # The demo market maker's quotes would trade with the tests.
                                                  "TRADEX_MARKET_MAKER": "0",
                                                  # Tests wait for Risk's rows as the sign it applied an event:
                                                  # checkpoints 5x a second instead of once.
                                                  "RISK_CHECKPOINT_INTERVAL_S": "0.2"})
    mesh.start()
    try:
        yield mesh
    finally:
        mesh.stop()
        if not os.environ.get("TRADEX_KEEP_TEST_DATA"):
            shutil.rmtree(root, ignore_errors=True)


class _Admin(dict):
    """An admin's credentials; its "token" is logged in afresh once it is 10 minutes old. The
    session outlives a 15-minute access token when the machine is slow, and every test after
    that would fail UNAUTHENTICATED for a reason that is not theirs."""

    FRESH_S = 600

    def __init__(self, http_url: str, creds: dict) -> None:
        super().__init__(creds)
        self._http_url = http_url
        self._logged_in_at = float("-inf")

    def __getitem__(self, key):
        if key == "token" and time.monotonic() - self._logged_in_at > self.FRESH_S:
            from mesh.seed import login

            self["token"] = login(self._http_url, self["email"], self["password"])
            self._logged_in_at = time.monotonic()
        return super().__getitem__(key)


@pytest.fixture(scope="session")
def admins(exchange):
    """A maker and a checker created by the admin CLI, logged in through Envoy."""
    from mesh.seed import ensure_admins

    creds = ensure_admins(exchange.stack.database_url, exchange.root)
    return {role: _Admin(exchange.http_url, creds[role]) for role in ("maker", "checker")}
