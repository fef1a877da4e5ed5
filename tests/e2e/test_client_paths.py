"""Every way a user reaches TradeX really works: the Python SDK, grpcurl (through Envoy with the
descriptor set, and directly with reflection), REST, and clients generated for Go and TypeScript."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from tradex_proto import DESCRIPTOR_SET_PATH
from tradex_sdk import Client, NotFoundError

from mesh.rest import call
from tests.e2e.order_support import publish_index
from tests.e2e.test_configuration_flow import new_spec

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
GRPCURL = str(Path(sys.executable).with_name("grpcurl"))


@pytest.fixture(scope="module")
def active_symbol(exchange, admins):
    spec = new_spec()
    assert call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec},
                admins["maker"]["token"]).status == 200
    assert call(exchange.http_url, "POST", f"/v1/instruments/{spec['symbol']}/approve", {},
                admins["checker"]["token"]).status == 200
    # The market's index, so that an order at 10 is judged on its margin (without any price it
    # would be NO_REFERENCE_PRICE).
    publish_index(exchange, spec["symbol"], "10")
    return spec["symbol"]


def run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=180, **kwargs)


def test_python_sdk_reads_instruments_and_raises_typed_errors(exchange, active_symbol):
    with Client(exchange.grpc_target) as client:
        assert client.get_instrument(active_symbol).tick_size == "0.01"
        assert active_symbol in [i.symbol for i in client.list_instruments()]
        with pytest.raises(NotFoundError, match="NOPE-USDT-PERP"):
            client.get_instrument("NOPE-USDT-PERP")


def test_grpcurl_through_envoy_with_the_descriptor_set(exchange, active_symbol):
    result = run([GRPCURL, "-plaintext", "-protoset", str(DESCRIPTOR_SET_PATH), "-d",
                  json.dumps({"symbol": active_symbol}), exchange.grpc_target,
                  "tradex.metadata.v1.MetadataService/GetInstrument"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["instrument"]["status"] == "INSTRUMENT_STATUS_ACTIVE"
    missing = run([GRPCURL, "-plaintext", "-protoset", str(DESCRIPTOR_SET_PATH), "-d", '{"symbol":"NOPE-USDT-PERP"}',
                   exchange.grpc_target, "tradex.metadata.v1.MetadataService/GetInstrument"])
    assert missing.returncode == 64 + 5 and "NotFound" in missing.stderr  # grpcurl exits 64 + status code


def test_grpcurl_with_reflection_against_a_service(exchange):
    """Service ports speak mutual TLS only: grpcurl needs a certificate from the mesh CA."""
    address = exchange.stack.services["metadata"].address
    ops = exchange.stack.pki.issue("ops")
    result = run([GRPCURL, "-cacert", str(ops.ca), "-cert", str(ops.cert), "-key", str(ops.key), address, "list"])
    assert result.returncode == 0, result.stderr
    refused = run([GRPCURL, "-plaintext", address, "list"])
    assert refused.returncode != 0
    assert "tradex.metadata.v1.MetadataService" in result.stdout.split()
    assert "grpc.health.v1.Health" in result.stdout.split()


def test_generated_go_client_over_native_grpc(exchange, active_symbol, tmp_path):
    binary = tmp_path / "instruments"
    built = run(["go", "build", "-o", str(binary), "./examples/go/instruments"], cwd=ROOT)
    assert built.returncode == 0, built.stderr
    result = run([str(binary), "-addr", exchange.grpc_target, "-symbol", active_symbol])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{active_symbol} INSTRUMENT_STATUS_ACTIVE tick=0.01 lot=0.1")


def test_generated_typescript_types_over_rest(exchange, active_symbol):
    example = ROOT / "examples" / "ts"
    assert (example / "node_modules").exists(), "examples/ts dependencies missing: make install installs them"
    built = run([str(example / "node_modules" / ".bin" / "tsc"), "-p", str(example)])
    assert built.returncode == 0, built.stdout + built.stderr
    result = run(["node", str(example / "build" / "examples" / "ts" / "instruments.js"), exchange.http_url])
    assert result.returncode == 0, result.stderr
    # protobuf-es drops the enum prefix: InstrumentStatus.ACTIVE
    assert f"{active_symbol} ACTIVE tick=0.01 lot=0.1" in result.stdout.splitlines()


def test_python_sdk_trading_session(exchange, active_symbol):
    from tradex_sdk import FailedPreconditionError, InvalidArgumentError, UnauthenticatedError

    address = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    with Client(exchange.grpc_target) as client:
        with pytest.raises(UnauthenticatedError):
            client.place_order(active_symbol, "BUY", "1", price="10")
        tokens = client.signup(address, "a-long-secret-42")
        assert tokens.roles == ["trader"]
        old_refresh = tokens.refresh_token
        assert client.refresh().refresh_token != old_refresh
        with pytest.raises(InvalidArgumentError, match="float"):
            client.place_order(active_symbol, "BUY", 1.0, price="10")
        with pytest.raises(InvalidArgumentError, match="side"):
            client.place_order(active_symbol, "HOLD", "1", price="10")
        # No deposit yet: refused by the pre-trade check (or by funds), with the reason in the message.
        with pytest.raises(FailedPreconditionError):
            client.place_order(active_symbol, "BUY", "1", price="10", leverage="2")
        with pytest.raises(NotFoundError):
            client.get_order("01NOTANORDER0000000000000")
        assert client.list_fills() == []
