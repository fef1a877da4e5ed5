"""The Envoy bootstrap generator: the route table read from the real descriptor set (plus a probe
proto with internal and streaming RPCs), and the shape of the generated config."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from tradex_proto import DESCRIPTOR_SET_PATH

from gateway import envoy_config as ec
from gateway.envoy_config import (
    JwtSettings,
    build_bootstrap,
    main,
    parse_upstream,
    plan_routes,
    read_method_access,
)


def _load_probe_module():
    # Loaded by path: tests/ is not a package, and this works under any pytest import mode.
    spec = importlib.util.spec_from_file_location("_edge_probe_proto", Path(__file__).with_name("_probe_proto.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


probe = _load_probe_module()

METADATA = "tradex.metadata.v1.MetadataService"
PROBE = probe.SERVICE


@pytest.fixture(scope="module")
def probe_set(tmp_path_factory) -> Path:
    path, _ = probe.build_probe_descriptor_set(tmp_path_factory.mktemp("probe"))
    return path


@pytest.fixture
def jwt_settings(tmp_path) -> JwtSettings:
    return JwtSettings(issuer="tradex-auth", audiences=("tradex",), jwks_path=str(tmp_path / "jwks.json"))


def routes_of(config: dict) -> dict[str, dict]:
    hcm = http_connection_manager(config)
    (vhost,) = hcm["route_config"]["virtual_hosts"]
    return {r["match"]["path"]: r for r in vhost.get("routes", [])}


def http_connection_manager(config: dict) -> dict:
    (listener,) = config["static_resources"]["listeners"]
    (chain,) = listener["filter_chains"]
    (network_filter,) = chain["filters"]
    return network_filter["typed_config"]


def http_filters(config: dict) -> dict[str, dict]:
    return {f["name"]: f["typed_config"] for f in http_connection_manager(config)["http_filters"]}


def jwt_rule(route: dict) -> dict:
    cfg = dict(route["typed_per_filter_config"][ec.JWT_FILTER])
    assert cfg.pop("@type") == "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig"
    return cfg


# --- reading access rules ----------------------------------------------------------------------


def test_access_rules_of_the_real_metadata_service() -> None:
    rules = read_method_access(DESCRIPTOR_SET_PATH, [METADATA])
    create = rules[f"/{METADATA}/CreateInstrument"]
    assert create.has_rule and not create.anonymous and not create.internal
    assert create.roles == ("admin:maker",)
    get = rules[f"/{METADATA}/GetInstrument"]
    assert get.anonymous and get.public


def test_route_table_of_the_real_metadata_service() -> None:
    routes = {r.method: r for r in plan_routes(DESCRIPTOR_SET_PATH, [METADATA])}
    assert set(routes) == {
        "CreateInstrument",
        "ApproveInstrument",
        "RejectInstrument",
        "GetInstrument",
        "ListInstruments",
    }
    assert routes["CreateInstrument"].requires_jwt
    assert routes["ApproveInstrument"].requires_jwt
    assert not routes["GetInstrument"].requires_jwt
    assert not routes["ListInstruments"].requires_jwt
    assert routes["GetInstrument"].path == f"/{METADATA}/GetInstrument"


def test_every_service_of_the_real_set_is_readable() -> None:
    # Whatever protos other engineers add, every method's rule parses.
    rules = read_method_access(DESCRIPTOR_SET_PATH)
    assert rules[f"/{METADATA}/GetInstrument"].anonymous


def test_internal_wins_over_anonymous() -> None:
    access = ec.MethodAccess(
        service="s.v1.S",
        method="M",
        has_rule=True,
        anonymous=True,
        internal=True,
        roles=(),
        client_streaming=False,
        server_streaming=False,
    )
    assert not access.public


def test_internal_and_rule_less_methods_get_no_route(probe_set: Path) -> None:
    rules = read_method_access(probe_set, [PROBE])
    assert rules[f"/{PROBE}/InternalEcho"].internal
    assert not rules[f"/{PROBE}/NoRuleEcho"].has_rule
    routes = {r.method: r for r in plan_routes(probe_set, [PROBE])}
    assert set(routes) == {"Echo", "Count", "Upload"}
    assert routes["Count"].server_streaming and routes["Count"].requires_jwt
    assert routes["Upload"].client_streaming


def test_unknown_service_is_an_error() -> None:
    with pytest.raises(KeyError, match="tradex.nope.v1.NopeService"):
        plan_routes(DESCRIPTOR_SET_PATH, ["tradex.nope.v1.NopeService"])


# --- the generated bootstrap -------------------------------------------------------------------


def test_routes_carry_the_jwt_requirement(probe_set: Path, jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(
        probe_set,
        {METADATA: "127.0.0.1:50051", PROBE: "127.0.0.1:50052"},
        listener_port=8080,
        admin_port=9901,
        jwt=jwt_settings,
    )
    routes = routes_of(config)
    assert jwt_rule(routes[f"/{METADATA}/CreateInstrument"]) == {"requirement_name": ec.JWT_REQUIREMENT}
    assert jwt_rule(routes[f"/{METADATA}/GetInstrument"]) == {"disabled": True}
    assert jwt_rule(routes[f"/{PROBE}/Echo"]) == {"disabled": True}
    assert jwt_rule(routes[f"/{PROBE}/Count"]) == {"requirement_name": ec.JWT_REQUIREMENT}
    assert f"/{PROBE}/InternalEcho" not in routes
    assert f"/{PROBE}/NoRuleEcho" not in routes
    # Nothing else: no catch-all route that could reach a service.
    assert len(routes) == 5 + 3
    for path, route in routes.items():
        assert route["route"]["cluster"] == path.split("/")[1]


def test_timeouts_and_buffering_follow_streaming(probe_set: Path, jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(
        probe_set, {PROBE: "127.0.0.1:50052"}, listener_port=8080, admin_port=9901, jwt=jwt_settings
    )
    routes = routes_of(config)
    assert routes[f"/{PROBE}/Echo"]["route"]["timeout"] == "15s"
    assert routes[f"/{PROBE}/Count"]["route"]["timeout"] == "0s"
    assert routes[f"/{PROBE}/Upload"]["route"]["timeout"] == "0s"
    assert routes[f"/{PROBE}/Upload"]["typed_per_filter_config"][ec.BUFFER_FILTER]["disabled"] is True
    assert ec.BUFFER_FILTER not in routes[f"/{PROBE}/Count"]["typed_per_filter_config"]


def test_only_mapped_services_are_routed_and_transcoded(probe_set: Path, jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(
        probe_set, {METADATA: "127.0.0.1:50051"}, listener_port=8080, admin_port=9901, jwt=jwt_settings
    )
    assert all(path.startswith(f"/{METADATA}/") for path in routes_of(config))
    assert http_filters(config)[ec.TRANSCODER_FILTER]["services"] == [METADATA]
    assert [c["name"] for c in config["static_resources"]["clusters"]] == [METADATA]


def test_filter_order_and_settings(jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(
        DESCRIPTOR_SET_PATH,
        {METADATA: "127.0.0.1:50051"},
        listener_port=8080,
        admin_port=9901,
        jwt=jwt_settings,
        max_request_bytes=4096,
    )
    filters = http_filters(config)
    assert list(filters) == [
        ec.HEALTH_CHECK_FILTER,
        ec.GRPC_WEB_FILTER,
        ec.JSON_FIELDS_FILTER,
        ec.TRANSCODER_FILTER,
        ec.JWT_FILTER,
        ec.BUFFER_FILTER,
        ec.ROUTER_FILTER,
    ]
    transcoder = filters[ec.TRANSCODER_FILTER]
    assert transcoder["proto_descriptor"] == str(Path(DESCRIPTOR_SET_PATH).absolute())
    assert transcoder["convert_grpc_status"] is True
    assert transcoder["print_options"] == {"preserve_proto_field_names": True, "always_print_primitive_fields": True}
    assert transcoder["request_validation_options"] == {
        "reject_unknown_method": True,
        "reject_unknown_query_parameters": True,
    }
    assert transcoder["max_request_body_size"] == 4096
    assert "match_incoming_request_route" not in transcoder  # the route is re-selected
    assert filters[ec.BUFFER_FILTER]["max_request_bytes"] == 4096

    provider = filters[ec.JWT_FILTER]["providers"][ec.JWT_PROVIDER]
    assert provider["issuer"] == "tradex-auth"
    assert provider["audiences"] == ["tradex"]
    assert provider["local_jwks"] == {"filename": jwt_settings.jwks_path}
    assert provider["forward"] is True
    assert provider["from_headers"] == [{"name": "Authorization", "value_prefix": "Bearer "}]
    assert "rules" not in filters[ec.JWT_FILTER]  # requirements are per route only


def test_listener_admin_and_upstreams(jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(
        DESCRIPTOR_SET_PATH,
        {METADATA: "metadata.tradex.svc:50051"},
        listener_port=8080,
        admin_port=9901,
        jwt=jwt_settings,
    )
    (listener,) = config["static_resources"]["listeners"]
    assert listener["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 8080}
    assert config["admin"]["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 9901}
    (cluster,) = config["static_resources"]["clusters"]
    assert cluster["type"] == "STRICT_DNS"  # a host name; an IP literal gives STATIC
    options = cluster["typed_extension_protocol_options"][ec.UPSTREAM_PROTOCOL_OPTIONS]
    assert options["explicit_http_config"] == {"http2_protocol_options": {}}
    endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
    assert endpoint["address"]["socket_address"] == {"address": "metadata.tradex.svc", "port_value": 50051}


def test_local_replies_map_403_to_401_first(jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(
        DESCRIPTOR_SET_PATH, {METADATA: "127.0.0.1:50051"}, listener_port=8080, admin_port=9901, jwt=jwt_settings
    )
    mappers = http_connection_manager(config)["local_reply_config"]["mappers"]
    assert mappers[0]["status_code"] == 401 and mappers[1]["status_code"] == 401
    assert all("status_code" not in m for m in mappers[2:])


def test_no_upstreams_gives_a_config_without_transcoder(jwt_settings: JwtSettings) -> None:
    config = build_bootstrap(DESCRIPTOR_SET_PATH, {}, listener_port=8080, admin_port=9901, jwt=jwt_settings)
    assert ec.TRANSCODER_FILTER not in http_filters(config)
    assert routes_of(config) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("127.0.0.1:50051", ("127.0.0.1", 50051)), ("localhost:1", ("localhost", 1)), ("[::1]:443", ("::1", 443))],
)
def test_parse_upstream(text: str, expected: tuple[str, int]) -> None:
    assert parse_upstream(text) == expected


@pytest.mark.parametrize("text", ["127.0.0.1", ":80", "host:", "host:0", "host:70000", "host:http"])
def test_parse_upstream_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_upstream(text)


def test_jwt_settings_need_issuer_and_audience(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        JwtSettings(issuer="", audiences=("a",), jwks_path=str(tmp_path / "j"))
    with pytest.raises(ValueError):
        JwtSettings(issuer="i", audiences=(), jwks_path=str(tmp_path / "j"))


def test_cli_writes_the_config(tmp_path: Path, capsys) -> None:
    out = tmp_path / "envoy" / "envoy.json"
    rc = main(
        [
            "--descriptor-set",
            str(DESCRIPTOR_SET_PATH),
            "--upstream",
            f"{METADATA}=127.0.0.1:50051",
            "--listener-port",
            "18080",
            "--admin-port",
            "19901",
            "--jwt-issuer",
            "tradex-auth",
            "--jwt-audience",
            "tradex",
            "--jwt-audience",
            "tradex-admin",
            "--jwks-file",
            str(tmp_path / "jwks.json"),
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    assert capsys.readouterr().out.strip() == str(out)
    config = json.loads(out.read_text())
    assert f"/{METADATA}/CreateInstrument" in routes_of(config)
    provider = http_filters(config)[ec.JWT_FILTER]["providers"][ec.JWT_PROVIDER]
    assert provider["audiences"] == ["tradex", "tradex-admin"]
    assert list(tmp_path.joinpath("envoy").iterdir()) == [out]  # no temp file left behind


@pytest.mark.parametrize(
    "upstream",
    ["127.0.0.1:50051", f"{METADATA}=127.0.0.1", "tradex.nope.v1.NopeService=127.0.0.1:1"],
    ids=["no-service", "no-port", "unknown-service"],
)
def test_cli_rejects_a_bad_upstream(tmp_path: Path, upstream: str, capsys) -> None:
    rc = main(
        [
            "--upstream",
            upstream,
            "--jwt-issuer",
            "i",
            "--jwt-audience",
            "a",
            "--jwks-file",
            str(tmp_path / "j"),
            "--out",
            str(tmp_path / "o.json"),
        ]
    )
    assert rc == 2
    assert "envoy_config:" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()
