"""EngineService (internal): reads of the live books, served on the same event loop as the
apply loop, so a read always sees a state between two commands."""
from __future__ import annotations

from tradex.engine.v1 import engine_pb2, engine_pb2_grpc

from services.engine.api.consumer import CommandLoop
from services.engine.api.snapshots import to_book_hash, to_snapshot
from services.platform.errors import InvalidArgument, NotFound


class EngineServicer(engine_pb2_grpc.EngineServiceServicer):
    def __init__(self, loop: CommandLoop) -> None:
        self._loop = loop

    def _book(self, symbol: str):
        if not symbol:
            raise InvalidArgument("symbol is required")
        book = self._loop.books.get(symbol)
        if book is None:
            raise NotFound(f"this engine holds no book for {symbol}")
        return book

    async def GetBookSnapshot(self, request, context):
        return engine_pb2.GetBookSnapshotResponse(snapshot=to_snapshot(self._book(request.symbol)))

    async def GetBookHash(self, request, context):
        return engine_pb2.GetBookHashResponse(book_hash=to_book_hash(self._book(request.symbol)))
