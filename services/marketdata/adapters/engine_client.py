"""EngineService.GetBookSnapshot (internal RPC): the engine's current state of a book, to repair
a book after a gap or mismatch, or to start one this service has never seen."""
from __future__ import annotations

import grpc
from tradex.engine.v1 import engine_pb2, engine_pb2_grpc
from tradex.engine.v1 import events_pb2 as engine_pb

from services.platform.mesh_tls import mesh_channel


class EngineSnapshots:
    def __init__(self, address: str, *, timeout_s: float = 5.0) -> None:
        self._channel = mesh_channel(address) if address else None
        self._stub = engine_pb2_grpc.EngineServiceStub(self._channel) if self._channel else None
        self._timeout_s = timeout_s

    async def snapshot(self, symbol: str) -> engine_pb.BookSnapshot | None:
        """None when the engine holds no book for the symbol; raises on any other failure."""
        if self._stub is None:
            raise RuntimeError("ENGINE_ADDR is not set: cannot fetch an engine snapshot")
        try:
            response = await self._stub.GetBookSnapshot(engine_pb2.GetBookSnapshotRequest(symbol=symbol),
                                                        timeout=self._timeout_s)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        return response.snapshot

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
