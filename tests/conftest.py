"""Session fixtures: the real exchange (PostgreSQL, Kafka, Valkey, every service, Envoy), started
once by the same code as `tradex up`, in a temp directory, and stopped at the end."""
from __future__ import annotations

import os
import shutil
import tempfile
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
                                                  "TRADEX_MARKET_MAKER": "0"})
    mesh.start()
    try:
        yield mesh
    finally:
        mesh.stop()
        if not os.environ.get("TRADEX_KEEP_TEST_DATA"):
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def admins(exchange):
    """A maker and a checker created by the admin CLI, logged in through Envoy."""
    from mesh.seed import ensure_admins, login

    creds = ensure_admins(exchange.stack.database_url, exchange.root)
    return {
        role: {**creds[role], "token": login(exchange.http_url, creds[role]["email"], creds[role]["password"])}
        for role in ("maker", "checker")
    }
