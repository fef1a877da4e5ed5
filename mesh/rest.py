"""A tiny JSON-over-HTTP client for talking to Envoy's REST edge (seeding, smoke checks)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class RestResponse:
    status: int
    body: dict

    def ok(self) -> bool:
        return 200 <= self.status < 300


def call(base_url: str, method: str, path: str, body: dict | None = None, token: str | None = None,
         timeout: float = 15.0) -> RestResponse:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return RestResponse(response.status, json.loads(raw) if raw else {})
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"message": raw.decode(errors="replace")}
        return RestResponse(error.code, parsed)
