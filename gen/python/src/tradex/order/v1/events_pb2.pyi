from tradex.order.v1 import order_pb2 as _order_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderUpdated(_message.Message):
    __slots__ = ("order", "fill")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    order: _order_pb2.Order
    fill: _order_pb2.Fill
    def __init__(self, order: _Optional[_Union[_order_pb2.Order, _Mapping]] = ..., fill: _Optional[_Union[_order_pb2.Fill, _Mapping]] = ...) -> None: ...
