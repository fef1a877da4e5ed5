"""The synchronous reads Funding needs, over the mesh's mutual TLS:
  Metadata  ListInstruments (ACTIVE perpetuals and their quote asset)
  pricing   GetMarkPrice (mark, index and the funding-rate estimate of one tick)
  Position  ListPositionsBySymbol(as_of) (the boundary snapshot)
  Wallet    GetSettlementOutcomes (what the ledger actually collected and credited)
Errors become platform errors; protobuf stops here."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import grpc
from tradex.common.v1 import positions_pb2
from tradex.marketdata.v1 import marketdata_pb2, marketdata_pb2_grpc
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc
from tradex.position.v1 import position_pb2, position_pb2_grpc
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from services.funding.domain.model import FrozenPrices, Outcome, Side
from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument, Unavailable
from services.platform.mesh_tls import mesh_channel

SIDES = {positions_pb2.POSITION_SIDE_LONG: Side.LONG, positions_pb2.POSITION_SIDE_SHORT: Side.SHORT}


@dataclass(frozen=True)
class Instrument:
    symbol: str
    asset: str


@dataclass(frozen=True)
class BoundaryPosition:
    user_id: str
    side: Side
    size: Decimal


def _unavailable(what: str, error: grpc.aio.AioRpcError) -> Unavailable:
    return Unavailable(f"{what}: {error.code().name} {error.details()}")


class Upstreams:
    def __init__(self, *, metadata_addr: str, pricing_addr: str, position_addr: str, wallet_addr: str,
                 timeout_s: float) -> None:
        self._channels = [mesh_channel(a) for a in (metadata_addr, pricing_addr, position_addr, wallet_addr)]
        self._metadata = metadata_pb2_grpc.MetadataServiceStub(self._channels[0])
        self._prices = marketdata_pb2_grpc.MarketDataServiceStub(self._channels[1])
        self._positions = position_pb2_grpc.PositionServiceStub(self._channels[2])
        self._wallet = wallet_pb2_grpc.WalletInternalServiceStub(self._channels[3])
        self._timeout_s = timeout_s

    async def close(self) -> None:
        for channel in self._channels:
            await channel.close()

    async def instruments(self) -> list[Instrument]:
        found, token = [], ""
        while True:
            try:
                response = await self._metadata.ListInstruments(metadata_pb2.ListInstrumentsRequest(
                    status=metadata_pb2.INSTRUMENT_STATUS_ACTIVE, page_size=500, page_token=token),
                    timeout=self._timeout_s)
            except grpc.aio.AioRpcError as error:
                raise _unavailable("metadata ListInstruments", error) from None
            found += [Instrument(i.symbol, i.quote_asset.upper()) for i in response.instruments]
            token = response.next_page_token
            if not token:
                return found

    async def prices(self, symbol: str) -> FrozenPrices | None:
        """Mark, index and the funding-rate estimate of one pricing tick; None when pricing has none."""
        try:
            response = await self._prices.GetMarkPrice(marketdata_pb2.GetMarkPriceRequest(symbol=symbol),
                                                       timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise _unavailable(f"pricing GetMarkPrice {symbol}", error) from None
        m = response.mark_price
        if not (m.mark_price and m.index_price and m.funding_rate):
            return None
        try:
            return FrozenPrices(rate=parse_decimal("funding_rate", m.funding_rate),
                                mark=parse_decimal("mark_price", m.mark_price, positive=True),
                                index=parse_decimal("index_price", m.index_price, positive=True),
                                computed_at_ms=m.computed_at_unix_ms, stale=m.stale)
        except InvalidArgument:
            return None

    async def positions_as_of(self, symbol: str, as_of_ms: int) -> list[BoundaryPosition]:
        found, token = [], ""
        while True:
            try:
                response = await self._positions.ListPositionsBySymbol(position_pb2.ListPositionsBySymbolRequest(
                    symbol=symbol, as_of_unix_ms=as_of_ms, page_size=1000, page_token=token),
                    timeout=self._timeout_s)
            except grpc.aio.AioRpcError as error:
                raise _unavailable(f"position ListPositionsBySymbol {symbol}", error) from None
            for p in response.positions:
                size = parse_decimal("size", p.size or "0", non_negative=True)
                if size and p.side in SIDES:
                    found.append(BoundaryPosition(p.user_id, SIDES[p.side], size))
            token = response.next_page_token
            if not token:
                return found

    async def sweep_residual(self, cycle_id: str, asset: str, amount: Decimal) -> None:
        """The cycle's rounding residual CLEARING -> INSURANCE_FUND, idempotent by the cycle."""
        try:
            await self._wallet.SweepClearingResidual(wallet_pb2.SweepClearingResidualRequest(
                transfer_id=f"funding-residual:{cycle_id}", reference_id=cycle_id, asset=asset,
                amount=format_decimal(amount)), timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            raise _unavailable("wallet SweepClearingResidual", error) from None

    async def outcomes(self, amounts: dict[str, Decimal]) -> dict[str, Outcome]:
        """settlement id -> what the Wallet did with it."""
        ids, result = list(amounts), {}
        for start in range(0, len(ids), 1000):
            try:
                response = await self._wallet.GetSettlementOutcomes(
                    wallet_pb2.GetSettlementOutcomesRequest(settlement_ids=ids[start:start + 1000]),
                    timeout=self._timeout_s)
            except grpc.aio.AioRpcError as error:
                raise _unavailable("wallet GetSettlementOutcomes", error) from None
            for o in response.outcomes:
                result[o.settlement_id] = Outcome(
                    amount=amounts[o.settlement_id], applied=o.applied,
                    posted=parse_decimal("posted", o.posted or "0"),
                    shortfall=parse_decimal("shortfall", o.shortfall or "0"),
                    covered=parse_decimal("shortfall_covered", o.shortfall_covered or "0"),
                    uncovered=parse_decimal("shortfall_uncovered", o.shortfall_uncovered or "0"))
        return result
