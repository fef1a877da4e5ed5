"""The client: one gRPC channel (to Envoy or a service), a bearer token, typed errors."""
from __future__ import annotations

import grpc
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc

from tradex_sdk.errors import from_rpc_error


class Client:
    """`Client("127.0.0.1:8080", access_token=...)` — the target is Envoy's port."""

    def __init__(self, target: str, access_token: str | None = None, timeout_s: float = 10.0) -> None:
        self._channel = grpc.insecure_channel(target)
        self._token = access_token
        self._timeout = timeout_s
        self._metadata_stub = metadata_pb2_grpc.MetadataServiceStub(self._channel)

    def set_access_token(self, token: str | None) -> None:
        self._token = token

    def _call(self, method, request):
        metadata = [("authorization", f"Bearer {self._token}")] if self._token else []
        try:
            return method(request, timeout=self._timeout, metadata=metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def get_instrument(self, symbol: str) -> metadata_pb2.Instrument:
        return self._call(self._metadata_stub.GetInstrument,
                          metadata_pb2.GetInstrumentRequest(symbol=symbol)).instrument

    def list_instruments(self) -> list[metadata_pb2.Instrument]:
        result, token = [], ""
        while True:
            page = self._call(self._metadata_stub.ListInstruments,
                              metadata_pb2.ListInstrumentsRequest(page_token=token))
            result.extend(page.instruments)
            token = page.next_page_token
            if not token:
                return result

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
