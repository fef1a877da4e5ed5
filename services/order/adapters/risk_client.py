"""RiskService.PreTradeCheck over gRPC. A rejection is a normal answer (not an RPC error); it
becomes FAILED_PRECONDITION whose message starts with the UPPER_SNAKE reason."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import grpc
from tradex.common.v1 import trading_pb2
from tradex.risk.v1 import risk_pb2, risk_pb2_grpc

from services.order.adapters.downstream import channel, translate
from services.order.adapters.mappers import to_pb
from services.order.domain.model import OrderType, Side
from services.platform.decimals import format_decimal
from services.platform.errors import FailedPrecondition


@dataclass(frozen=True)
class Approval:
    asset: str
    lock_amount: Decimal
    reference_price: Decimal | None
    protection_price: Decimal | None  # MARKET only
    # The leverage Risk used: the order's own, or the user's setting for the symbol.
    leverage: Decimal = Decimal(1)


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


class RiskClient:
    def __init__(self, address: str, *, timeout_s: float = 3.0) -> None:
        self._stub = risk_pb2_grpc.RiskServiceStub(channel(address))
        self._timeout_s = timeout_s

    async def pre_trade_check(self, *, order_id: str, user_id: str, symbol: str, side: Side, order_type: OrderType,
                              price: Decimal | None, quantity: Decimal, leverage: Decimal,
                              reduce_only: bool) -> Approval:
        """Raises FailedPrecondition on a rejection, Unavailable when Risk does not answer."""
        request = risk_pb2.PreTradeCheckRequest(
            order_id=order_id, user_id=user_id, symbol=symbol, side=to_pb(trading_pb2.Side, side.value),
            order_type=to_pb(trading_pb2.OrderType, order_type.value),
            price=format_decimal(price) if price is not None else "", quantity=format_decimal(quantity),
            leverage=format_decimal(leverage), reduce_only=reduce_only)
        try:
            response = await self._stub.PreTradeCheck(request, timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            raise translate("risk", error) from None
        if response.decision != risk_pb2.PRE_TRADE_DECISION_APPROVED:
            name = risk_pb2.RejectReason.Name(response.reject_reason) if response.reject_reason else "REJECTED"
            reason = name.removeprefix("REJECT_REASON_")
            raise FailedPrecondition(f"{reason}: {response.message or 'refused by the pre-trade risk check'}",
                                     reason=reason)
        return Approval(asset=response.asset, lock_amount=Decimal(response.lock_amount or "0"),
                        reference_price=_decimal(response.reference_price),
                        protection_price=_decimal(response.protection_price),
                        leverage=_decimal(response.leverage) or (leverage if leverage > 0 else Decimal(1)))
