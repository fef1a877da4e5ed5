"""SettlementService: admin reads of records, the public insurance fund, and the caller's own
liquidation receipt (the JWT `sub` is the user; another user's receipt is NOT_FOUND)."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from tradex.settlement.v1 import settlement_pb2 as pb
from tradex.settlement.v1 import settlement_pb2_grpc

from services.platform.auth import require_principal
from services.platform.decimals import format_decimal
from services.platform.errors import InvalidArgument, NotFound
from services.settlement.adapters import store
from services.settlement.adapters.clients import Upstreams
from services.settlement.adapters.mappers import STATUS_NAMES, receipt_to_pb, record_to_pb

MAX_PAGE, DEFAULT_PAGE = 500, 100


class SettlementServicer(settlement_pb2_grpc.SettlementServiceServicer):
    def __init__(self, engine: AsyncEngine, upstreams: Upstreams) -> None:
        self._engine = engine
        self._up = upstreams

    async def GetSettlementRecord(self, request: pb.GetSettlementRecordRequest, context) -> pb.GetSettlementRecordResponse:
        if not request.record_id:
            raise InvalidArgument("record_id is required")
        async with self._engine.connect() as conn:
            record = await store.get_record(conn, request.record_id)
        if record is None:
            raise NotFound(f"settlement record {request.record_id} not found")
        return pb.GetSettlementRecordResponse(record=record_to_pb(record))

    async def ListSettlementRecords(self, request: pb.ListSettlementRecordsRequest,
                                    context) -> pb.ListSettlementRecordsResponse:
        if request.page_size < 0:
            raise InvalidArgument("page_size must not be negative")
        if request.status and request.status not in STATUS_NAMES:
            raise InvalidArgument("status is not a known SettlementRecordStatus")
        size = min(request.page_size or DEFAULT_PAGE, MAX_PAGE)
        async with self._engine.connect() as conn:
            found = await store.list_records(conn, user_id=request.user_id, symbol=request.symbol,
                                             status=STATUS_NAMES.get(request.status, ""), limit=size + 1,
                                             before=request.page_token)
        page = found[:size]
        return pb.ListSettlementRecordsResponse(records=[record_to_pb(r) for r in page],
                                                next_page_token=page[-1].record_id if len(found) > size else "")

    async def GetInsuranceFund(self, request: pb.GetInsuranceFundRequest, context) -> pb.GetInsuranceFundResponse:
        if request.history_limit < 0:
            raise InvalidArgument("history_limit must not be negative")
        balances = await self._up.insurance_fund()
        async with self._engine.connect() as conn:
            history = await store.fund_changes(conn, min(request.history_limit or DEFAULT_PAGE, MAX_PAGE))
        return pb.GetInsuranceFundResponse(
            balances=[pb.InsuranceFundBalance(asset=a, balance=format_decimal(b), updated_at_unix_ms=at)
                      for a, b, at in balances],
            history=[pb.InsuranceFundChange(asset=h["asset"], amount=format_decimal(h["amount"]), kind=h["kind"],
                                            liquidation_id=h["liquidation_id"], record_id=h["record_id"],
                                            at_unix_ms=h["at_unix_ms"]) for h in history])

    async def GetLiquidationReceipt(self, request: pb.GetLiquidationReceiptRequest,
                                    context) -> pb.GetLiquidationReceiptResponse:
        caller = require_principal()
        if not request.liquidation_id:
            raise InvalidArgument("liquidation_id is required")
        async with self._engine.connect() as conn:
            record = await store.get_by_liquidation(conn, request.liquidation_id)
        if record is None or record.user_id != caller.subject:
            raise NotFound(f"liquidation {request.liquidation_id} not found")
        return pb.GetLiquidationReceiptResponse(receipt=receipt_to_pb(record))
