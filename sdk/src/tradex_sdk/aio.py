"""`AsyncClient`: the asyncio TradeX client (grpc.aio), with the same namespaces as `Client`.

    async with AsyncClient("127.0.0.1:8080") as tx:
        await tx.auth.login("me@example.com", "secret")
        order = await tx.orders.place("BTC-USDT-PERP", "BUY", Decimal("0.1"), price=Decimal("65000"))
        async for update in tx.market_data.stream_book("BTC-USDT-PERP"):
            ...

Every unary method returns an awaitable; streams are async iterators.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence

import grpc
from tradex.auth.v1 import auth_pb2
from tradex.marketdata.v1 import marketdata_pb2

from tradex_sdk import api
from tradex_sdk._core import REFRESH, Call, RetryPolicy, Session, output_class
from tradex_sdk.book import LocalBook, Resync, _Resync
from tradex_sdk.errors import BookResyncError, from_rpc_error
from tradex_sdk.models import to_model

__all__ = ["AsyncBookStream", "AsyncClient"]

_STREAM_MD = "/tradex.marketdata.v1.MarketDataService/StreamOrderBook"


class _AsyncTransport:
    def __init__(self, channel: grpc.aio.Channel, session: Session, timeout_s: float, retry: RetryPolicy) -> None:
        self.channel = channel
        self.session = session
        self.timeout_s = timeout_s
        self.retry_policy = retry
        self._refreshing: asyncio.Lock | None = None

    def _metadata(self, method: str) -> list[tuple[str, str]]:
        # Refresh is anonymous: an expiring access token is not sent with it.
        return [] if method == REFRESH else self.session.metadata()

    def _callable(self, method: str, streaming: bool = False):
        make = self.channel.unary_stream if streaming else self.channel.unary_unary
        return make(method, request_serializer=lambda m: m.SerializeToString(),
                    response_deserializer=output_class(method).FromString)

    async def _invoke(self, method: str, request, retry: bool):
        if method != REFRESH and self.session.needs_refresh():
            await self._refresh()
        policy, started, attempt = self.retry_policy, time.monotonic(), 0
        while True:
            try:
                return await self._callable(method)(request, timeout=self.timeout_s, metadata=self._metadata(method))
            except grpc.aio.AioRpcError as error:
                typed = from_rpc_error(error, method)
                if not (retry and policy.should_retry(typed, attempt, started)):
                    raise typed from None
            await asyncio.sleep(policy.backoff(attempt))
            attempt += 1

    async def _refresh(self) -> None:
        if self._refreshing is None:
            self._refreshing = asyncio.Lock()
        async with self._refreshing:  # one refresh for concurrent callers
            if not self.session.needs_refresh():
                return
            response = await self._invoke(REFRESH, auth_pb2.RefreshRequest(
                refresh_token=self.session.refresh_token), False)
            self.session.keep(response.tokens)

    async def run(self, call: Call):
        if call.pages is None:
            response = await self._invoke(call.method, call.request, call.retry)
            return call.unwrap(response) if call.unwrap else to_model(response)
        items: list = []
        request = call.request
        while True:
            page = await self._invoke(call.method, request, call.retry)
            items.extend(to_model(m) for m in getattr(page, call.pages))
            if call.limit is not None and len(items) >= call.limit:
                return items[:call.limit]
            if not page.next_page_token:
                return items
            request.page_token = page.next_page_token

    async def stream(self, method: str, request, unwrap=None) -> AsyncIterator:
        if self.session.needs_refresh():
            await self._refresh()
        call = self._callable(method, streaming=True)(request, metadata=self.session.metadata())
        try:
            async for message in call:
                yield unwrap(message) if unwrap else to_model(message)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                raise from_rpc_error(error, method) from None
        finally:
            call.cancel()

    def book_stream(self, method: str, symbol: str, depth: int, on_resync, max_resyncs: int) -> AsyncBookStream:
        return AsyncBookStream(self, symbol, depth, on_resync, max_resyncs, method)


class AsyncBookStream:
    """Async iterator of verified `BookUpdate`s (see `MarketData.stream_book`). `resyncs` lists
    every `Resync`; `on_resync` may be a plain function or a coroutine function."""

    def __init__(self, transport: _AsyncTransport, symbol: str, depth: int, on_resync, max_resyncs: int,
                 method: str = _STREAM_MD) -> None:
        self._t = transport
        self.symbol, self.depth = symbol, depth
        self.on_resync, self.max_resyncs = on_resync, max_resyncs
        self._method = method
        self.resyncs: list[Resync] = []
        self.book = LocalBook(symbol, depth)
        self._call = None
        self._iter = None
        self._failed_in_a_row = 0

    def _open(self) -> None:
        self.book = LocalBook(self.symbol, self.depth)
        request = marketdata_pb2.StreamOrderBookRequest(symbol=self.symbol, depth=self.depth)
        self._call = self._t._callable(self._method, streaming=True)(request, metadata=self._t.session.metadata())
        self._iter = self._call.__aiter__()

    def __aiter__(self) -> AsyncBookStream:
        return self

    async def __anext__(self):
        while True:
            if self._iter is None:
                self._open()
            try:
                message = await self._iter.__anext__()
            except StopAsyncIteration:
                self.close()
                raise
            except grpc.aio.AioRpcError as error:
                self.close()
                if error.code() == grpc.StatusCode.CANCELLED:
                    raise StopAsyncIteration from None
                raise from_rpc_error(error, self._method) from None
            try:
                update = self.book.apply(message)
            except _Resync as resync:
                await self._resync(resync)
                continue
            if update is not None:
                self._failed_in_a_row = 0
                return update

    async def _resync(self, resync: _Resync) -> None:
        report = Resync(self.symbol, resync.reason, self.book.seq, resync.detail)
        self.resyncs.append(report)
        if self.on_resync is not None:
            result = self.on_resync(report)
            if asyncio.iscoroutine(result):
                await result
        self.close()
        self._failed_in_a_row += 1
        if self._failed_in_a_row > self.max_resyncs:
            raise BookResyncError(f"{self.symbol}: {self._failed_in_a_row} resyncs in a row, last: {resync.detail}")

    def close(self) -> None:
        if self._call is not None:
            self._call.cancel()
        self._call = self._iter = None

    async def aclose(self) -> None:
        self.close()


class AsyncClient:
    """The asyncio client; same arguments and namespaces as `Client`. Create it inside a running
    event loop (grpc.aio binds the channel to it); use `async with` or `await client.close()`."""

    def __init__(self, target: str, access_token: str | None = None, timeout_s: float = 10.0, *,
                 tls: bool = False, root_certificates: bytes | None = None,
                 channel_options: Sequence[tuple[str, object]] = (), retry: RetryPolicy | None = None) -> None:
        options = list(channel_options)
        if tls or root_certificates:
            self._channel = grpc.aio.secure_channel(target, grpc.ssl_channel_credentials(root_certificates), options)
        else:
            self._channel = grpc.aio.insecure_channel(target, options)
        self.session = Session(access_token=access_token)
        self._t = _AsyncTransport(self._channel, self.session, timeout_s, retry or RetryPolicy())
        self.auth = api.Auth(self._t)
        self.orders = api.Orders(self._t)
        self.positions = api.Positions(self._t)
        self.wallet = api.Wallet(self._t)
        self.market_data = api.MarketData(self._t)
        self.funding = api.Funding(self._t)
        self.users = api.Users(self._t)
        self.admin = api.Admin(self._t)

    async def close(self) -> None:
        """Closes the channel."""
        await self._channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()
