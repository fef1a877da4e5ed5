"""REST calls through Envoy from a chosen loopback source address (Linux routes all of 127.0.0.0/8 to
lo), so a test gets per-client-address limits of its own: Envoy appends the address it saw to
x-forwarded-for and Auth counts per that address."""
from __future__ import annotations

import http.client
import json
import random
from urllib.parse import urlsplit

from mesh.rest import RestResponse


def fresh_address() -> str:
    """A loopback address no other test uses (127.0.0.1 is everyone's)."""
    return f"127.{random.randint(2, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def call_from(source: str, base_url: str, method: str, path: str, body: dict | None = None,
              token: str | None = None, timeout: float = 15.0) -> RestResponse:
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout, source_address=(source, 0))
    try:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"message": raw.decode(errors="replace")}
        return RestResponse(response.status, parsed)
    finally:
        conn.close()
