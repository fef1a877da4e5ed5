"""A protoc/buf plugin: the OpenAPI 3 description of TradeX's public REST surface.

Reads the same options the edge is generated from (gateway/envoy_config.py): every method with a
`google.api.http` rule and a `(tradex.common.v1.access)` rule that is not internal becomes an
operation, with its path and query parameters, its JSON body (`body: "*"` or one field), its
answer, its access rule (`security` and `x-tradex-access`) and the proto comments as text.
JSON follows Envoy's transcoder settings: proto field names (snake_case), enums as names, 64-bit
integers as strings, every primitive printed. Errors are `google.rpc.Status` whose `details`
carry a `google.rpc.ErrorInfo` (domain "tradex", UPPER_SNAKE reason).

Writes one file, `tradex.openapi.json` (buf.gen.yaml puts it in gen/openapi/). Deterministic:
sorted keys, no timestamps, so `make gen-check` can diff it.
"""
from __future__ import annotations

import json
import re
import sys

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor, descriptor_pb2, descriptor_pool
from google.protobuf.compiler import plugin_pb2
from tradex.common.v1 import access_pb2

OUTPUT = "tradex.openapi.json"
F = descriptor.FieldDescriptor
_SCALARS = {
    F.TYPE_DOUBLE: {"type": "number", "format": "double"},
    F.TYPE_FLOAT: {"type": "number", "format": "float"},
    F.TYPE_INT64: {"type": "string", "format": "int64"},
    F.TYPE_UINT64: {"type": "string", "format": "uint64"},
    F.TYPE_SINT64: {"type": "string", "format": "int64"},
    F.TYPE_FIXED64: {"type": "string", "format": "uint64"},
    F.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    F.TYPE_INT32: {"type": "integer", "format": "int32"},
    F.TYPE_SINT32: {"type": "integer", "format": "int32"},
    F.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    F.TYPE_UINT32: {"type": "integer", "format": "int64", "minimum": 0},
    F.TYPE_FIXED32: {"type": "integer", "format": "int64", "minimum": 0},
    F.TYPE_BOOL: {"type": "boolean"},
    F.TYPE_STRING: {"type": "string"},
    F.TYPE_BYTES: {"type": "string", "format": "byte"},
}
_VERBS = ("get", "put", "post", "delete", "patch")


class Comments:
    """Leading comments of services, methods, messages, fields and enums, by full name."""

    def __init__(self, files) -> None:
        self.text: dict[str, str] = {}
        for file in files:
            by_path = {tuple(loc.path): loc.leading_comments.strip() for loc in file.source_code_info.location
                       if loc.leading_comments.strip()}
            prefix = file.package + "." if file.package else ""
            for si, service in enumerate(file.service):
                self._put(prefix + service.name, by_path.get((6, si)))
                for mi, method in enumerate(service.method):
                    self._put(f"{prefix}{service.name}.{method.name}", by_path.get((6, si, 2, mi)))
            for ei, enum in enumerate(file.enum_type):
                self._put(prefix + enum.name, by_path.get((5, ei)))
            for mi, message in enumerate(file.message_type):
                self._message(prefix + message.name, message, (4, mi), by_path)

    def _message(self, name, message, path, by_path) -> None:
        self._put(name, by_path.get(path))
        for fi, field in enumerate(message.field):
            self._put(f"{name}.{field.name}", by_path.get((*path, 2, fi)))
        for ni, nested in enumerate(message.nested_type):
            self._message(f"{name}.{nested.name}", nested, (*path, 3, ni), by_path)
        for ei, enum in enumerate(message.enum_type):
            self._put(f"{name}.{enum.name}", by_path.get((*path, 4, ei)))

    def _put(self, key: str, text: str | None) -> None:
        if text:
            self.text[key] = re.sub(r"\n ?", "\n", text).strip()

    def get(self, key: str) -> str:
        return self.text.get(key, "")


class Builder:
    def __init__(self, pool: descriptor_pool.DescriptorPool, comments: Comments) -> None:
        self.pool = pool
        self.comments = comments
        self.schemas: dict[str, dict] = {}

    # --- schemas -------------------------------------------------------------------------------

    def ref(self, message: descriptor.Descriptor, without: frozenset[str] = frozenset()) -> dict:
        if without:
            return self.message_schema(message, without)
        if message.full_name not in self.schemas:
            self.schemas[message.full_name] = {}  # placeholder: recursive messages
            self.schemas[message.full_name] = self.message_schema(message)
        return {"$ref": f"#/components/schemas/{message.full_name}"}

    def message_schema(self, message: descriptor.Descriptor, without: frozenset[str] = frozenset()) -> dict:
        special = _well_known(message.full_name)
        if special is not None:
            return special
        properties = {}
        for field in message.fields:
            if field.name in without:
                continue
            schema = self.field_schema(field)
            text = self.comments.get(f"{message.full_name}.{field.name}")
            if text:
                schema = {**schema, "description": text} if "$ref" not in schema else \
                    {"allOf": [schema], "description": text}
            properties[field.name] = schema
        schema = {"type": "object", "properties": properties}
        text = self.comments.get(message.full_name)
        if text:
            schema["description"] = text
        return schema

    def field_schema(self, field: descriptor.FieldDescriptor) -> dict:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self.single(value)}
        single = self.single(field)
        if field.is_repeated:
            return {"type": "array", "items": single}
        return single

    def single(self, field: descriptor.FieldDescriptor) -> dict:
        if field.message_type is not None:
            return self.ref(field.message_type)
        if field.enum_type is not None:
            enum = field.enum_type
            schema = {"type": "string", "enum": [v.name for v in enum.values]}
            text = self.comments.get(enum.full_name)
            return {**schema, "description": text} if text else schema
        return dict(_SCALARS[field.type])

    # --- operations ------------------------------------------------------------------------------

    def operations(self, method: descriptor.MethodDescriptor, rule: http_pb2.HttpRule, access) -> list:
        out = []
        for binding in [rule, *rule.additional_bindings]:
            verb = next(v for v in _VERBS if getattr(binding, v)) if binding.WhichOneof("pattern") != "custom" \
                else binding.custom.kind.lower()
            path = getattr(binding, verb) if binding.WhichOneof("pattern") != "custom" else binding.custom.path
            out.append((path, verb, self.operation(method, binding, path, access)))
        return out

    def operation(self, method, binding, path: str, access) -> dict:
        request = method.input_type
        path_fields = re.findall(r"\{([\w.]+)(?:=[^}]*)?\}", path)
        parameters = [{"name": name, "in": "path", "required": True,
                       "schema": self.single(request.fields_by_name[name.split(".")[0]]),
                       **({"description": d} if (d := self.comments.get(f"{request.full_name}.{name}")) else {})}
                      for name in path_fields]
        op: dict = {"operationId": f"{method.containing_service.name}_{method.name}",
                    "tags": [method.containing_service.full_name]}
        text = self.comments.get(f"{method.containing_service.full_name}.{method.name}")
        if text:
            op["summary"] = text.split("\n")[0].split(". ")[0].rstrip(".")
            op["description"] = text
        if binding.body == "*":
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": self.ref(request, frozenset(path_fields))}}}
        elif binding.body:
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": self.field_schema(request.fields_by_name[binding.body])}}}
        else:
            for field in request.fields:
                if field.name in path_fields or field.message_type is not None:
                    continue
                param = {"name": field.name, "in": "query", "required": False, "schema": self.field_schema(field)}
                if field.is_repeated:
                    param["explode"] = True
                text = self.comments.get(f"{request.full_name}.{field.name}")
                if text:
                    param["description"] = text
                parameters.append(param)
        if parameters:
            op["parameters"] = parameters
        answer = self.ref(method.output_type)
        if method.server_streaming:
            op["responses"] = {"200": {"description": "A stream: a JSON array whose elements (one per message) "
                                                      "arrive as they happen.",
                                       "content": {"application/json": {"schema": {"type": "array",
                                                                                    "items": answer}}}}}
            op["x-tradex-streaming"] = True
        else:
            op["responses"] = {"200": {"description": "OK", "content": {"application/json": {"schema": answer}}}}
        op["responses"]["default"] = {"$ref": "#/components/responses/Error"}
        op["security"] = [] if access.anonymous else [{"bearer": []}]
        op["x-tradex-access"] = {"anonymous": access.anonymous, "roles": list(access.roles)}
        return op


def _well_known(name: str) -> dict | None:
    if name == "google.protobuf.Any":
        return {"type": "object", "properties": {"@type": {"type": "string"}}, "additionalProperties": True}
    if name == "google.protobuf.Duration":
        return {"type": "string", "example": "1.5s"}
    if name == "google.protobuf.Timestamp":
        return {"type": "string", "format": "date-time"}
    if name == "google.protobuf.Struct":
        return {"type": "object", "additionalProperties": True}
    return None


def build(files: list[descriptor_pb2.FileDescriptorProto], to_generate: list[str]) -> dict:
    pool = descriptor_pool.DescriptorPool()
    for file in files:
        pool.Add(file)
    comments = Comments([f for f in files if f.name in to_generate])
    builder = Builder(pool, comments)
    paths: dict[str, dict] = {}
    tags = []
    for file in files:
        if file.name not in to_generate:
            continue
        for service_proto in file.service:
            service = pool.FindServiceByName(f"{file.package}.{service_proto.name}")
            public = False
            for method in service.methods:
                options = method.GetOptions()
                if not options.HasExtension(annotations_pb2.http) or not options.HasExtension(access_pb2.access):
                    continue
                access = options.Extensions[access_pb2.access]
                if access.internal:
                    continue
                public = True
                for path, verb, op in builder.operations(method, options.Extensions[annotations_pb2.http], access):
                    paths.setdefault(re.sub(r"\{([\w.]+)=[^}]*\}", r"{\1}", path), {})[verb] = op
            if public:
                tags.append({"name": service.full_name, "description": comments.get(service.full_name)})
    status = builder.ref(pool.FindMessageTypeByName("google.rpc.Status"))
    builder.ref(pool.FindMessageTypeByName("google.rpc.ErrorInfo"))
    return {
        "openapi": "3.0.3",
        "info": {"title": "TradeX public REST API", "version": "v1",
                 "description": "Generated from the protos (tools/protoc_gen_openapi.py): the REST routes Envoy "
                                "transcodes to gRPC. Decimals are strings, times unix milliseconds. Errors are "
                                "google.rpc.Status with a google.rpc.ErrorInfo (domain \"tradex\", UPPER_SNAKE "
                                "reason) in `details`."},
        "servers": [{"url": "/"}],
        "tags": sorted(tags, key=lambda t: t["name"]),
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "responses": {"Error": {"description": "A refusal: google.rpc.Status; `details` holds a "
                                                   "google.rpc.ErrorInfo with the reason.",
                                    "content": {"application/json": {"schema": status}}}},
            "schemas": dict(sorted(builder.schemas.items())),
        },
    }


def main() -> None:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse()
    response.supported_features = plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    files = list(request.proto_file)
    wanted = [f for f in request.file_to_generate if f.startswith("tradex/")]
    # google.rpc types must be known for the error schema even though no TradeX file imports them.
    names = {f.name for f in files}
    for module in ("google.protobuf.any_pb2", "google.protobuf.duration_pb2", "google.rpc.status_pb2",
                   "google.rpc.error_details_pb2"):
        file_desc = __import__(module, fromlist=["DESCRIPTOR"]).DESCRIPTOR
        if file_desc.name not in names:
            proto = descriptor_pb2.FileDescriptorProto()
            file_desc.CopyToProto(proto)
            files.append(proto)
            names.add(proto.name)
    generated = response.file.add()
    generated.name = OUTPUT
    generated.content = json.dumps(build(files, wanted), indent=1, sort_keys=False) + "\n"
    sys.stdout.buffer.write(response.SerializeToString())


if __name__ == "__main__":
    main()
