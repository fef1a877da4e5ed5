"""PositionService: the caller's positions (public, through Envoy; the JWT `sub` is the user)
and ListPositionsBySymbol (internal: the Funding service's snapshot)."""
from __future__ import annotations

import base64
import json

from tradex.position.v1 import position_pb2 as pb
from tradex.position.v1 import position_pb2_grpc

from services.platform.auth import require_principal
from services.platform.decimals import format_decimal
from services.platform.errors import InvalidArgument
from services.platform.user_stream import UserStreamHub
from services.position.adapters.mappers import position_to_pb
from services.position.api.stream import stream_response
from services.position.app.use_cases import PositionUseCases

MAX_PAGE, DEFAULT_PAGE = 1000, 500


def _token(as_of: int, after_user: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([as_of, after_user]).encode()).decode()


def _parse_token(token: str) -> tuple[int, str]:
    try:
        as_of, after = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(as_of), str(after)
    except (ValueError, TypeError):
        raise InvalidArgument("page_token is not one this service issued") from None


class PositionServicer(position_pb2_grpc.PositionServiceServicer):
    def __init__(self, use_cases: PositionUseCases, updates: UserStreamHub) -> None:
        self._use_cases = use_cases
        self._updates = updates

    async def ListPositions(self, request: pb.ListPositionsRequest, context) -> pb.ListPositionsResponse:
        caller = require_principal()
        valued = await self._use_cases.list_positions(caller.subject, request.symbol)
        found = []
        for v in valued:
            message = position_to_pb(v.state, v.valuation)
            if v.adl is not None:
                message.adl_score, message.adl_queue_position = format_decimal(v.adl[0]), v.adl[1]
            found.append(message)
        return pb.ListPositionsResponse(positions=found)

    async def ListPositionsBySymbol(self, request: pb.ListPositionsBySymbolRequest,
                                    context) -> pb.ListPositionsBySymbolResponse:
        if not request.symbol:
            raise InvalidArgument("symbol is required")
        if request.page_size < 0 or request.as_of_unix_ms < 0:
            raise InvalidArgument("page_size and as_of_unix_ms must not be negative")
        size = min(request.page_size or DEFAULT_PAGE, MAX_PAGE)
        as_of, after = (_parse_token(request.page_token) if request.page_token else (request.as_of_unix_ms, ""))
        states, resolved, through = await self._use_cases.positions_as_of(request.symbol, as_of)
        states = [s for s in states if s.user_id > after]
        page = states[:size]
        token = _token(resolved, page[-1].user_id) if len(states) > size else ""
        return pb.ListPositionsBySymbolResponse(positions=[position_to_pb(s) for s in page], next_page_token=token,
                                                as_of_unix_ms=resolved, applied_through_unix_ms=through)

    async def StreamPositionUpdates(self, request: pb.StreamPositionUpdatesRequest, context):
        caller = require_principal()
        symbol = request.symbol.strip()
        if len(symbol) > 64:
            raise InvalidArgument("symbol is at most 64 characters")
        async for topic, event in self._updates.subscribe(caller.subject):
            if symbol and event.position.symbol != symbol:
                continue
            yield stream_response(topic, event)
