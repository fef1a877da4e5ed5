"""The namespaces of `Client` and `AsyncClient`: one surface for both.

Each method builds its request and returns what the transport makes of it: the value itself on
`Client`, an awaitable on `AsyncClient` (streams: an iterator, or an async iterator). Results
are frozen dataclasses from `tradex_sdk.models` (Decimal, enums), never protobuf.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tradex.auth.v1 import auth_pb2
from tradex.common.v1 import trading_pb2
from tradex.funding.v1 import funding_pb2
from tradex.marketdata.v1 import marketdata_pb2
from tradex.metadata.v1 import metadata_pb2
from tradex.order.v1 import order_pb2
from tradex.position.v1 import position_pb2
from tradex.risk.v1 import risk_pb2
from tradex.settlement.v1 import settlement_pb2
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import wallet_pb2

from tradex_sdk._core import Call, Money, choice, field_of, message_class, money, new_key, whole
from tradex_sdk.book import Resync
from tradex_sdk.models import to_model

__all__ = ["Admin", "Auth", "Funding", "MarketData", "Orders", "Positions", "Users", "Wallet"]

_AUTH = "/tradex.auth.v1.AuthService/"
_ORDER = "/tradex.order.v1.OrderService/"
_POS = "/tradex.position.v1.PositionService/"
_RISK = "/tradex.risk.v1.RiskService/"
_WALLET = "/tradex.wallet.v1.WalletService/"
_MD = "/tradex.marketdata.v1.MarketDataService/"
_META = "/tradex.metadata.v1.MetadataService/"
_USER = "/tradex.user.v1.UserService/"
_FUND = "/tradex.funding.v1.FundingService/"
_SETTLE = "/tradex.settlement.v1.SettlementService/"


class _Namespace:
    def __init__(self, transport) -> None:
        self._t = transport

    def _run(self, call: Call):
        return self._t.run(call)


class Auth(_Namespace):
    """Sign-up, login, token refresh (automatic before expiry), logout."""

    def _keep(self, response):
        self._t.session.keep(response.tokens)
        return to_model(response.tokens)

    def signup(self, email: str, password: str):
        """Creates a trader account and signs this client in; returns the `TokenPair`."""
        return self._run(Call(_AUTH + "Signup", auth_pb2.SignupRequest(email=email, password=password), self._keep))

    def login(self, email: str, password: str):
        """Signs in; the client keeps the tokens and refreshes them before they expire."""
        return self._run(Call(_AUTH + "Login", auth_pb2.LoginRequest(email=email, password=password), self._keep))

    def refresh(self):
        """Rotates the session now (the previous refresh token stops working)."""
        return self._run(Call(_AUTH + "Refresh", auth_pb2.RefreshRequest(
            refresh_token=self._t.session.refresh_token or ""), self._keep))

    def logout(self, all_sessions: bool = False):
        """Revokes this session (or all the user's sessions) and forgets the tokens."""
        def forget(_response):
            self._t.session.clear()
        return self._run(Call(_AUTH + "Logout", auth_pb2.LogoutRequest(
            refresh_token=self._t.session.refresh_token or "", all_sessions=all_sessions), forget))

    def jwks(self):
        """The public keys access tokens are signed with."""
        return self._run(Call(_AUTH + "GetJwks", auth_pb2.GetJwksRequest(), whole, retry=True))

    def me(self):
        """The signed-in user and their KYC tier limits."""
        return self._run(Call(_USER + "GetMe", user_pb2.GetMeRequest(), whole, retry=True))


class Orders(_Namespace):
    """Place, amend, cancel, read and stream the caller's orders and fills."""

    def place(self, symbol: str, side, quantity: Money, *, price: Money | None = None, order_type="LIMIT",
              time_in_force=None, reduce_only: bool = False, client_order_id: str | None = None, **extra: Any):
        """Places an order; returns the `Order`.

        `side` "BUY"/"SELL" (or `Side` members); `order_type` "LIMIT"/"MARKET"; `time_in_force`
        defaults to GTC for limit orders and IOC for market orders. `client_order_id` is the
        idempotency key: generated once here when not given, and reused by every retry, so a
        retried placement returns the original order."""
        kind = choice("order_type", trading_pb2.OrderType, order_type, "ORDER_TYPE")
        if time_in_force is None:
            time_in_force = "IOC" if kind == trading_pb2.ORDER_TYPE_MARKET else "GTC"
        request = order_pb2.PlaceOrderRequest(
            symbol=symbol, side=choice("side", trading_pb2.Side, side, "SIDE"), order_type=kind,
            time_in_force=choice("time_in_force", trading_pb2.TimeInForce, time_in_force, "TIME_IN_FORCE"),
            price=money("price", price), quantity=money("quantity", quantity), reduce_only=reduce_only,
            client_order_id=client_order_id or new_key(), **extra)
        return self._run(Call(_ORDER + "PlaceOrder", request, field_of("order"), retry=True))

    def amend(self, order_id: str, *, price: Money | None = None, quantity: Money | None = None):
        """Changes an open order's price and/or total quantity (repeating it is harmless)."""
        request = order_pb2.AmendOrderRequest(order_id=order_id, price=money("price", price),
                                              quantity=money("quantity", quantity))
        return self._run(Call(_ORDER + "AmendOrder", request, field_of("order"), retry=True))

    def cancel(self, order_id: str):
        """Requests the cancellation of one open order (repeating it is harmless)."""
        return self._run(Call(_ORDER + "CancelOrder", order_pb2.CancelOrderRequest(order_id=order_id),
                              field_of("order"), retry=True))

    def cancel_all(self, symbol: str = ""):
        """Cancels all open orders (of one symbol if given); returns the cancelled order ids."""
        return self._run(Call(_ORDER + "CancelAllOrders", order_pb2.CancelAllOrdersRequest(symbol=symbol),
                              lambda r: tuple(r.order_ids), retry=True))

    def get(self, order_id: str):
        """One of the caller's orders, in any status."""
        return self._run(Call(_ORDER + "GetOrder", order_pb2.GetOrderRequest(order_id=order_id),
                              field_of("order"), retry=True))

    def list(self, symbol: str = "", *, state="OPEN", client_order_id: str = "", start_unix_ms: int = 0,
             end_unix_ms: int = 0, limit: int | None = None):
        """The caller's orders, newest first; `state` "OPEN", "CLOSED" or "ALL". Pages through
        the results (up to `limit`)."""
        request = order_pb2.ListOrdersRequest(
            symbol=symbol, state=0 if str(state).upper() == "ALL" else
            choice("state", order_pb2.OrderStateFilter, state, "ORDER_STATE_FILTER"),
            client_order_id=client_order_id, start_unix_ms=start_unix_ms, end_unix_ms=end_unix_ms)
        return self._run(Call(_ORDER + "ListOrders", request, None, retry=True, pages="orders", limit=limit))

    def fills(self, symbol: str = "", *, order_id: str = "", start_unix_ms: int = 0, end_unix_ms: int = 0,
              limit: int | None = None):
        """The caller's fills, newest first."""
        request = order_pb2.ListFillsRequest(symbol=symbol, order_id=order_id, start_unix_ms=start_unix_ms,
                                             end_unix_ms=end_unix_ms)
        return self._run(Call(_ORDER + "ListFills", request, None, retry=True, pages="fills", limit=limit))

    def stream_updates(self, symbol: str = ""):
        """The caller's order changes and fills as they happen: `StreamOrderUpdatesResponse`
        models with `.order` or `.fill` set."""
        return self._t.stream(_ORDER + "StreamOrderUpdates", order_pb2.StreamOrderUpdatesRequest(symbol=symbol))


class Positions(_Namespace):
    """Open positions, account risk, leverage."""

    def list(self, symbol: str = ""):
        """The caller's positions."""
        return self._run(Call(_POS + "ListPositions", position_pb2.ListPositionsRequest(symbol=symbol),
                              lambda r: tuple(to_model(p) for p in r.positions), retry=True))

    def set_leverage(self, symbol: str, leverage: Money):
        """Sets the leverage used for new orders on `symbol`."""
        request = risk_pb2.SetLeverageRequest(symbol=symbol, leverage=money("leverage", leverage))
        return self._run(Call(_RISK + "SetLeverage", request, whole, retry=True))

    def liquidation_receipt(self, liquidation_id: str):
        """The caller's receipt of one of their liquidations (every input and step)."""
        request = message_class("tradex.settlement.v1.GetLiquidationReceiptRequest")(liquidation_id=liquidation_id)
        return self._run(Call(_SETTLE + "GetLiquidationReceipt", request, field_of("receipt"), retry=True))

    def account_risk(self):
        """Margin, equity and liquidation figures of the caller's account(s)."""
        return self._run(Call(_RISK + "GetAccountRisk", risk_pb2.GetAccountRiskRequest(),
                              lambda r: tuple(to_model(a) for a in r.accounts), retry=True))

    def stream_updates(self, symbol: str = ""):
        """The caller's position changes as they happen: `StreamPositionUpdatesResponse` models
        (`.position` after the change, `.closed`, `.trade_id`, `.realized_pnl`). From now on only:
        catch up with `list()` and keep the highest `position.version` per symbol."""
        return self._t.stream(_POS + "StreamPositionUpdates",
                              position_pb2.StreamPositionUpdatesRequest(symbol=symbol))


class Wallet(_Namespace):
    """Balances, deposits (through the payment rail) and the ledger."""

    def balances(self):
        """The caller's balance per asset."""
        return self._run(Call(_WALLET + "ListBalances", wallet_pb2.ListBalancesRequest(),
                              lambda r: tuple(to_model(b) for b in r.balances), retry=True))

    def deposit(self, asset: str, amount: Money, *, client_request_id: str | None = None):
        """Starts a deposit through the payment rail; the balance grows once the rail confirms.
        `client_request_id` is the idempotency key (generated once here, reused by retries)."""
        request = wallet_pb2.CreateDepositRequest(asset=asset, amount=money("amount", amount),
                                                  client_request_id=client_request_id or new_key())
        return self._run(Call(_WALLET + "CreateDeposit", request, field_of("deposit"), retry=True))

    def stream_balances(self, asset: str = ""):
        """The caller's balance changes as they happen: `StreamBalanceUpdatesResponse` models
        (`.balance` after the change, the journal entry's `.kind` and `.reference_id`). From now
        on only: catch up with `balances()` and keep the highest `balance.version` per asset."""
        return self._t.stream(_WALLET + "StreamBalanceUpdates", wallet_pb2.StreamBalanceUpdatesRequest(asset=asset))

    def get_deposit(self, deposit_id: str):
        return self._run(Call(_WALLET + "GetDeposit", wallet_pb2.GetDepositRequest(deposit_id=deposit_id),
                              field_of("deposit"), retry=True))

    def deposits(self, asset: str = "", *, status=None, limit: int | None = None):
        """The caller's deposits, newest first."""
        request = wallet_pb2.ListDepositsRequest(
            asset=asset, status=choice("status", wallet_pb2.DepositStatus, status, "DEPOSIT_STATUS"))
        return self._run(Call(_WALLET + "ListDeposits", request, None, retry=True, pages="deposits", limit=limit))

    def ledger(self, asset: str = "", *, kind=None, start_unix_ms: int = 0, end_unix_ms: int = 0,
               limit: int | None = None):
        """The caller's ledger entries, newest first."""
        request = wallet_pb2.ListLedgerEntriesRequest(
            asset=asset, kind=choice("kind", wallet_pb2.JournalEntryKind, kind, "JOURNAL_ENTRY_KIND"),
            start_unix_ms=start_unix_ms, end_unix_ms=end_unix_ms)
        return self._run(Call(_WALLET + "ListLedgerEntries", request, None, retry=True, pages="entries",
                              limit=limit))


class MarketData(_Namespace):
    """Public market data (no sign-in needed): books, trades, candles, tickers, prices, funding,
    and streams. `stream_book` keeps a verified local book (see `tradex_sdk.book`)."""

    def instrument(self, symbol: str):
        return self._run(Call(_META + "GetInstrument", metadata_pb2.GetInstrumentRequest(symbol=symbol),
                              field_of("instrument"), retry=True))

    def instruments(self, *, limit: int | None = None):
        return self._run(Call(_META + "ListInstruments", metadata_pb2.ListInstrumentsRequest(), None, retry=True,
                              pages="instruments", limit=limit))

    def book(self, symbol: str, depth: int = 0):
        """The current `OrderBook` (best first, with its engine_seq and checksum)."""
        return self._run(Call(_MD + "GetOrderBook", marketdata_pb2.GetOrderBookRequest(symbol=symbol, depth=depth),
                              field_of("book"), retry=True))

    def trades(self, symbol: str, *, limit: int | None = 100):
        """Recent public trades, newest first."""
        return self._run(Call(_MD + "ListTrades", marketdata_pb2.ListTradesRequest(symbol=symbol), None, retry=True,
                              pages="trades", limit=limit))

    def candles(self, symbol: str, interval="1m", *, start_unix_ms: int = 0, end_unix_ms: int = 0,
                limit: int | None = 500):
        """OHLCV bars; `interval` "1m" "5m" "15m" "1h" "4h" "1d" or a `CandleInterval`."""
        request = marketdata_pb2.ListCandlesRequest(
            symbol=symbol, interval=_interval(interval), start_unix_ms=start_unix_ms, end_unix_ms=end_unix_ms)
        return self._run(Call(_MD + "ListCandles", request, None, retry=True, pages="candles", limit=limit))

    def ticker(self, symbol: str):
        return self._run(Call(_MD + "GetTicker", marketdata_pb2.GetTickerRequest(symbol=symbol),
                              field_of("ticker"), retry=True))

    def tickers(self):
        return self._run(Call(_MD + "ListTickers", marketdata_pb2.ListTickersRequest(),
                              lambda r: tuple(to_model(t) for t in r.tickers), retry=True))

    def index(self, symbol: str):
        """The index price with its per-venue components."""
        return self._run(Call(_MD + "GetIndexPrice", marketdata_pb2.GetIndexPriceRequest(symbol=symbol),
                              field_of("index_price"), retry=True))

    def mark(self, symbol: str):
        return self._run(Call(_MD + "GetMarkPrice", marketdata_pb2.GetMarkPriceRequest(symbol=symbol),
                              field_of("mark_price"), retry=True))

    def funding(self, symbol: str):
        """The current (estimated) funding rate."""
        return self._run(Call(_FUND + "GetFundingRate", funding_pb2.GetFundingRateRequest(symbol=symbol),
                              field_of("funding_rate"), retry=True))

    def funding_history(self, symbol: str, *, limit: int | None = 100):
        return self._run(Call(_FUND + "ListFundingRateHistory",
                              funding_pb2.ListFundingRateHistoryRequest(symbol=symbol), None, retry=True,
                              pages=_repeated_field(funding_pb2.ListFundingRateHistoryResponse), limit=limit))

    def insurance_fund(self):
        return self._run(Call(_SETTLE + "GetInsuranceFund", settlement_pb2.GetInsuranceFundRequest(), whole,
                              retry=True))

    def stream_book(self, symbol: str, depth: int = 0, *, on_resync: Callable[[Resync], Any] | None = None,
                    max_resyncs: int = 5):
        """A stream of verified `BookUpdate`s: the local book is rebuilt from the snapshot and
        deltas, each checked for sequence continuity and CRC32_TOP25_V1; on a gap or checksum
        mismatch it re-subscribes by itself, reports a `Resync` (to `on_resync` and the
        stream's `.resyncs`) and goes on. `max_resyncs` in a row without a verified book raise
        `BookResyncError`. `depth` 0 (whole book) or >= 25 verifies checksums."""
        return self._t.book_stream(_MD + "StreamOrderBook", symbol, depth, on_resync, max_resyncs)

    def stream_trades(self, symbol: str):
        return self._t.stream(_MD + "StreamTrades", marketdata_pb2.StreamTradesRequest(symbol=symbol),
                              field_of("trade"))

    def stream_ticker(self, symbol: str):
        return self._t.stream(_MD + "StreamTicker", marketdata_pb2.StreamTickerRequest(symbol=symbol),
                              field_of("ticker"))

    def stream_candles(self, symbol: str, interval="1m"):
        return self._t.stream(_MD + "StreamCandles", marketdata_pb2.StreamCandlesRequest(
            symbol=symbol, interval=_interval(interval)), field_of("candle"))

    def stream_index(self, symbol: str):
        """`IndexPrice` models: the latest the service holds, then every newer one."""
        return self._t.stream(_MD + "StreamIndexPrice", marketdata_pb2.StreamIndexPriceRequest(symbol=symbol),
                              field_of("index_price"))

    def stream_mark(self, symbol: str):
        """`MarkPrice` models: the latest the service holds, then every newer one."""
        return self._t.stream(_MD + "StreamMarkPrice", marketdata_pb2.StreamMarkPriceRequest(symbol=symbol),
                              field_of("mark_price"))

    def stream_funding(self, symbol: str):
        """`FundingRateEstimate` models (the estimate of the next rate): the latest, then every newer one."""
        return self._t.stream(_MD + "StreamFundingRate", marketdata_pb2.StreamFundingRateRequest(symbol=symbol),
                              field_of("funding_rate"))


class Funding(_Namespace):
    """The caller's funding payments and statements."""

    def payments(self, symbol: str = "", *, limit: int | None = None):
        return self._run(Call(_FUND + "ListFundingPayments", funding_pb2.ListFundingPaymentsRequest(symbol=symbol),
                              None, retry=True, pages="payments", limit=limit))

    def statement(self, cycle_id: str):
        return self._run(Call(_FUND + "GetFundingStatement", funding_pb2.GetFundingStatementRequest(
            cycle_id=cycle_id), whole, retry=True))

    def my_statement_lines(self, cycle_id: str):
        return self._run(Call(_FUND + "GetMyFundingStatementLines", funding_pb2.GetMyFundingStatementLinesRequest(
            cycle_id=cycle_id), whole, retry=True))


class Users(_Namespace):
    """KYC tiers (public)."""

    def kyc_tiers(self):
        return self._run(Call(_USER + "GetKycTierLimits", user_pb2.GetKycTierLimitsRequest(),
                              lambda r: tuple(to_model(t) for t in r.tiers), retry=True))


class Admin(_Namespace):
    """Maker/checker operations: instruments, KYC tier changes, account status, funding cycles,
    settlement records. Needs an admin token (`admin:maker` / `admin:checker`)."""

    def create_instrument(self, **instrument: Any):
        """Proposes an instrument (maker). Fields as in `tradex.metadata.v1.Instrument`; decimals as
        Decimal or str."""
        spec = {k: (money(k, v) if isinstance(v, Decimal | float) else v) for k, v in instrument.items()}
        request = metadata_pb2.CreateInstrumentRequest(instrument=metadata_pb2.Instrument(**spec))
        return self._run(Call(_META + "CreateInstrument", request, field_of("instrument")))

    def approve_instrument(self, symbol: str):
        return self._run(Call(_META + "ApproveInstrument", metadata_pb2.ApproveInstrumentRequest(symbol=symbol),
                              field_of("instrument"), retry=True))

    def reject_instrument(self, symbol: str, reason: str):
        return self._run(Call(_META + "RejectInstrument", metadata_pb2.RejectInstrumentRequest(
            symbol=symbol, reason=reason), field_of("instrument"), retry=True))

    def get_user(self, user_id: str):
        return self._run(Call(_USER + "GetUser", user_pb2.GetUserRequest(user_id=user_id), whole, retry=True))

    def request_kyc_tier(self, user_id: str, to_tier: int, reason: str):
        return self._run(Call(_USER + "RequestKycTierChange", user_pb2.RequestKycTierChangeRequest(
            user_id=user_id, to_tier=to_tier, reason=reason), field_of("request")))

    def approve_kyc_tier(self, request_id: str):
        return self._run(Call(_USER + "ApproveKycTierChange", user_pb2.ApproveKycTierChangeRequest(
            request_id=request_id), whole, retry=True))

    def reject_kyc_tier(self, request_id: str, reason: str):
        return self._run(Call(_USER + "RejectKycTierChange", user_pb2.RejectKycTierChangeRequest(
            request_id=request_id, reason=reason), whole, retry=True))

    def kyc_tier_requests(self, *, status=None, user_id: str = "", limit: int | None = None):
        request = user_pb2.ListKycTierChangeRequestsRequest(
            status=choice("status", user_pb2.KycTierChangeStatus, status, "KYC_TIER_CHANGE_STATUS"), user_id=user_id)
        return self._run(Call(_USER + "ListKycTierChangeRequests", request, None, retry=True,
                              pages=_repeated_field(user_pb2.ListKycTierChangeRequestsResponse), limit=limit))

    def set_account_status(self, user_id: str, status, reason: str):
        request = user_pb2.SetAccountStatusRequest(
            user_id=user_id, status=choice("status", user_pb2.AccountStatus, status, "ACCOUNT_STATUS"), reason=reason)
        return self._run(Call(_USER + "SetAccountStatus", request, field_of("user"), retry=True))

    def funding_cycles(self, symbol: str = "", *, limit: int | None = None):
        return self._run(Call(_FUND + "ListFundingCycles", funding_pb2.ListFundingCyclesRequest(symbol=symbol),
                              None, retry=True, pages="cycles", limit=limit))

    def funding_cycle(self, cycle_id: str):
        return self._run(Call(_FUND + "GetFundingCycle", funding_pb2.GetFundingCycleRequest(cycle_id=cycle_id),
                              whole, retry=True))

    def funding_settlements(self, cycle_id: str, *, limit: int | None = None):
        return self._run(Call(_FUND + "ListFundingSettlements", funding_pb2.ListFundingSettlementsRequest(
            cycle_id=cycle_id), None, retry=True,
            pages=_repeated_field(funding_pb2.ListFundingSettlementsResponse), limit=limit))

    def seal_funding_cycle(self, cycle_id: str, reason: str):
        return self._run(Call(_FUND + "SealFundingCycle", funding_pb2.SealFundingCycleRequest(
            cycle_id=cycle_id, reason=reason), whole))

    def settlement_record(self, record_id: str):
        return self._run(Call(_SETTLE + "GetSettlementRecord", settlement_pb2.GetSettlementRecordRequest(
            record_id=record_id), whole, retry=True))

    def settlement_records(self, *, limit: int | None = None):
        return self._run(Call(_SETTLE + "ListSettlementRecords", settlement_pb2.ListSettlementRecordsRequest(),
                              None, retry=True, pages=_repeated_field(settlement_pb2.ListSettlementRecordsResponse),
                              limit=limit))


def _repeated_field(response_cls) -> str:
    [name] = [f.name for f in response_cls.DESCRIPTOR.fields if f.name != "next_page_token" and not f.name.startswith("next_")
              and f.type == f.TYPE_MESSAGE]
    return name


_INTERVALS = {"1m": "ONE_MINUTE", "5m": "FIVE_MINUTES", "15m": "FIFTEEN_MINUTES", "1h": "ONE_HOUR",
              "4h": "FOUR_HOURS", "1d": "ONE_DAY"}


def _interval(value) -> int:
    if isinstance(value, str) and value in _INTERVALS:
        value = _INTERVALS[value]
    return choice("interval", marketdata_pb2.CandleInterval, value, "CANDLE_INTERVAL")
