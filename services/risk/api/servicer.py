"""RiskService: protobuf in, use case, protobuf out.

PreTradeCheck is internal (Envoy has no route to it; the Order service calls the risk port).
GetAccountRisk is the caller's own view: the user id comes from the verified token, never
from the request.
"""
from __future__ import annotations

import re

import grpc
from tradex.risk.v1 import risk_pb2 as pb
from tradex.risk.v1 import risk_pb2_grpc

from services.platform.auth import require_principal
from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument
from services.platform.ids import now_ms
from services.risk.adapters.mappers import account_to_proto, decision_to_proto, intent_from_proto
from services.risk.app.pretrade import RiskUseCases

_ASSET = re.compile(r"^[A-Z0-9]{2,16}$")


class RiskServicer(risk_pb2_grpc.RiskServiceServicer):
    def __init__(self, use_cases: RiskUseCases) -> None:
        self._use_cases = use_cases

    async def _require_ready(self, context) -> None:
        if not self._use_cases.state.ready:
            # Judging orders against a half-loaded state would approve what it should not.
            await context.abort(grpc.StatusCode.UNAVAILABLE, "risk state is still loading; retry shortly")

    async def PreTradeCheck(self, request: pb.PreTradeCheckRequest, context) -> pb.PreTradeCheckResponse:
        intent = intent_from_proto(request)
        await self._require_ready(context)
        intent = self._use_cases.with_leverage(intent)
        response = decision_to_proto(self._use_cases.check(intent))
        response.leverage = format_decimal(intent.leverage)
        return response

    async def SetLeverage(self, request: pb.SetLeverageRequest, context) -> pb.SetLeverageResponse:
        caller = require_principal()
        symbol = request.symbol.strip().upper()
        if not symbol:
            raise InvalidArgument("symbol is required")
        leverage = parse_decimal("leverage", request.leverage, positive=True)
        await self._require_ready(context)
        if self._use_cases.leverage is None:
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, "leverage settings are not enabled")
        at = await self._use_cases.leverage.set(caller.subject, symbol, leverage)
        return pb.SetLeverageResponse(symbol=symbol, leverage=format_decimal(leverage), updated_at_unix_ms=at)

    async def GetAccountRisk(self, request: pb.GetAccountRiskRequest, context) -> pb.GetAccountRiskResponse:
        caller = require_principal()
        asset = request.asset.strip().upper()
        if asset and not _ASSET.match(asset):
            raise InvalidArgument(f"asset must be an asset code such as \"USDT\", got {request.asset!r}")
        await self._require_ready(context)
        as_of = now_ms()
        return pb.GetAccountRiskResponse(
            accounts=[account_to_proto(f, as_of) for f in self._use_cases.account(caller.subject, asset)])
