from tradex.metadata.v1 import metadata_pb2 as _metadata_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InstrumentProposed(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: _metadata_pb2.Instrument
    def __init__(self, instrument: _Optional[_Union[_metadata_pb2.Instrument, _Mapping]] = ...) -> None: ...

class InstrumentCreated(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: _metadata_pb2.Instrument
    def __init__(self, instrument: _Optional[_Union[_metadata_pb2.Instrument, _Mapping]] = ...) -> None: ...

class InstrumentRejected(_message.Message):
    __slots__ = ("instrument",)
    INSTRUMENT_FIELD_NUMBER: _ClassVar[int]
    instrument: _metadata_pb2.Instrument
    def __init__(self, instrument: _Optional[_Union[_metadata_pb2.Instrument, _Mapping]] = ...) -> None: ...
