"""The README's curl/grpcurl trading session runs as written against the exchange and prints
what it promises: roles, the deposited balance, the amended quantity, the cancelled order, the
book checksum, a stream snapshot and an error reason."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.order_support import approved_instrument

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def session_block() -> str:
    text = (ROOT / "README.md").read_text()
    [block] = re.findall(r"<!-- readme-session -->\n```bash\n(.*?)^```$", text, re.S | re.M)
    return block


def test_readme_session_commands(exchange, admins):
    symbol = approved_instrument(exchange, admins, reference="50")["symbol"]  # the README trades at 50
    env = {**os.environ, "TX": exchange.grpc_target, "SYMBOL": symbol}
    done = subprocess.run(["bash", "-c", session_block()], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    lines = done.stdout.splitlines()
    assert lines[0] == "['trader']", done.stdout + done.stderr
    assert re.fullmatch(r"'asset': 'USDT', 'available': '1000(\.0*)?'", lines[1]), lines[1]
    assert lines[2] == "amended"
    order_id = lines[3]
    assert re.fullmatch(r"[0-9A-Z]{26}", order_id)
    int(lines[4])  # the book's checksum
    stream, _ = json.JSONDecoder().raw_decode("\n".join(lines[5:-1]))  # the first message of the stream
    assert "snapshot" in stream and stream["snapshot"]["symbol"] == symbol
    assert lines[-1] == "NOT_FOUND"
