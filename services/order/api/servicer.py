"""OrderService: protobuf in, use case, protobuf out. The trader role was checked by the guard
interceptor from each RPC's access rule; here the caller's identity scopes every read and
write to their own orders."""
from __future__ import annotations

from tradex.order.v1 import order_pb2 as pb
from tradex.order.v1 import order_pb2_grpc

from services.order.adapters.mappers import (
    fill_to_proto,
    order_to_proto,
    order_type_from_pb,
    side_from_pb,
    state_filter,
    stp_from_pb,
    time_in_force_from_pb,
)
from services.order.app.commands import OrderCommands
from services.order.app.placement import PlacementUseCases
from services.order.app.queries import OrderQueries
from services.order.domain.validation import parse_new_order, parse_symbol
from services.platform.auth import require_principal
from services.platform.errors import InvalidArgument
from services.platform.user_stream import UserStreamHub


def _order_id(value: str) -> str:
    order_id = value.strip()
    if not order_id:
        raise InvalidArgument("order_id is required")
    return order_id


def _optional_symbol(value: str) -> str:
    return parse_symbol(value) if value.strip() else ""


class OrderServicer(order_pb2_grpc.OrderServiceServicer):
    def __init__(self, placement: PlacementUseCases, commands: OrderCommands, queries: OrderQueries,
                 updates: UserStreamHub) -> None:
        self._placement = placement
        self._commands = commands
        self._queries = queries
        self._updates = updates

    async def PlaceOrder(self, request: pb.PlaceOrderRequest, context) -> pb.PlaceOrderResponse:
        caller = require_principal()
        order = parse_new_order(
            symbol=request.symbol, side=side_from_pb(request.side), order_type=order_type_from_pb(request.order_type),
            time_in_force=time_in_force_from_pb(request.time_in_force), price=request.price,
            quantity=request.quantity, client_order_id=request.client_order_id, reduce_only=request.reduce_only,
            leverage=request.leverage, self_trade_prevention=stp_from_pb(request.self_trade_prevention))
        placed = await self._placement.place(caller.subject, order)
        return pb.PlaceOrderResponse(order=order_to_proto(placed))

    async def CancelOrder(self, request: pb.CancelOrderRequest, context) -> pb.CancelOrderResponse:
        caller = require_principal()
        order = await self._commands.cancel(caller.subject, _order_id(request.order_id))
        return pb.CancelOrderResponse(order=order_to_proto(order))

    async def CancelAllOrders(self, request: pb.CancelAllOrdersRequest, context) -> pb.CancelAllOrdersResponse:
        caller = require_principal()
        order_ids = await self._commands.cancel_all(caller.subject, _optional_symbol(request.symbol))
        return pb.CancelAllOrdersResponse(order_ids=order_ids)

    async def AmendOrder(self, request: pb.AmendOrderRequest, context) -> pb.AmendOrderResponse:
        caller = require_principal()
        order = await self._commands.amend(caller.subject, _order_id(request.order_id), request.price,
                                           request.quantity)
        return pb.AmendOrderResponse(order=order_to_proto(order))

    async def GetOrder(self, request: pb.GetOrderRequest, context) -> pb.GetOrderResponse:
        caller = require_principal()
        order = await self._queries.get(caller.subject, _order_id(request.order_id))
        return pb.GetOrderResponse(order=order_to_proto(order))

    async def ListOrders(self, request: pb.ListOrdersRequest, context) -> pb.ListOrdersResponse:
        caller = require_principal()
        page, next_token = await self._queries.list_orders(
            caller.subject, symbol=_optional_symbol(request.symbol), state=state_filter(request.state),
            client_order_id=request.client_order_id, start_unix_ms=request.start_unix_ms,
            end_unix_ms=request.end_unix_ms, page_size=request.page_size, page_token=request.page_token)
        return pb.ListOrdersResponse(orders=[order_to_proto(o) for o in page], next_page_token=next_token)

    async def ListFills(self, request: pb.ListFillsRequest, context) -> pb.ListFillsResponse:
        caller = require_principal()
        page, next_token = await self._queries.list_fills(
            caller.subject, symbol=_optional_symbol(request.symbol), order_id=request.order_id.strip(),
            start_unix_ms=request.start_unix_ms, end_unix_ms=request.end_unix_ms, page_size=request.page_size,
            page_token=request.page_token)
        return pb.ListFillsResponse(fills=[fill_to_proto(f) for f in page], next_page_token=next_token)

    async def StreamOrderUpdates(self, request: pb.StreamOrderUpdatesRequest, context):
        caller = require_principal()
        symbol = _optional_symbol(request.symbol)
        async for _topic, update in self._updates.subscribe(caller.subject):
            if symbol and update.order.symbol != symbol:
                continue
            yield pb.StreamOrderUpdatesResponse(order=update.order,
                                                fill=update.fill if update.HasField("fill") else None)
