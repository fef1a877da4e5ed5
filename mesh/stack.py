"""The whole local runtime under one supervising parent: infra servers, services, Envoy.

    with Stack(".tradex/run") as stack:
        stack.start_infra()
        stack.start_service("order", "services.order")
        stack.start_envoy("envoy/envoy.generated.json")
        ...

Each infra server is replaced by an external one when its address is in the environment
(DATABASE_URL, REDIS_URL, KAFKA_BOOTSTRAP): that is how the same code runs against managed servers.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from mesh.paths import PROJECT_ROOT, default_cache_dir
from mesh.pki import IdentityFiles, MeshCA
from mesh.process import ManagedProcess, Supervisor, free_port
from mesh.servers.envoy import RunningEnvoy, launch_envoy
from mesh.servers.kafka import RunningKafka, launch_kafka
from mesh.servers.postgres import RunningPostgres, launch_postgres
from mesh.servers.valkey import RunningValkey, launch_valkey
from services.platform.auth import access_rule_for

log = logging.getLogger(__name__)

_Server = TypeVar("_Server")

DATABASE_URL = "DATABASE_URL"
REDIS_URL = "REDIS_URL"
KAFKA_BOOTSTRAP = "KAFKA_BOOTSTRAP"


@dataclass(frozen=True)
class RunningService:
    name: str
    module: str
    port: int
    process: ManagedProcess

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


class Stack:
    """Owns every child it starts and stops them all, last started first."""

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        cache_dir: Path | str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        # Where to look for external servers' addresses (default: our environment). Read once, so the
        # decision "external or ours" cannot change between start_infra() and env().
        self._environ = dict(os.environ if environ is None else environ)
        self._root: Path | None = None
        self._supervisor: Supervisor | None = None
        self._pki: MeshCA | None = None
        self.postgres: RunningPostgres | None = None
        self.valkey: RunningValkey | None = None
        self.kafka: RunningKafka | None = None
        self.services: dict[str, RunningService] = {}
        self.envoys: dict[str, RunningEnvoy] = {}
        self.startup_seconds: dict[str, float] = {}
        if root is not None:
            self._set_root(root)

    # --- where things live -------------------------------------------------------------------

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("Stack has no root directory yet: pass it to Stack(root) or start_infra(root)")
        return self._root

    @property
    def supervisor(self) -> Supervisor:
        if self._supervisor is None:
            raise RuntimeError("Stack has no root directory yet: pass it to Stack(root) or start_infra(root)")
        return self._supervisor

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    def _set_root(self, root: Path | str) -> None:
        resolved = Path(root).resolve()
        if self._root is not None and resolved != self._root:
            raise ValueError(f"Stack already runs in {self._root}, not {resolved}")
        if self._root is None:
            self._root = resolved
            self._root.mkdir(parents=True, exist_ok=True)
            self._supervisor = Supervisor(self._root / "logs")
            self._pki = MeshCA(self._root / "pki")

    @property
    def pki(self) -> MeshCA:
        """The mesh CA of this run (services, Envoy and tools get their certificates from it)."""
        if self._pki is None:
            raise RuntimeError("Stack has no root yet")
        return self._pki

    def channel(self, service: str, identity: str | None = None) -> grpc.Channel:
        """A blocking mTLS channel to a running service, for tools and tests. With `identity`, every
        call is made as that identity; without, each method is called as an identity its access
        rule admits (the first of an internal RPC's `callers`, else `ops`), the way the real
        caller would call it."""
        address = self.services[service].address
        if identity is not None:
            return secure_channel(address, self.pki.issue(identity))
        return CallerChannel(address, self.pki)

    # --- infra ---------------------------------------------------------------------------------

    def start_infra(self, root: Path | str | None = None, *, timeout: float = 90.0) -> None:
        """Start PostgreSQL, Valkey and Kafka (each unless its address is given in the environment).

        All three boot side by side: each is launched (from this thread, see mesh.process) before we
        wait for any of them, so the JVM's start-up hides the others'.
        """
        if root is not None:
            self._set_root(root)
        started = time.monotonic()
        pending: list[RunningKafka | RunningPostgres | RunningValkey] = []
        try:
            if KAFKA_BOOTSTRAP not in self._environ:
                self.kafka = launch_kafka(self.supervisor, self.root / "kafka", cache_dir=self.cache_dir)
                pending.append(self.kafka)
            if DATABASE_URL not in self._environ:
                self.postgres = launch_postgres(self.supervisor, self.root / "pg")
                pending.append(self.postgres)
            if REDIS_URL not in self._environ:
                self.valkey = launch_valkey(self.supervisor, self.root / "valkey")
                pending.append(self.valkey)
            # The timeout starts here: a first run's one-off jar download must not eat the servers' boot time.
            checks = [(server.process, server.health_check()) for server in pending]
            self.startup_seconds.update(self.supervisor.wait_all_healthy(checks, timeout))
            if self.postgres is not None:
                self.postgres.create_database()
        except BaseException:
            self.stop()
            raise
        log.info("infra ready in %.2f s (%s)", time.monotonic() - started,
                 ", ".join(f"{k} {v:.2f} s" for k, v in self.startup_seconds.items()) or "all external")

    @property
    def database_url(self) -> str:
        """`postgresql+psycopg://...`, for async SQLAlchemy."""
        if DATABASE_URL in self._environ:
            return self._environ[DATABASE_URL]
        return self._require(self.postgres, "postgres").url

    @property
    def redis_url(self) -> str:
        if REDIS_URL in self._environ:
            return self._environ[REDIS_URL]
        return self._require(self.valkey, "valkey").url

    @property
    def kafka_bootstrap(self) -> str:
        if KAFKA_BOOTSTRAP in self._environ:
            return self._environ[KAFKA_BOOTSTRAP]
        return self._require(self.kafka, "kafka").bootstrap

    def env(self) -> dict[str, str]:
        """The variables a service process needs to reach the infra."""
        return {DATABASE_URL: self.database_url, REDIS_URL: self.redis_url, KAFKA_BOOTSTRAP: self.kafka_bootstrap}

    # --- services and the edge ------------------------------------------------------------------

    def start_service(
        self,
        name: str,
        module: str,
        extra_env: Mapping[str, str] | None = None,
        *,
        port: int | None = None,
        port_env: str | None = None,
        timeout: float = 60.0,
    ) -> RunningService:
        """Run `python -m <module>` and wait until its gRPC health check answers SERVING.

        The port goes to the child in `port_env`, by default `<NAME>_GRPC_PORT` (what
        services.platform.config.CommonSettings reads).
        """
        port = port or free_port()
        port_env = port_env or f"{name.upper().replace('-', '_')}_GRPC_PORT"
        env = {
            **os.environ,
            **self.env(),
            **self.pki.issue(name).env(),  # its mesh identity is its name
            "PYTHONUNBUFFERED": "1",  # so the log file shows what happened right up to a crash
            port_env: str(port),
            **(extra_env or {}),
        }
        ops = self.pki.issue("ops")
        process = self.supervisor.start(
            name,
            [sys.executable, "-m", module],
            env=env,
            cwd=PROJECT_ROOT,
            health=lambda: grpc_health_serving(f"127.0.0.1:{port}", identity=ops),
            health_timeout=timeout,
        )
        service = RunningService(name, module, port, process)
        self.services[name] = service
        self.startup_seconds[name] = time.monotonic() - process.started_at
        return service

    def start_envoy(
        self,
        config_path: Path | str,
        *,
        name: str = "envoy",
        base_id: int | None = None,
        concurrency: int | None = 2,
        timeout: float = 30.0,
    ) -> RunningEnvoy:
        envoy = launch_envoy(self.supervisor, config_path, self.root / "envoy", name=name, base_id=base_id,
                             concurrency=concurrency)
        try:
            envoy.wait_ready(self.supervisor, timeout)
        except BaseException:
            self.supervisor.stop(envoy.process)
            raise
        self.envoys[name] = envoy
        self.startup_seconds[name] = time.monotonic() - envoy.process.started_at
        return envoy

    # --- lifecycle -----------------------------------------------------------------------------

    def pids(self) -> list[int]:
        return [p.pid for p in self._supervisor.processes] if self._supervisor else []

    def stop(self) -> None:
        """Stop everything this stack started (services and Envoy first, then the servers)."""
        if self._supervisor is not None:
            self._supervisor.stop_all()
        self.services.clear()
        self.envoys.clear()

    def __enter__(self) -> Stack:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @staticmethod
    def _require(server: _Server | None, name: str) -> _Server:
        if server is None:
            raise RuntimeError(f"{name} is not running: call start_infra() first")
        return server


class CallerChannel:
    """Enough of grpc.Channel for generated stubs: each method goes through a channel
    authenticated as an identity allowed to call it."""

    def __init__(self, address: str, pki: MeshCA) -> None:
        self._address = address
        self._pki = pki
        self._channels: dict[str, grpc.Channel] = {}

    def _for(self, method: str) -> grpc.Channel:
        rule = access_rule_for(method)
        identity = sorted(rule.callers)[0] if rule.internal and rule.callers else "ops"
        if identity not in self._channels:
            self._channels[identity] = secure_channel(self._address, self._pki.issue(identity))
        return self._channels[identity]

    def unary_unary(self, method, *args, **kwargs):
        return self._for(method).unary_unary(method, *args, **kwargs)

    def unary_stream(self, method, *args, **kwargs):
        return self._for(method).unary_stream(method, *args, **kwargs)

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()

    def __enter__(self) -> CallerChannel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def secure_channel(address: str, identity: IdentityFiles) -> grpc.Channel:
    credentials = grpc.ssl_channel_credentials(root_certificates=identity.ca.read_bytes(),
                                               private_key=identity.key.read_bytes(),
                                               certificate_chain=identity.cert.read_bytes())
    return grpc.secure_channel(address, credentials)


def grpc_health_serving(address: str, service: str = "", timeout: float = 1.0, *,
                        identity: IdentityFiles) -> bool:
    """True when grpc.health.v1 Check on `address` (mTLS, as `identity`) answers SERVING."""
    with secure_channel(address, identity) as channel:
        response = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=timeout
        )
    return response.status == health_pb2.HealthCheckResponse.SERVING
