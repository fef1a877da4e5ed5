"""Unknown JSON fields in a REST body are refused (INVALID_ARGUMENT, HTTP 400) naming the field.

Envoy's grpc_json_transcoder drops body fields the request message does not define, silently (its
options can refuse unknown methods and query parameters, not body fields), and once transcoded the
service sees only protobuf: the names are gone. So the edge tells the service which names the body
had: a Lua filter ahead of the transcoder (gateway/envoy_config.py, JSON_FIELDS_LUA) puts the JSON
object's top-level keys in the ``x-tradex-json-fields`` header (removing any the client sent), and
the guard interceptor checks them here against the method's request message and its
``google.api.http`` body rule, from the same descriptors as everything else. A client's typo
(``time_in_forc``) or a field it may not set (``user_id``, ``status``, ``roles``) is then a 400
instead of a silent default.

Only top-level keys are checked (request bodies are flat here). A key is known when it is the proto
name or the JSON name of a field the body maps to: every field for ``body: "*"``, the fields of the
named message for ``body: "order"``.
"""
from __future__ import annotations

import functools

from google.api import annotations_pb2
from google.protobuf import descriptor_pool

from services.platform.errors import InvalidArgument

HEADER = "x-tradex-json-fields"


def _names(message) -> frozenset[str]:
    return frozenset(n for f in message.fields for n in (f.name, f.json_name))


@functools.cache
def body_fields(full_method: str) -> frozenset[str] | None:
    """The JSON names a REST body of ``full_method`` may have; None when it has no body rule."""
    name = full_method.lstrip("/").replace("/", ".")
    try:
        method = descriptor_pool.Default().FindMethodByName(name)
    except KeyError:
        return None
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return None
    rule = options.Extensions[annotations_pb2.http]
    allowed: set[str] = set()
    for binding in (rule, *rule.additional_bindings):
        if binding.body == "*":
            allowed |= _names(method.input_type)
        elif binding.body:
            field = method.input_type.fields_by_name.get(binding.body)
            if field is not None and field.message_type is not None:
                allowed |= _names(field.message_type)
    return frozenset(allowed)


def check_json_fields(full_method: str, metadata) -> None:
    """Raises InvalidArgument naming the first unknown top-level field of the REST body, if any."""
    listed = next((value for key, value in metadata or () if key == HEADER), None)
    if listed is None:
        return
    keys = [k for k in listed.split(",") if k]
    if not keys:
        return
    allowed = body_fields(full_method) or frozenset()
    for key in keys:
        if key not in allowed:
            known = ", ".join(sorted({k for k in allowed if "_" in k or k.islower()})) or "none"
            raise InvalidArgument(f"unknown field {key!r} in the request body (known fields: {known})")
