"""Instruments from the Metadata service (GetInstrument over gRPC), cached in-process.

Why a TTL cache and not md.instrument.created.v1: an ACTIVE instrument's parameters never change
(Metadata has no update flow; a change would be a new proposal), so a cached ACTIVE instrument
is never wrong, and a short TTL bounds staleness if that ever changes. Instruments that are not
ACTIVE (or unknown) are not cached at all, so an approval is tradable on the very next order
rather than after an event consumer caught up. One instance per process; concurrent misses for
one symbol share a single RPC.
"""
from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import grpc
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc

from services.order.adapters.downstream import channel, translate
from services.order.domain.model import InstrumentRules
from services.platform.errors import InvalidArgument

_STATUS = {metadata_pb2.INSTRUMENT_STATUS_ACTIVE: "ACTIVE", metadata_pb2.INSTRUMENT_STATUS_PENDING: "PENDING",
           metadata_pb2.INSTRUMENT_STATUS_REJECTED: "REJECTED"}


def rules_from_proto(message: metadata_pb2.Instrument) -> InstrumentRules:
    return InstrumentRules(
        symbol=message.symbol, status=_STATUS.get(message.status, "UNSPECIFIED"), quote_asset=message.quote_asset,
        tick_size=Decimal(message.tick_size), lot_size=Decimal(message.lot_size),
        min_notional=Decimal(message.min_notional), max_order_quantity=Decimal(message.max_order_quantity),
        max_leverage=Decimal(message.max_leverage), maker_fee_rate=Decimal(message.maker_fee_rate),
        taker_fee_rate=Decimal(message.taker_fee_rate))


class InstrumentDirectory:
    def __init__(self, address: str, *, ttl_s: float = 30.0, timeout_s: float = 3.0) -> None:
        self._stub = metadata_pb2_grpc.MetadataServiceStub(channel(address))
        self._ttl_s = ttl_s
        self._timeout_s = timeout_s
        self._cache: dict[str, tuple[float, InstrumentRules]] = {}
        self._inflight: dict[str, asyncio.Future] = {}

    async def get(self, symbol: str) -> InstrumentRules:
        """The instrument, or INVALID_ARGUMENT naming the symbol if Metadata does not know it."""
        cached = self._cache.get(symbol)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        pending = self._inflight.get(symbol)
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._inflight[symbol] = future
        try:
            rules = await self._fetch(symbol)
            future.set_result(rules)
            return rules
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        finally:
            del self._inflight[symbol]

    async def _fetch(self, symbol: str) -> InstrumentRules:
        try:
            response = await self._stub.GetInstrument(metadata_pb2.GetInstrumentRequest(symbol=symbol),
                                                      timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                raise InvalidArgument(f"symbol {symbol} is not a listed instrument") from None
            raise translate("metadata", error) from None
        rules = rules_from_proto(response.instrument)
        if rules.active:
            self._cache[symbol] = (time.monotonic() + self._ttl_s, rules)
        return rules
