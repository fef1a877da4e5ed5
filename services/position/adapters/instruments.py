"""Instruments from the Metadata service (GetInstrument over gRPC), cached in-process.

Why this source for the fee rates, the settlement asset and the maintenance rate: an ACTIVE
instrument's parameters never change (Metadata has no update flow), so the answer is the same at
any time and a replayed trade settles exactly as the first time; and a gRPC read cannot deadlock
behind the trade it is needed for, as a second topic read by the same consumer could. The rest
of what a fill needs (user, leverage, reduce_only, liquidation) the engine event itself carries.
"""
from __future__ import annotations

import time
from decimal import Decimal

import grpc
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc

from services.platform.errors import NotFound, Unavailable
from services.platform.mesh_tls import mesh_channel
from services.position.domain.model import Instrument


class InstrumentDirectory:
    def __init__(self, address: str, *, ttl_s: float = 300.0, timeout_s: float = 3.0) -> None:
        self._stub = metadata_pb2_grpc.MetadataServiceStub(
            mesh_channel(address, options=[("grpc.enable_retries", 1)]))
        self._ttl_s = ttl_s
        self._timeout_s = timeout_s
        self._cache: dict[str, tuple[float, Instrument]] = {}

    def put(self, instrument: Instrument) -> None:
        """For tests and warm-up."""
        self._cache[instrument.symbol] = (float("inf"), instrument)

    async def get(self, symbol: str) -> Instrument:
        cached = self._cache.get(symbol)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            response = await self._stub.GetInstrument(metadata_pb2.GetInstrumentRequest(symbol=symbol),
                                                      timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                raise NotFound(f"symbol {symbol} is not a listed instrument") from None
            raise Unavailable(f"metadata did not answer for {symbol}: {error.code().name}") from None
        i = response.instrument
        instrument = Instrument(symbol=i.symbol, asset=i.quote_asset, maker_fee_rate=Decimal(i.maker_fee_rate),
                                taker_fee_rate=Decimal(i.taker_fee_rate),
                                maintenance_margin_rate=Decimal(i.maintenance_margin_rate or "0"))
        if i.status == metadata_pb2.INSTRUMENT_STATUS_ACTIVE:
            self._cache[symbol] = (time.monotonic() + self._ttl_s, instrument)
        return instrument
