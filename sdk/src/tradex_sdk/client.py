"""`Client`: the synchronous TradeX client (one gRPC channel to Envoy).

    with Client("127.0.0.1:8080") as tx:
        tx.auth.login("me@example.com", "secret")
        order = tx.orders.place("BTC-USDT-PERP", "BUY", Decimal("0.1"), price=Decimal("65000"))
        for update in tx.market_data.stream_book("BTC-USDT-PERP"):
            print(update.seq, update.best_bid, update.best_ask)

Namespaces: `auth`, `orders`, `positions`, `wallet`, `market_data`, `funding`, `users`, `admin`
(see `tradex_sdk.api`). The flat methods below (`signup`, `place_order`, ...) are the SDK's first
surface, kept for existing callers; they return the protobuf messages they always returned.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from decimal import Decimal

import grpc
from tradex.auth.v1 import auth_pb2
from tradex.common.v1 import trading_pb2
from tradex.marketdata.v1 import marketdata_pb2
from tradex.metadata.v1 import metadata_pb2
from tradex.order.v1 import order_pb2
from tradex.wallet.v1 import wallet_pb2

from tradex_sdk import api
from tradex_sdk._core import REFRESH, Call, RetryPolicy, Session, choice, money, output_class
from tradex_sdk.book import LocalBook, Resync, _Resync
from tradex_sdk.errors import BookResyncError, InvalidArgumentError, from_rpc_error
from tradex_sdk.models import to_model

__all__ = ["BookStream", "Client"]

_STREAM_MD = "/tradex.marketdata.v1.MarketDataService/StreamOrderBook"


class _SyncTransport:
    def __init__(self, channel: grpc.Channel, session: Session, timeout_s: float, retry: RetryPolicy) -> None:
        self.channel = channel
        self.session = session
        self.timeout_s = timeout_s
        self.retry_policy = retry

    def _metadata(self, method: str) -> list[tuple[str, str]]:
        # Refresh is anonymous: an expiring access token is not sent with it.
        return [] if method == REFRESH else self.session.metadata()

    def _callable(self, method: str, streaming: bool = False):
        make = self.channel.unary_stream if streaming else self.channel.unary_unary
        return make(method, request_serializer=lambda m: m.SerializeToString(),
                    response_deserializer=output_class(method).FromString)

    def _invoke(self, method: str, request, retry: bool):
        if method != REFRESH and self.session.needs_refresh():
            self._refresh()
        policy, started, attempt = self.retry_policy, time.monotonic(), 0
        while True:
            try:
                return self._callable(method)(request, timeout=self.timeout_s, metadata=self._metadata(method))
            except grpc.RpcError as error:
                typed = from_rpc_error(error, method)
                if not (retry and policy.should_retry(typed, attempt, started)):
                    raise typed from None
            time.sleep(policy.backoff(attempt))
            attempt += 1

    def _refresh(self) -> None:
        response = self._invoke(REFRESH, auth_pb2.RefreshRequest(refresh_token=self.session.refresh_token), False)
        self.session.keep(response.tokens)

    def run(self, call: Call):
        if call.pages is None:
            response = self._invoke(call.method, call.request, call.retry)
            return call.unwrap(response) if call.unwrap else to_model(response)
        items: list = []
        request = call.request
        while True:
            page = self._invoke(call.method, request, call.retry)
            items.extend(to_model(m) for m in getattr(page, call.pages))
            if call.limit is not None and len(items) >= call.limit:
                return items[:call.limit]
            if not page.next_page_token:
                return items
            request.page_token = page.next_page_token

    def stream(self, method: str, request, unwrap=None) -> Iterator:
        if self.session.needs_refresh():
            self._refresh()
        call = self._callable(method, streaming=True)(request, metadata=self.session.metadata())
        try:
            for message in call:
                yield unwrap(message) if unwrap else to_model(message)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                raise from_rpc_error(error, method) from None
        finally:
            call.cancel()

    def book_stream(self, method: str, symbol: str, depth: int, on_resync, max_resyncs: int) -> BookStream:
        return BookStream(self, symbol, depth, on_resync, max_resyncs, method)


class BookStream:
    """Iterator of verified `BookUpdate`s of one symbol (see `MarketData.stream_book`).
    `resyncs` lists every `Resync` so far; `book` is the local `LocalBook`."""

    def __init__(self, transport: _SyncTransport, symbol: str, depth: int, on_resync, max_resyncs: int,
                 method: str = _STREAM_MD) -> None:
        self._t = transport
        self.symbol, self.depth = symbol, depth
        self.on_resync, self.max_resyncs = on_resync, max_resyncs
        self._method = method
        self.resyncs: list[Resync] = []
        self.book = LocalBook(symbol, depth)
        self._call = None
        self._iter: Iterator | None = None
        self._failed_in_a_row = 0

    def _open(self) -> None:
        self.book = LocalBook(self.symbol, self.depth)
        request = marketdata_pb2.StreamOrderBookRequest(symbol=self.symbol, depth=self.depth)
        self._call = self._t._callable(self._method, streaming=True)(request, metadata=self._t.session.metadata())
        self._iter = iter(self._call)

    def __iter__(self) -> BookStream:
        return self

    def __next__(self):
        while True:
            if self._iter is None:
                self._open()
            try:
                message = next(self._iter)
            except grpc.RpcError as error:
                self.close()
                if error.code() == grpc.StatusCode.CANCELLED:
                    raise StopIteration from None
                raise from_rpc_error(error, self._method) from None
            try:
                update = self.book.apply(message)
            except _Resync as resync:
                self._resync(resync)
                continue
            if update is not None:
                self._failed_in_a_row = 0
                return update

    def _resync(self, resync: _Resync) -> None:
        report = Resync(self.symbol, resync.reason, self.book.seq, resync.detail)
        self.resyncs.append(report)
        if self.on_resync is not None:
            self.on_resync(report)
        self.close()
        self._failed_in_a_row += 1
        if self._failed_in_a_row > self.max_resyncs:
            raise BookResyncError(f"{self.symbol}: {self._failed_in_a_row} resyncs in a row, last: {resync.detail}")

    def close(self) -> None:
        if self._call is not None:
            self._call.cancel()
        self._call = self._iter = None


class Client:
    """The synchronous client. `target` is Envoy's host:port (REST and gRPC share it).

    `tls=True` (or `root_certificates`) uses TLS; `channel_options` are passed to gRPC;
    `timeout_s` bounds every unary call; `retry` is the `RetryPolicy` for calls safe to repeat.
    `access_token` signs the client in with an existing token."""

    def __init__(self, target: str, access_token: str | None = None, timeout_s: float = 10.0, *,
                 tls: bool = False, root_certificates: bytes | None = None,
                 channel_options: Sequence[tuple[str, object]] = (), retry: RetryPolicy | None = None) -> None:
        options = list(channel_options)
        if tls or root_certificates:
            self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates), options)
        else:
            self._channel = grpc.insecure_channel(target, options)
        self.session = Session(access_token=access_token)
        self._timeout = timeout_s
        self._t = _SyncTransport(self._channel, self.session, timeout_s, retry or RetryPolicy())
        self.auth = api.Auth(self._t)
        self.orders = api.Orders(self._t)
        self.positions = api.Positions(self._t)
        self.wallet = api.Wallet(self._t)
        self.market_data = api.MarketData(self._t)
        self.funding = api.Funding(self._t)
        self.users = api.Users(self._t)
        self.admin = api.Admin(self._t)

    # --- the first surface (protobuf results, kept for existing callers) -------------------------

    def set_access_token(self, token: str | None) -> None:
        self.session.access_token = token

    def signup(self, email: str, password: str) -> auth_pb2.TokenPair:
        """Creates a trader account and signs this client in with it."""
        return self._keep(self._raw("/tradex.auth.v1.AuthService/Signup",
                                    auth_pb2.SignupRequest(email=email, password=password)).tokens)

    def login(self, email: str, password: str) -> auth_pb2.TokenPair:
        """Signs in."""
        return self._keep(self._raw("/tradex.auth.v1.AuthService/Login",
                                    auth_pb2.LoginRequest(email=email, password=password)).tokens)

    def refresh(self) -> auth_pb2.TokenPair:
        """Rotates the session: the previous refresh token stops working."""
        if not self.session.refresh_token:
            raise InvalidArgumentError("no refresh token: sign in first")
        return self._keep(self._raw(REFRESH, auth_pb2.RefreshRequest(refresh_token=self.session.refresh_token)).tokens)

    def _keep(self, tokens: auth_pb2.TokenPair) -> auth_pb2.TokenPair:
        self.session.keep(tokens)
        return tokens

    def get_instrument(self, symbol: str) -> metadata_pb2.Instrument:
        """One instrument (protobuf)."""
        return self._raw("/tradex.metadata.v1.MetadataService/GetInstrument",
                         metadata_pb2.GetInstrumentRequest(symbol=symbol), retry=True).instrument

    def list_instruments(self) -> list[metadata_pb2.Instrument]:
        """Every instrument (protobuf)."""
        return self._raw_pages("/tradex.metadata.v1.MetadataService/ListInstruments",
                               metadata_pb2.ListInstrumentsRequest(), "instruments")

    def get_index_price(self, symbol: str) -> marketdata_pb2.IndexPrice:
        """The latest index with its per-venue components, weights and exclusions."""
        return self._raw("/tradex.marketdata.v1.MarketDataService/GetIndexPrice",
                         marketdata_pb2.GetIndexPriceRequest(symbol=symbol), retry=True).index_price

    def get_mark_price(self, symbol: str) -> marketdata_pb2.MarkPrice:
        """The latest mark price (protobuf)."""
        return self._raw("/tradex.marketdata.v1.MarketDataService/GetMarkPrice",
                         marketdata_pb2.GetMarkPriceRequest(symbol=symbol), retry=True).mark_price

    def place_order(self, symbol: str, side: str, quantity: Decimal | str, *, price: Decimal | str | None = None,
                    order_type: str = "LIMIT", time_in_force: str | None = None,
                    leverage: Decimal | str | None = None, reduce_only: bool = False,
                    client_order_id: str | None = None) -> order_pb2.Order:
        """`client_order_id` makes a retry safe: the same id returns the original order. One is
        generated when not given. `time_in_force` defaults to GTC, IOC for market orders."""
        kind = choice("order_type", trading_pb2.OrderType, order_type, "ORDER_TYPE")
        if time_in_force is None:
            time_in_force = "IOC" if kind == trading_pb2.ORDER_TYPE_MARKET else "GTC"
        request = order_pb2.PlaceOrderRequest(
            symbol=symbol, side=choice("side", trading_pb2.Side, side, "SIDE"), order_type=kind,
            time_in_force=choice("time_in_force", trading_pb2.TimeInForce, time_in_force, "TIME_IN_FORCE"),
            price=money("price", price), quantity=money("quantity", quantity), leverage=money("leverage", leverage),
            reduce_only=reduce_only, client_order_id=client_order_id or uuid.uuid4().hex)
        return self._raw("/tradex.order.v1.OrderService/PlaceOrder", request, retry=True).order

    def cancel_order(self, order_id: str) -> order_pb2.Order:
        """Requests the cancellation of one open order (protobuf)."""
        return self._raw("/tradex.order.v1.OrderService/CancelOrder",
                         order_pb2.CancelOrderRequest(order_id=order_id), retry=True).order

    def get_order(self, order_id: str) -> order_pb2.Order:
        """One of the caller's orders (protobuf)."""
        return self._raw("/tradex.order.v1.OrderService/GetOrder", order_pb2.GetOrderRequest(order_id=order_id),
                         retry=True).order

    def list_fills(self, symbol: str = "", order_id: str = "") -> list[order_pb2.Fill]:
        """The caller's fills (protobuf)."""
        return self._raw_pages("/tradex.order.v1.OrderService/ListFills",
                               order_pb2.ListFillsRequest(symbol=symbol, order_id=order_id), "fills")

    def list_open_orders(self, symbol: str = "") -> list[order_pb2.Order]:
        """The caller's open orders (protobuf)."""
        request = order_pb2.ListOrdersRequest(symbol=symbol, state=order_pb2.ORDER_STATE_FILTER_OPEN)
        return self._raw_pages("/tradex.order.v1.OrderService/ListOrders", request, "orders")

    def create_deposit(self, asset: str, amount: Decimal | str, *, client_request_id: str | None = None):
        """Starts a deposit through the payment rail (protobuf `Deposit`)."""
        request = wallet_pb2.CreateDepositRequest(asset=asset, amount=money("amount", amount),
                                                  client_request_id=client_request_id or uuid.uuid4().hex)
        return self._raw("/tradex.wallet.v1.WalletService/CreateDeposit", request, retry=True).deposit

    def balances(self) -> list[wallet_pb2.Balance]:
        """The caller's balances (protobuf)."""
        return list(self._raw("/tradex.wallet.v1.WalletService/ListBalances", wallet_pb2.ListBalancesRequest(),
                              retry=True).balances)

    def _raw(self, method: str, request, retry: bool = False):
        return self._t._invoke(method, request, retry)

    def _raw_pages(self, method: str, request, field: str) -> list:
        items: list = []
        while True:
            page = self._t._invoke(method, request, True)
            items.extend(getattr(page, field))
            if not page.next_page_token:
                return items
            request.page_token = page.next_page_token

    # --- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the channel."""
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
