"""The book for mid and impact prices: EngineService.GetBookSnapshot (internal RPC), aggregated
by price level. Any failure is a missing book for this sample (logged once per streak)."""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

import grpc
from tradex.engine.v1 import engine_pb2, engine_pb2_grpc

from services.platform.mesh_tls import mesh_channel
from services.pricing.domain.mark import Book, Level

log = logging.getLogger(__name__)


def _levels(orders, descending: bool) -> tuple[Level, ...]:
    total: dict[Decimal, Decimal] = defaultdict(Decimal)
    for order in orders:
        total[Decimal(order.price)] += Decimal(order.quantity)
    return tuple(Level(p, q) for p, q in sorted(total.items(), reverse=descending) if q > 0)


class EngineBooks:
    def __init__(self, address: str, *, timeout_s: float = 2.0) -> None:
        self._channel = mesh_channel(address) if address else None
        self._stub = engine_pb2_grpc.EngineServiceStub(self._channel) if self._channel else None
        self._timeout_s = timeout_s
        self._failing: set[str] = set()

    async def book(self, symbol: str) -> Book | None:
        if self._stub is None:
            return None
        try:
            response = await self._stub.GetBookSnapshot(engine_pb2.GetBookSnapshotRequest(symbol=symbol),
                                                        timeout=self._timeout_s)
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND and symbol not in self._failing:
                log.warning("engine book unavailable for %s: %s %s", symbol, exc.code().name, exc.details())
            self._failing.add(symbol)
            return None
        self._failing.discard(symbol)
        snapshot = response.snapshot
        return Book(bids=_levels(snapshot.bids, True), asks=_levels(snapshot.asks, False))

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
