"""A service process exits after SIGTERM even when part of its stop never returns.

The stuck part is what a Kafka consumer's close does when the broker is gone: a consumer's run
awaits the close in its polling thread on its way out (poll_on_thread), and that thread never
comes back. The child
here is the real `runtime.main` (gRPC server on a mesh certificate, signal handling, background
jobs) with one such job; only the stuck close is stood in for, by a thread waiting on nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from mesh.pki import MeshCA
from services.platform.runtime import EXIT_STOP_OVERRAN, STOP_DEADLINE_ENV

REPO = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import asyncio, sys, threading
    from services.platform.config import CommonSettings
    from services.platform.runtime import ServiceSpec, main

    async def consumer_whose_broker_is_gone():
        try:
            print("ready", flush=True)
            await asyncio.Event().wait()
        finally:
            await asyncio.to_thread(threading.Event().wait)  # close() never returns

    async def build():
        settings = CommonSettings(service_name="probe", grpc_port=0, database_url="postgresql://unused",
                                  kafka_bootstrap="unused", redis_url="", jwks_file="", jwt_issuer="",
                                  jwt_audience="")
        return ServiceSpec(settings=settings, background=[consumer_whose_broker_is_gone]), None

    main(build, "probe")
""")


def _start(tmp_path: Path, deadline_s: str) -> subprocess.Popen:
    identity = MeshCA(tmp_path / "pki").issue("probe")
    env = {**os.environ, **identity.env(), STOP_DEADLINE_ENV: deadline_s, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=REPO, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1)
    for line in child.stdout:  # the service's own log lines come first
        if line.strip() == "ready":
            break
    else:
        raise AssertionError(f"the child exited before it was ready: {child.stderr.read()}")
    child.send_signal(signal.SIGTERM)
    return child


def test_a_stop_stuck_in_a_thread_ends_at_the_deadline_with_its_own_exit_code(tmp_path):
    started = time.monotonic()
    child = _start(tmp_path, "1")
    try:
        code = child.wait(timeout=30)
    finally:
        child.kill()
    assert code == EXIT_STOP_OVERRAN
    assert time.monotonic() - started >= 1.0
    assert "stop did not finish within 1 s; exiting anyway" in child.stdout.read()


def test_without_the_deadline_the_same_stop_never_ends(tmp_path):
    # The control: what the deadline is for is real, so the test above can fail.
    child = _start(tmp_path, "3600")
    try:
        time.sleep(3)
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()
