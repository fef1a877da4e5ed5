"""sdk/README.md's examples run as written against the exchange: every ```python block, in
order, in one namespace, with TRADEX_TARGET and TRADEX_SYMBOL set."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from tests.e2e.order_support import approved_instrument

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parents[2] / "sdk" / "README.md"


def blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", README.read_text(), re.S | re.M)


def test_readme_examples_run(exchange, admins, monkeypatch):
    symbol = approved_instrument(exchange, admins, reference="50")["symbol"]  # the README trades at 50
    monkeypatch.setenv("TRADEX_TARGET", exchange.grpc_target)
    monkeypatch.setenv("TRADEX_SYMBOL", symbol)
    assert len(blocks()) == 3
    namespace: dict = {"__name__": "readme"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks():
            exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README is ours
    printed = out.getvalue().splitlines()
    assert printed[0].split()[1:] == ["ORDER_STATUS_NEW", "50"], printed
    assert printed[1].startswith("refused: INVALID_ARGUMENT")
    assert "NOT_FOUND" in printed
    assert namespace["resyncs"] == [] and namespace["update"].is_snapshot
