"""The SDK's public names are pinned, and every public RPC of the descriptor set is reachable
through a namespace of `Client` / `AsyncClient` (the same classes serve both)."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import tradex_sdk
from tradex_proto import DESCRIPTOR_SET_PATH
from tradex_sdk import api

from gateway.envoy_config import read_method_access

PUBLIC_NAMES = [
    "AlreadyExistsError", "AsyncBookStream", "AsyncClient", "BookLevel", "BookResyncError", "BookStream",
    "BookUpdate", "Client", "Conflict", "ConflictError", "FailedPreconditionError", "FloatRefused",
    "InsufficientMargin", "InvalidArgumentError", "InvalidOrder", "LocalBook", "NotFound", "NotFoundError",
    "PermissionDenied", "PermissionDeniedError", "RateLimited", "RateLimitedError", "Resync", "RetryPolicy",
    "Session", "TradexError", "Unauthenticated", "UnauthenticatedError", "UnavailableError", "checksum", "to_model",
]

NAMESPACES = {
    "auth": ["jwks", "login", "logout", "me", "refresh", "signup"],
    "orders": ["amend", "cancel", "cancel_all", "fills", "get", "list", "place", "stream_updates"],
    "positions": ["account_risk", "liquidation_receipt", "list", "set_leverage", "stream_updates"],
    "wallet": ["balances", "deposit", "deposits", "get_deposit", "ledger", "stream_balances"],
    "market_data": ["book", "candles", "funding", "funding_history", "index", "instrument", "instruments",
                    "insurance_fund", "mark", "stream_book", "stream_candles", "stream_funding", "stream_index",
                    "stream_mark", "stream_ticker", "stream_trades", "ticker", "tickers", "trades"],
    "funding": ["my_statement_lines", "payments", "statement"],
    "users": ["kyc_tiers"],
    "admin": ["approve_instrument", "approve_kyc_tier", "create_instrument", "funding_cycle", "funding_cycles",
              "funding_settlements", "get_user", "kyc_tier_requests", "reject_instrument", "reject_kyc_tier",
              "request_kyc_tier", "seal_funding_cycle", "set_account_status", "settlement_record",
              "settlement_records"],
}

# The first, flat surface (mesh/market_maker.py and older callers use it).
LEGACY_METHODS = ["balances", "cancel_order", "close", "create_deposit", "get_index_price", "get_instrument",
                  "get_mark_price", "get_order", "list_fills", "list_instruments", "list_open_orders", "login",
                  "place_order", "refresh", "set_access_token", "signup"]

# Public RPCs the SDK does not wrap, and why.
NOT_WRAPPED = {
    "/tradex.wallet.v1.WalletService/ConfirmDeposit": "the payment rail's signed webhook, not a client call",
}


def test_public_names_are_pinned():
    assert sorted(tradex_sdk.__all__) == sorted(PUBLIC_NAMES)
    for name in PUBLIC_NAMES:
        assert getattr(tradex_sdk, name).__doc__, f"{name} has no docstring"


def test_namespaces_are_the_same_on_both_clients():
    for name, methods in NAMESPACES.items():
        cls = getattr(api, "".join(part.title() for part in name.split("_")))
        public = sorted(m for m, _ in inspect.getmembers(cls, inspect.isfunction) if not m.startswith("_"))
        assert public == sorted(methods), name
        for method in methods:
            assert getattr(cls, method).__doc__ or name in ("admin", "funding", "market_data", "wallet", "users"), \
                f"{name}.{method} has no docstring"
    for client in (tradex_sdk.Client, tradex_sdk.AsyncClient):
        source = inspect.getsource(client.__init__)
        for name in NAMESPACES:
            assert f"self.{name} = api." in source, (client.__name__, name)
    for method in LEGACY_METHODS:
        assert callable(getattr(tradex_sdk.Client, method)), method


def test_every_public_rpc_is_wrapped():
    public = {m for m, access in read_method_access(DESCRIPTOR_SET_PATH).items() if not access.internal}
    source = Path(api.__file__).read_text()
    prefixes = dict(re.findall(r'^(_[A-Z]+) = "(/[\w.]+/)"$', source, re.M))
    wrapped = {prefixes[p] + name for p, name in re.findall(r'\b(_[A-Z]+) \+ "(\w+)"', source)}
    assert public - wrapped == set(NOT_WRAPPED), sorted(public - wrapped - set(NOT_WRAPPED))
    assert wrapped <= public
