"""OrderInternalService: liquidation orders (Settlement) and withdrawing a user's orders
(liquidation, suspension). Never routed by Envoy; callers are trusted mesh processes, but the
input is still validated field by field."""
from __future__ import annotations

from tradex.common.v1 import orders_pb2
from tradex.order.v1 import order_pb2 as pb
from tradex.order.v1 import order_pb2_grpc

from services.order.adapters.mappers import from_pb, order_to_proto, side_from_pb
from services.order.app.commands import OrderCommands
from services.order.app.liquidation import LiquidationUseCases
from services.order.domain.validation import parse_symbol
from services.platform.errors import InvalidArgument


def _required(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidArgument(f"{field} is required")
    return value


class OrderInternalServicer(order_pb2_grpc.OrderInternalServiceServicer):
    def __init__(self, liquidations: LiquidationUseCases, commands: OrderCommands) -> None:
        self._liquidations = liquidations
        self._commands = commands

    async def SubmitLiquidationOrder(self, request: pb.SubmitLiquidationOrderRequest,
                                     context) -> pb.SubmitLiquidationOrderResponse:
        side = side_from_pb(request.side)
        if side is None:
            raise InvalidArgument("side is required (the closing side)")
        order = await self._liquidations.submit(
            liquidation_id=_required("liquidation_id", request.liquidation_id),
            user_id=_required("user_id", request.user_id), symbol=parse_symbol(request.symbol), side=side,
            quantity=request.quantity, price=request.price)
        return pb.SubmitLiquidationOrderResponse(order=order_to_proto(order))

    async def CancelUserOrders(self, request: pb.CancelUserOrdersRequest, context) -> pb.CancelUserOrdersResponse:
        reason = from_pb(orders_pb2.OrderCancelReason, "reason", request.reason, required=True)
        symbol = parse_symbol(request.symbol) if request.symbol.strip() else ""
        order_ids = await self._commands.cancel_all(_required("user_id", request.user_id), symbol, reason)
        return pb.CancelUserOrdersResponse(order_ids=order_ids)
