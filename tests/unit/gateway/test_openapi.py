"""The generated OpenAPI description (tools/protoc_gen_openapi.py, run by `make gen`) covers the
public REST surface exactly as the edge routes it, and ships in tradex_proto for the edge."""
from __future__ import annotations

import json
import re
from pathlib import Path

import betterproto2
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2, descriptor_pool
from tradex_proto import DESCRIPTOR_SET_PATH, OPENAPI_PATH

from gateway.envoy_config import _openapi_route, read_method_access

ROOT = Path(__file__).resolve().parents[3]
DOC = json.loads((ROOT / "gen" / "openapi" / "tradex.openapi.json").read_text())


def rest_routes() -> dict[tuple[str, str], str]:
    """(verb, path) -> gRPC path of every public method with an HTTP rule."""
    fds = descriptor_pb2.FileDescriptorSet.FromString(DESCRIPTOR_SET_PATH.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    out = {}
    for grpc_path, access in read_method_access(DESCRIPTOR_SET_PATH).items():
        if not access.public:
            continue
        method = pool.FindMethodByName(grpc_path.lstrip("/").replace("/", "."))
        rule = method.GetOptions().Extensions[annotations_pb2.http]
        for binding in [rule, *rule.additional_bindings]:
            verb = binding.WhichOneof("pattern")
            if verb and verb != "custom":
                out[(verb, getattr(binding, verb))] = grpc_path
    return out


def test_every_public_rest_route_is_described_and_nothing_else():
    described = {(verb, path) for path, ops in DOC["paths"].items() for verb in ops}
    assert described == set(rest_routes())


def test_operations_carry_parameters_bodies_access_and_errors():
    amend = DOC["paths"]["/v1/orders/{order_id}"]["patch"]
    assert [p["name"] for p in amend["parameters"]] == ["order_id"]
    body = amend["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"price", "quantity"}  # order_id travels in the path
    assert amend["security"] == [{"bearer": []}] and amend["x-tradex-access"]["roles"] == ["trader"]
    assert amend["responses"]["default"] == {"$ref": "#/components/responses/Error"}
    book = DOC["paths"]["/v1/markets/{symbol}/book"]["get"]
    assert book["security"] == [] and {p["name"] for p in book["parameters"]} == {"symbol", "depth"}
    stream = DOC["paths"]["/v1/markets/{symbol}/book:stream"]["get"]
    assert stream["x-tradex-streaming"] is True
    schemas = DOC["components"]["schemas"]
    order = schemas["tradex.order.v1.Order"]["properties"]
    assert order["price"]["type"] == "string" and order["created_at_unix_ms"]["format"] == "int64"
    assert "ORDER_STATUS_FILLED" in order["status"]["enum"]
    assert set(schemas["google.rpc.ErrorInfo"]["properties"]) >= {"reason", "domain", "metadata"}
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(DOC)):
        assert ref in schemas, ref


def test_the_package_copy_is_the_generated_file_and_the_edge_serves_it():
    assert OPENAPI_PATH.read_bytes() == (ROOT / "gen" / "openapi" / "tradex.openapi.json").read_bytes()
    route = _openapi_route(OPENAPI_PATH).to_dict(casing=betterproto2.Casing.SNAKE)
    assert route["match"]["path"] == "/openapi.json"
    assert route["direct_response"]["body"]["filename"] == str(OPENAPI_PATH.absolute())


def test_cors_is_off_by_default_and_exact_when_configured(tmp_path):
    from gateway.envoy_config import CORS_FILTER, JwtSettings, build_bootstrap

    jwt = JwtSettings(issuer="i", audiences=("a",), jwks_path=str(tmp_path / "jwks.json"))

    def hcm(**extra):
        config = build_bootstrap(DESCRIPTOR_SET_PATH, {"tradex.metadata.v1.MetadataService": "127.0.0.1:1"},
                                 listener_port=1, admin_port=2, jwt=jwt, **extra)
        [listener] = config["static_resources"]["listeners"]
        return listener["filter_chains"][0]["filters"][0]["typed_config"]

    assert CORS_FILTER not in json.dumps(hcm())
    configured = hcm(cors_origins=["https://app.example"])
    assert configured["http_filters"][0]["name"] == CORS_FILTER
    policy = configured["route_config"]["virtual_hosts"][0]["typed_per_filter_config"][CORS_FILTER]
    assert policy["allow_origin_string_match"] == [{"exact": "https://app.example"}]
    assert "grpc-status-details-bin" in policy["expose_headers"] and "x-grpc-web" in policy["allow_headers"]
