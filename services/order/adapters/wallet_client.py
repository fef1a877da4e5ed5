"""WalletInternalService over gRPC: SetOrderMargin, SettleTrade and ReleaseFunds from the
wallet-call queue (app/wallet_calls.py), which stores each request as
serialized protobuf so that a retry sends exactly the bytes first decided on."""
from __future__ import annotations

from decimal import Decimal

import grpc
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from services.order.adapters.downstream import channel, translate
from services.platform.decimals import format_decimal

SETTLE_TRADE = "SETTLE_TRADE"
RELEASE_FUNDS = "RELEASE_FUNDS"
# Re-level a (user, symbol) order-margin bucket (app/order_margin.py); its payload is not a request.
ORDER_MARGIN_SYNC = "ORDER_MARGIN_SYNC"
REQUEST_TYPES = {SETTLE_TRADE: wallet_pb2.SettleTradeRequest, RELEASE_FUNDS: wallet_pb2.ReleaseFundsRequest}


class WalletClient:
    def __init__(self, address: str, *, timeout_s: float = 5.0) -> None:
        self._stub = wallet_pb2_grpc.WalletInternalServiceStub(channel(address))
        self._timeout_s = timeout_s

    async def release_all(self, *, release_id: str, order_id: str, user_id: str) -> bool:
        """Everything the order still has locked; False if the wallet holds nothing for it."""
        request = wallet_pb2.ReleaseFundsRequest(release_id=release_id, order_id=order_id, user_id=user_id,
                                                 all_remaining=True)
        try:
            await self._stub.ReleaseFunds(request, timeout=self._timeout_s)
            return True
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return False
            raise translate("wallet", error) from None

    async def release_all_raw(self, *, release_id: str, order_id: str, user_id: str) -> None:
        """As release_all, for the wallet-call queue: nothing held (NOT_FOUND) is fine, any other
        failure raises grpc.aio.AioRpcError for the queue to classify."""
        request = wallet_pb2.ReleaseFundsRequest(release_id=release_id, order_id=order_id, user_id=user_id,
                                                 all_remaining=True)
        try:
            await self._stub.ReleaseFunds(request, timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise

    async def set_order_margin_raw(self, *, operation_id: str, order_id: str, user_id: str, asset: str,
                                   amount: Decimal) -> Decimal:
        """SetOrderMargin; returns what stays short. Raises grpc.aio.AioRpcError (for the queue)."""
        response = await self._stub.SetOrderMargin(wallet_pb2.SetOrderMarginRequest(
            operation_id=operation_id, order_id=order_id, user_id=user_id, asset=asset,
            amount=format_decimal(amount)), timeout=self._timeout_s)
        return Decimal(response.short or "0")

    async def send(self, kind: str, payload: bytes) -> None:
        """One queued call; raises grpc.aio.AioRpcError for the queue to classify."""
        request = REQUEST_TYPES[kind].FromString(payload)
        if kind == SETTLE_TRADE:
            await self._stub.SettleTrade(request, timeout=self._timeout_s)
        else:
            await self._stub.ReleaseFunds(request, timeout=self._timeout_s)
