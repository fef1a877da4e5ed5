"""Per-method upstreams: MarketDataService is served by marketdata, except the two price methods,
which the edge sends to pricing (mesh/exchange.py)."""
from __future__ import annotations

import pytest
from tradex_proto import DESCRIPTOR_SET_PATH

from gateway.envoy_config import JwtSettings, build_bootstrap

MD = "tradex.marketdata.v1.MarketDataService"


def _routes_and_clusters(upstreams):
    cfg = build_bootstrap(DESCRIPTOR_SET_PATH, upstreams, listener_port=0, admin_port=0,
                          jwt=JwtSettings("tradex-auth", ("tradex",), "/tmp/jwks.json"))
    hcm = cfg["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    routes = {r["match"]["path"]: r["route"]["cluster"] for r in hcm["route_config"]["virtual_hosts"][0]["routes"]}
    clusters = {c["name"]: c["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]
                ["socket_address"]["port_value"] for c in cfg["static_resources"]["clusters"]}
    return routes, clusters


def test_method_key_overrides_its_service_upstream():
    routes, clusters = _routes_and_clusters({MD: "127.0.0.1:1001", f"{MD}/GetMarkPrice": "127.0.0.1:1002",
                                             f"{MD}/GetIndexPrice": "127.0.0.1:1002"})
    assert clusters[routes[f"/{MD}/GetMarkPrice"]] == 1002
    assert clusters[routes[f"/{MD}/GetIndexPrice"]] == 1002
    for method in ("GetOrderBook", "ListTrades", "ListCandles", "GetTicker", "StreamOrderBook", "StreamCandles"):
        assert clusters[routes[f"/{MD}/{method}"]] == 1001


def test_method_keys_alone_route_only_those_methods():
    routes, _ = _routes_and_clusters({f"{MD}/GetMarkPrice": "127.0.0.1:1002"})
    assert list(routes) == [f"/{MD}/GetMarkPrice"]


def test_unknown_method_key_is_refused():
    with pytest.raises(KeyError):
        _routes_and_clusters({f"{MD}/NoSuchMethod": "127.0.0.1:1002"})
