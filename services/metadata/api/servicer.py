"""MetadataService: protobuf in, use case, protobuf out. Roles were checked by the guard
interceptor from the access rule on each RPC; here only the caller's identity is used."""
from __future__ import annotations

from tradex.metadata.v1 import metadata_pb2 as pb
from tradex.metadata.v1 import metadata_pb2_grpc

from services.metadata.adapters.mappers import STATUS_FROM_PB, instrument_to_proto, spec_from_proto
from services.metadata.app.instruments import InstrumentUseCases
from services.metadata.domain.instrument import Review
from services.platform.auth import require_principal
from services.platform.errors import InvalidArgument


def _symbol(value: str) -> str:
    symbol = value.strip().upper()
    if not symbol:
        raise InvalidArgument("symbol is required")
    return symbol


class MetadataServicer(metadata_pb2_grpc.MetadataServiceServicer):
    def __init__(self, use_cases: InstrumentUseCases) -> None:
        self._use_cases = use_cases

    async def CreateInstrument(self, request: pb.CreateInstrumentRequest, context) -> pb.CreateInstrumentResponse:
        maker = require_principal()
        if not request.HasField("instrument"):
            raise InvalidArgument("instrument is required")
        instrument = await self._use_cases.create(spec_from_proto(request.instrument), maker.subject)
        return pb.CreateInstrumentResponse(instrument=instrument_to_proto(instrument))

    async def ApproveInstrument(self, request: pb.ApproveInstrumentRequest, context) -> pb.ApproveInstrumentResponse:
        checker = require_principal()
        instrument = await self._use_cases.review(_symbol(request.symbol), Review.APPROVE, checker.subject)
        return pb.ApproveInstrumentResponse(instrument=instrument_to_proto(instrument))

    async def RejectInstrument(self, request: pb.RejectInstrumentRequest, context) -> pb.RejectInstrumentResponse:
        checker = require_principal()
        instrument = await self._use_cases.review(_symbol(request.symbol), Review.REJECT, checker.subject,
                                                  request.reason)
        return pb.RejectInstrumentResponse(instrument=instrument_to_proto(instrument))

    async def GetInstrument(self, request: pb.GetInstrumentRequest, context) -> pb.GetInstrumentResponse:
        instrument = await self._use_cases.get(_symbol(request.symbol))
        return pb.GetInstrumentResponse(instrument=instrument_to_proto(instrument))

    async def ListInstruments(self, request: pb.ListInstrumentsRequest, context) -> pb.ListInstrumentsResponse:
        status = STATUS_FROM_PB.get(request.status)
        if request.status and status is None:
            raise InvalidArgument(f"status {request.status} is not a known instrument status")
        page, next_token = await self._use_cases.list(status, request.page_size, request.page_token)
        return pb.ListInstrumentsResponse(instruments=[instrument_to_proto(i) for i in page],
                                          next_page_token=next_token)
