"""The Go and TypeScript clients (examples/go/trader, examples/ts/trader.ts) log in, deposit,
place and cancel an order and follow the book stream with sequence and checksum checks: Go over
native gRPC through Envoy, TypeScript over gRPC-Web (Envoy's grpc_web filter) with fetch."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.order_support import approved_instrument

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=180, **kwargs)


def check_session(stdout: str) -> None:
    lines = stdout.splitlines()
    assert lines[0].startswith("logged in") and lines[1] == "deposited", stdout
    assert re.fullmatch(r"snapshot verified seq=\d+ checksum=\d+", lines[2]), stdout
    placed = re.fullmatch(r"placed (\w{26})", lines[3])
    assert placed, stdout
    assert re.fullmatch(r"delta verified seq=\d+ bid 50 x 1", lines[4]), stdout
    assert lines[5] == f"cancelled {placed.group(1)}"
    assert re.fullmatch(r"delta verified seq=\d+ bid 50 gone", lines[6]), stdout
    assert lines[7].startswith("refused") and lines[7].endswith("NOT_FOUND"), stdout


def test_go_client_over_native_grpc(exchange, admins, tmp_path):
    symbol = approved_instrument(exchange, admins, reference="50")["symbol"]
    binary = tmp_path / "trader"
    built = run(["go", "build", "-o", str(binary), "./examples/go/trader"], cwd=ROOT)
    assert built.returncode == 0, built.stderr
    result = run([str(binary), "-addr", exchange.grpc_target, "-symbol", symbol, "-price", "50"])
    assert result.returncode == 0, result.stderr
    check_session(result.stdout)


def test_typescript_client_over_grpc_web(exchange, admins):
    symbol = approved_instrument(exchange, admins, reference="50")["symbol"]
    example = ROOT / "examples" / "ts"
    assert (example / "node_modules").exists(), "examples/ts dependencies missing: make install installs them"
    built = run([str(example / "node_modules" / ".bin" / "tsc"), "-p", str(example)])
    assert built.returncode == 0, built.stdout + built.stderr
    result = run(["node", str(example / "build" / "examples" / "ts" / "trader.js"), exchange.http_url, symbol, "50"])
    assert result.returncode == 0, result.stderr
    check_session(result.stdout)
