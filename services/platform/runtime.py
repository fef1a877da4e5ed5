"""The main() of every service process: migrate, serve gRPC, run background loops, stop on
SIGTERM/SIGINT with a grace period -- and exit by STOP_DEADLINE_S even when the stop cannot finish.

The deadline exists because some of the stop is not ours to bound: a Kafka consumer's close (it
commits offsets and leaves its group) blocks in a worker thread for as long as the broker is
gone, and the interpreter's exit then waits for that thread. A supervisor killed outright sends
its children SIGTERM (parent-death signal) and is not there to escalate, so without a deadline
such a child would linger forever holding its ports. Exiting early loses nothing: every effect
is committed with its inbox row before its offset is stored, so the events behind an offset not
yet committed are redelivered and dropped by the inbox."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import uvloop

from services.platform import migrations
from services.platform.auth import TokenVerifier
from services.platform.config import CommonSettings, ConfigError, env_float_seconds
from services.platform.gc_tuning import settle
from services.platform.grpc_server import start_server
from services.platform.logs import configure_logging
from services.platform.mesh_tls import process_tls

log = logging.getLogger(__name__)

BLOCKING_THREADS = 32
# The gRPC grace (2 s) plus closing consumers and pools on a healthy mesh takes well under this.
STOP_DEADLINE_ENV = "TRADEX_STOP_DEADLINE_S"
STOP_DEADLINE_S = 15.0
EXIT_STOP_OVERRAN = 3


@dataclass
class ServiceSpec:
    settings: CommonSettings
    schema: str | None = None
    migrations_dir: Path | None = None
    register: list[Callable[[grpc.aio.Server], None]] = field(default_factory=list)
    service_names: list[str] = field(default_factory=list)
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


def load_verifier(settings: CommonSettings) -> TokenVerifier:
    return TokenVerifier.from_file(settings.jwks_file, settings.jwt_issuer, settings.jwt_audience)


async def serve(spec: ServiceSpec, verifier: TokenVerifier | None) -> None:
    settings = spec.settings
    if spec.schema and spec.migrations_dir:
        await asyncio.to_thread(migrations.upgrade, settings.database_url, spec.schema, spec.migrations_dir)
    server, port, _health = await start_server(
        port=settings.grpc_port, register=spec.register, service_names=spec.service_names,
        verifier=verifier, tls=process_tls(), host=settings.grpc_host)
    log.info("serving gRPC", extra={"port": port, "services": ",".join(spec.service_names)})
    tasks = [asyncio.create_task(_guarded(job), name=getattr(job, "__qualname__", "job"))
             for job in spec.background]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    settle()
    await stop.wait()
    log.info("stopping")
    arm_stop_deadline(env_float_seconds(STOP_DEADLINE_ENV, STOP_DEADLINE_S))
    await server.stop(grace=2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for hook in spec.on_stop:
        await hook()


def arm_stop_deadline(seconds: float, exit_code: int = EXIT_STOP_OVERRAN) -> threading.Timer:
    """Ends the process `seconds` from now unless it has exited by then (see the module docstring).

    A daemon timer thread, so it neither keeps a finished process alive nor depends on the event
    loop, which may itself be the thing waiting on a stuck thread."""
    def overran() -> None:
        log.error("stop did not finish within %.0f s; exiting anyway", seconds)
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stderr.flush()
        os._exit(exit_code)  # noqa: SLF001 -- the point: skip joining the stuck threads

    timer = threading.Timer(seconds, overran)
    timer.daemon = True
    timer.start()
    return timer


async def _guarded(job: Callable[[], Awaitable[None]]) -> None:
    """A background loop that dies is a bug, but it must not kill the process silently."""
    while True:
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background job crashed; restarting in 1 s")
            await asyncio.sleep(1)


def run_loop(main_coroutine: Awaitable[None]) -> None:
    """Runs the process's event loop: uvloop, unless TRADEX_EVENT_LOOP=asyncio (the standard
    loop, for comparison or diagnosis). Measured with bench/mesh_bench.py, same code, one run
    each: POST -> FILLED p50 at 1 in flight 88 vs 125 ms, at 20 orders/s 77 vs 200 ms; CPU per
    order at 20/s 78 vs 87 ms; idle 10.1 vs 12.5 % of a core (README, Performance)."""
    if os.environ.get("TRADEX_EVENT_LOOP", "uvloop") == "asyncio":
        asyncio.run(main_coroutine)
    else:
        uvloop.run(main_coroutine)


def main(build: Callable[[], Awaitable[tuple[ServiceSpec, TokenVerifier | None]]], service: str) -> None:
    configure_logging(service)

    async def _run() -> None:
        # Every Kafka consumer waits in a thread (asyncio.to_thread): the default pool of
        # cpu_count + 4 threads (6 here) left Risk's five consumers one thread for everything else
        # (the relay's flush, a migration), so such a call could wait a whole poll. Idle threads cost nothing.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=BLOCKING_THREADS))
        spec, verifier = await build()
        await serve(spec, verifier)

    try:
        run_loop(_run())
    except ConfigError as problem:
        # A clear one-line reason instead of a traceback: the operator fixes the environment.
        log.error("cannot start %s: %s", service, problem)
        raise SystemExit(2) from None

