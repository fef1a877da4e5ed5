"""Demo data for `make up`, created through the real flows: two admins (a maker and a
checker) by the admin CLI, then instruments proposed and approved through Envoy's REST API."""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
from pathlib import Path

from mesh.rest import call
from services.auth.admin import create as create_account
from services.platform.errors import AlreadyExists

log = logging.getLogger(__name__)

DEMO_INSTRUMENTS = [
    {"symbol": "BTC-USDT-PERP", "base_asset": "BTC", "quote_asset": "USDT", "tick_size": "0.1",
     "lot_size": "0.001", "min_notional": "5", "max_leverage": "50", "maintenance_margin_rate": "0.005",
     "maker_fee_rate": "0.0002", "taker_fee_rate": "0.0005", "price_band_rate": "0.05",
     "max_order_quantity": "100",
     "index_sources": [{"exchange": "binance", "symbol": "BTC/USDT", "weight": "0.4"},
                       {"exchange": "okx", "symbol": "BTC/USDT", "weight": "0.3"},
                       {"exchange": "kraken", "symbol": "BTC/USDT", "weight": "0.3"},
                       {"exchange": "coinbase", "symbol": "BTC/USDT", "weight": "0.2"}]},
    {"symbol": "ETH-USDT-PERP", "base_asset": "ETH", "quote_asset": "USDT", "tick_size": "0.01",
     "lot_size": "0.01", "min_notional": "5", "max_leverage": "50", "maintenance_margin_rate": "0.005",
     "maker_fee_rate": "0.0002", "taker_fee_rate": "0.0005", "price_band_rate": "0.05",
     "max_order_quantity": "1000",
     "index_sources": [{"exchange": "binance", "symbol": "ETH/USDT", "weight": "0.5"},
                       {"exchange": "okx", "symbol": "ETH/USDT", "weight": "0.5"},
                       {"exchange": "kraken", "symbol": "ETH/USDT", "weight": "0.3"}]},
    {"symbol": "BTC-INR-PERP", "base_asset": "BTC", "quote_asset": "INR", "tick_size": "1",
     "lot_size": "0.001", "min_notional": "500", "max_leverage": "20", "maintenance_margin_rate": "0.01",
     "maker_fee_rate": "0.0002", "taker_fee_rate": "0.0005", "price_band_rate": "0.05",
     "max_order_quantity": "50",
     # Composed (docs/PRICES.md): BTC/USDT x USDT/INR. The USDT/INR venues here are the ones the
     # local spot simulator answers for; a real deployment names venues that list USDT/INR.
     "index_sources": [{"exchange": "binance", "symbol": "BTC/USDT", "weight": "0.4"},
                       {"exchange": "okx", "symbol": "BTC/USDT", "weight": "0.3"},
                       {"exchange": "kraken", "symbol": "BTC/USDT", "weight": "0.3"},
                       {"exchange": "binance", "symbol": "USDT/INR", "weight": "0.5"},
                       {"exchange": "okx", "symbol": "USDT/INR", "weight": "0.3"},
                       {"exchange": "kraken", "symbol": "USDT/INR", "weight": "0.2"}]},
]


def admin_credentials(root: Path) -> dict:
    """Demo admin logins, generated once and kept (0600) under the data directory."""
    path = root / "admin-credentials.json"
    if path.exists():
        return json.loads(path.read_text())
    creds = {
        "maker": {"email": "maker@tradex.local", "password": "Maker-" + secrets.token_urlsafe(12)},
        "checker": {"email": "checker@tradex.local", "password": "Checker-" + secrets.token_urlsafe(12)},
    }
    path.write_text(json.dumps(creds, indent=1))
    path.chmod(0o600)
    return creds


def ensure_admins(database_url: str, root: Path) -> dict:
    creds = admin_credentials(root)
    for role, login in (("admin:maker", creds["maker"]), ("admin:checker", creds["checker"])):
        try:
            asyncio.run(create_account(database_url, login["email"], login["password"], [role]))
        except AlreadyExists:
            pass
    return creds


def login(base_url: str, email: str, password: str) -> str:
    response = call(base_url, "POST", "/v1/auth/login", {"email": email, "password": password})
    if not response.ok():
        raise RuntimeError(f"login of {email} failed: {response.status} {response.body}")
    return response.body["tokens"]["access_token"]


def seed_instruments(base_url: str, maker_token: str, checker_token: str, instruments=DEMO_INSTRUMENTS) -> list[str]:
    active = []
    for spec in instruments:
        created = call(base_url, "POST", "/v1/instruments", {"instrument": spec}, maker_token)
        if not created.ok():
            raise RuntimeError(f"creating {spec['symbol']} failed: {created.status} {created.body}")
        if created.body["instrument"]["status"] == "INSTRUMENT_STATUS_PENDING":
            approved = call(base_url, "POST", f"/v1/instruments/{spec['symbol']}/approve", {}, checker_token)
            if not approved.ok():
                raise RuntimeError(f"approving {spec['symbol']} failed: {approved.status} {approved.body}")
        active.append(spec["symbol"])
    return active


def seed(base_url: str, database_url: str, root: Path) -> dict:
    creds = ensure_admins(database_url, root)
    maker = login(base_url, creds["maker"]["email"], creds["maker"]["password"])
    checker = login(base_url, creds["checker"]["email"], creds["checker"]["password"])
    symbols = seed_instruments(base_url, maker, checker)
    log.info("seeded instruments %s", ", ".join(symbols))
    return {"admins": creds, "instruments": symbols}
