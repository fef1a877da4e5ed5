"""The client: one gRPC channel (to Envoy or a service), a bearer token, typed errors.

A thin, hand-written veneer over the generated stubs: plain Python arguments in (decimal
amounts as `Decimal` or `str`, never float), generated messages out, `TradexError` subclasses
for refusals.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import grpc
from tradex.auth.v1 import auth_pb2, auth_pb2_grpc
from tradex.common.v1 import trading_pb2
from tradex.marketdata.v1 import marketdata_pb2, marketdata_pb2_grpc
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc
from tradex.order.v1 import order_pb2, order_pb2_grpc
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from tradex_sdk.errors import InvalidArgumentError, from_rpc_error

_SIDES = {"BUY": trading_pb2.SIDE_BUY, "SELL": trading_pb2.SIDE_SELL}
_TYPES = {"LIMIT": trading_pb2.ORDER_TYPE_LIMIT, "MARKET": trading_pb2.ORDER_TYPE_MARKET}
_TIFS = {"GTC": trading_pb2.TIME_IN_FORCE_GTC, "IOC": trading_pb2.TIME_IN_FORCE_IOC,
         "FOK": trading_pb2.TIME_IN_FORCE_FOK, "POST_ONLY": trading_pb2.TIME_IN_FORCE_POST_ONLY}


def _decimal_text(name: str, value: Decimal | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        raise InvalidArgumentError(f"{name} must be a Decimal or a decimal string, not a float")
    return format(Decimal(value), "f") if isinstance(value, Decimal) else str(value)


def _choice(name: str, table: dict, value: str) -> int:
    try:
        return table[value.upper()]
    except KeyError:
        raise InvalidArgumentError(f"{name} must be one of {sorted(table)}, got {value!r}") from None


class Client:
    """`Client("127.0.0.1:8080")` — the target is Envoy's port (REST and gRPC share it)."""

    def __init__(self, target: str, access_token: str | None = None, timeout_s: float = 10.0) -> None:
        self._channel = grpc.insecure_channel(target)
        self._token = access_token
        self._refresh_token: str | None = None
        self._timeout = timeout_s
        self._auth = auth_pb2_grpc.AuthServiceStub(self._channel)
        self._metadata = metadata_pb2_grpc.MetadataServiceStub(self._channel)
        self._orders = order_pb2_grpc.OrderServiceStub(self._channel)
        self._wallet = wallet_pb2_grpc.WalletServiceStub(self._channel)
        self._market = marketdata_pb2_grpc.MarketDataServiceStub(self._channel)

    # --- session -------------------------------------------------------------------------------

    def set_access_token(self, token: str | None) -> None:
        self._token = token

    def signup(self, email: str, password: str) -> auth_pb2.TokenPair:
        """Creates a trader account and signs this client in with it."""
        return self._keep(self._call(self._auth.Signup, auth_pb2.SignupRequest(email=email, password=password)).tokens)

    def login(self, email: str, password: str) -> auth_pb2.TokenPair:
        return self._keep(self._call(self._auth.Login, auth_pb2.LoginRequest(email=email, password=password)).tokens)

    def refresh(self) -> auth_pb2.TokenPair:
        """Rotates the session: the previous refresh token stops working."""
        if not self._refresh_token:
            raise InvalidArgumentError("no refresh token: sign in first")
        request = auth_pb2.RefreshRequest(refresh_token=self._refresh_token)
        return self._keep(self._call(self._auth.Refresh, request).tokens)

    def _keep(self, tokens: auth_pb2.TokenPair) -> auth_pb2.TokenPair:
        self._token, self._refresh_token = tokens.access_token, tokens.refresh_token
        return tokens

    # --- reference data ------------------------------------------------------------------------

    def get_instrument(self, symbol: str) -> metadata_pb2.Instrument:
        return self._call(self._metadata.GetInstrument, metadata_pb2.GetInstrumentRequest(symbol=symbol)).instrument

    def list_instruments(self) -> list[metadata_pb2.Instrument]:
        return list(self._pages(self._metadata.ListInstruments, metadata_pb2.ListInstrumentsRequest(),
                                "instruments"))

    # --- prices (anonymous) ----------------------------------------------------------------------

    def get_index_price(self, symbol: str) -> marketdata_pb2.IndexPrice:
        """The latest index with its per-venue components, weights and exclusions."""
        return self._call(self._market.GetIndexPrice, marketdata_pb2.GetIndexPriceRequest(symbol=symbol)).index_price

    def get_mark_price(self, symbol: str) -> marketdata_pb2.MarkPrice:
        return self._call(self._market.GetMarkPrice, marketdata_pb2.GetMarkPriceRequest(symbol=symbol)).mark_price

    # --- trading -------------------------------------------------------------------------------

    def place_order(self, symbol: str, side: str, quantity: Decimal | str, *, price: Decimal | str | None = None,
                    order_type: str = "LIMIT", time_in_force: str = "GTC", leverage: Decimal | str | None = None,
                    reduce_only: bool = False, client_order_id: str | None = None) -> order_pb2.Order:
        """`client_order_id` makes a retry safe: the same id returns the original order. One is
        generated when not given — pass your own to retry after a timeout."""
        request = order_pb2.PlaceOrderRequest(
            symbol=symbol, side=_choice("side", _SIDES, side), order_type=_choice("order_type", _TYPES, order_type),
            time_in_force=_choice("time_in_force", _TIFS, time_in_force), price=_decimal_text("price", price),
            quantity=_decimal_text("quantity", quantity), leverage=_decimal_text("leverage", leverage),
            reduce_only=reduce_only, client_order_id=client_order_id or uuid.uuid4().hex)
        return self._call(self._orders.PlaceOrder, request).order

    def cancel_order(self, order_id: str) -> order_pb2.Order:
        return self._call(self._orders.CancelOrder, order_pb2.CancelOrderRequest(order_id=order_id)).order

    def get_order(self, order_id: str) -> order_pb2.Order:
        return self._call(self._orders.GetOrder, order_pb2.GetOrderRequest(order_id=order_id)).order

    def list_fills(self, symbol: str = "", order_id: str = "") -> list[order_pb2.Fill]:
        return list(self._pages(self._orders.ListFills, order_pb2.ListFillsRequest(symbol=symbol, order_id=order_id),
                                "fills"))

    def list_open_orders(self, symbol: str = "") -> list[order_pb2.Order]:
        request = order_pb2.ListOrdersRequest(symbol=symbol, state=order_pb2.ORDER_STATE_FILTER_OPEN)
        return list(self._pages(self._orders.ListOrders, request, "orders"))

    def create_deposit(self, asset: str, amount: Decimal | str, *, client_request_id: str | None = None):
        """Starts a deposit through the payment rail; the balance grows once the rail confirms it.
        Reuse `client_request_id` to retry safely."""
        request = wallet_pb2.CreateDepositRequest(asset=asset, amount=_decimal_text("amount", amount),
                                                  client_request_id=client_request_id or uuid.uuid4().hex)
        return self._call(self._wallet.CreateDeposit, request).deposit

    def balances(self) -> list[wallet_pb2.Balance]:
        return list(self._call(self._wallet.ListBalances, wallet_pb2.ListBalancesRequest()).balances)

    # --- plumbing ------------------------------------------------------------------------------

    def _call(self, method, request):
        metadata = [("authorization", f"Bearer {self._token}")] if self._token else []
        try:
            return method(request, timeout=self._timeout, metadata=metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def _pages(self, method, request, field: str) -> Iterator:
        while True:
            page = self._call(method, request)
            yield from getattr(page, field)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
