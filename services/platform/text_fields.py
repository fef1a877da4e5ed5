"""Text no TradeX field may carry: a NUL character. PostgreSQL cannot store it in text, so it
would surface as an INTERNAL error deep in a handler; refusing it at the door, naming the
field, keeps every service's answer to such input a clean INVALID_ARGUMENT."""
from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.platform.errors import InvalidArgument


def _nul_path(message: Message, prefix: str = "") -> str | None:
    for field, value in message.ListFields():
        name = prefix + field.name
        values = value if field.is_repeated else [value]
        if field.type == FieldDescriptor.TYPE_STRING:
            if any("\x00" in v for v in values):
                return name
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                items = value.items() if hasattr(value, "items") else []
                if any("\x00" in str(k) or (isinstance(v, str) and "\x00" in v) for k, v in items):
                    return name
                continue
            for inner in values:
                found = _nul_path(inner, name + ".")
                if found:
                    return found
    return None


def reject_nul_characters(request: Message) -> None:
    path = _nul_path(request)
    if path:
        raise InvalidArgument(f"{path} must not contain a NUL character")
