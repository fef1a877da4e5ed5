"""`make up` serves the generated OpenAPI description at GET /openapi.json and a page rendering
it at GET /docs (Envoy answers both itself), and it describes the routes that really answer."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from tradex_proto import OPENAPI_PATH

pytestmark = pytest.mark.e2e


def test_openapi_json_is_served_by_the_edge(exchange):
    with urllib.request.urlopen(exchange.http_url + "/openapi.json", timeout=15) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/json")
        served = response.read()
    assert served == OPENAPI_PATH.read_bytes()
    doc = json.loads(served)
    assert doc["openapi"].startswith("3.") and "/v1/orders" in doc["paths"]
    # A described anonymous route answers as described.
    with urllib.request.urlopen(exchange.http_url + "/v1/instruments", timeout=15) as response:
        assert "instruments" in json.loads(response.read())
    with urllib.request.urlopen(exchange.http_url + "/docs", timeout=15) as response:
        assert response.headers["content-type"].startswith("text/html")
        assert 'spec-url="/openapi.json"' in response.read().decode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(exchange.http_url + "/openapi.json", data=b"{}",
                                                      method="POST"), timeout=15)
    assert refused.value.code == 404
