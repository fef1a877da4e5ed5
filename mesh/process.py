"""A small supervisor for the child processes of `tradex up` and the test session.

Each child runs in its own session (so a Ctrl-C at the terminal reaches only us, and we decide the
shutdown order), writes stdout and stderr to `<log_dir>/<name>.log`, and is stopped by PID: its
own stop signal first, SIGKILL after a timeout, then SIGKILL to anything it left behind (its
descendants and its process group).

Children also get a parent-death signal (via util-linux `setpriv --pdeathsig`), so a supervisor that
is itself SIGKILLed leaves no orphans. The kernel sends that signal when the *thread* that forked the
child exits, so always start children from a thread that lives as long as they should (the main
thread, normally); never from a short-lived worker thread.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

HealthCheck = Callable[[], bool]
"""Returns True once the child serves; may raise while it does not (the last error is reported)."""

_SETPRIV = shutil.which("setpriv")
# PIDs are not reused within seconds (the kernel walks all of pid_max first), so within this window a
# dead leader's process group id can only still mean its own group.
_GROUP_SWEEP_WINDOW_S = 10.0


class ProcessStartError(RuntimeError):
    """A child exited or did not become healthy in time; the message carries its log tail."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the usual race applies: bind soon after)."""
    return free_ports(1, host)[0]


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """`count` distinct free ports (all held open while choosing, so no port is handed out twice)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_is_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def read_log_tail(path: Path, lines: int = 40) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(eq=False)  # identity: two runs of the same command are different processes
class ManagedProcess:
    name: str
    argv: list[str]
    popen: subprocess.Popen[bytes]
    log_path: Path
    stop_signal: int = signal.SIGTERM
    stop_timeout: float = 10.0
    on_stopped: Callable[[ManagedProcess], None] | None = None
    started_at: float = field(default_factory=time.monotonic)
    exit_seen_at: float | None = None  # when we first saw (and reaped) the leader's exit

    @property
    def pid(self) -> int:
        return self.popen.pid

    def is_alive(self) -> bool:
        if self.popen.poll() is None:
            return True
        if self.exit_seen_at is None:
            self.exit_seen_at = time.monotonic()
        return False

    def log_tail(self, lines: int = 40) -> str:
        return read_log_tail(self.log_path, lines)

    def describe_failure(self, reason: str) -> str:
        return f"{self.name} (pid {self.pid}) {reason}\n--- last lines of {self.log_path} ---\n{self.log_tail()}"


class Supervisor:
    """Starts named children, waits for their health, and stops them in reverse start order."""

    def __init__(self, log_dir: Path | str) -> None:
        self.log_dir = Path(log_dir)
        self._processes: list[ManagedProcess] = []
        self._lock = threading.Lock()
        # A forgotten stop() (a crashed test session, an exception in `tradex up`) must not leave servers behind.
        atexit.register(self.stop_all)

    @property
    def processes(self) -> list[ManagedProcess]:
        with self._lock:
            return list(self._processes)

    def get(self, name: str) -> ManagedProcess:
        for process in self.processes:
            if process.name == name:
                return process
        raise KeyError(name)

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
        stop_timeout: float = 10.0,
        health: HealthCheck | None = None,
        health_timeout: float = 30.0,
        on_stopped: Callable[[ManagedProcess], None] | None = None,
    ) -> ManagedProcess:
        """Start `argv` as child `name`; with `health`, block until it reports healthy.

        `env` is the child's whole environment (None: inherit ours). `user` drops privileges (root only).
        `on_stopped` runs after `stop()` has reaped the child (its exit code is in `popen.returncode`).
        """
        if any(p.name == name and p.is_alive() for p in self.processes):
            raise ValueError(f"a process named {name!r} is already running")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        command = self._with_parent_death_signal(list(argv), stop_signal)
        with log_path.open("ab") as log_file:
            log_file.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(argv)}\n".encode())
            log_file.flush()
            popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                user=user,
                # Without these the child keeps root's group and supplementary groups after dropping to `user`.
                group=pwd.getpwnam(user).pw_gid if user else None,
                extra_groups=[] if user else None,
                start_new_session=True,
                close_fds=True,
            )
        process = ManagedProcess(name, list(argv), popen, log_path, stop_signal, stop_timeout, on_stopped)
        with self._lock:
            self._processes.append(process)
        log.info("started %s (pid %d), log %s", name, popen.pid, log_path)
        if health is not None:
            try:
                self.wait_healthy(process, health, health_timeout)
            except BaseException:
                self.stop(process)
                raise
        return process

    def wait_healthy(self, process: ManagedProcess, check: HealthCheck, timeout: float) -> float:
        """Poll `check` until it returns True; returns the seconds since the child started."""
        return self.wait_all_healthy([(process, check)], timeout)[process.name]

    def wait_all_healthy(
        self, checks: Sequence[tuple[ManagedProcess, HealthCheck]], timeout: float
    ) -> dict[str, float]:
        """Poll several children side by side; returns each one's seconds from start to healthy.

        Side by side, so each time is its own, and a child that dies is reported at once rather than
        after the slowest of the others is up.
        """
        deadline = time.monotonic() + timeout
        delay = 0.02
        pending = list(checks)
        ready: dict[str, float] = {}
        last_errors: dict[str, BaseException] = {}
        while True:
            for process, check in list(pending):
                if not process.is_alive():
                    raise ProcessStartError(process.describe_failure(f"exited with code {process.popen.returncode}"))
                try:
                    healthy = check()
                except Exception as error:  # the check's failure is the expected state while the child boots
                    healthy, last_errors[process.name] = False, error
                if healthy:
                    ready[process.name] = time.monotonic() - process.started_at
                    log.info("%s is healthy after %.2f s", process.name, ready[process.name])
                    pending.remove((process, check))
            if not pending:
                return ready
            if time.monotonic() >= deadline:
                process = pending[0][0]
                error = last_errors.get(process.name)
                detail = f"; last check error: {error!r}" if error else ""
                raise ProcessStartError(process.describe_failure(f"not healthy after {timeout:.0f} s{detail}"))
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    def stop(self, target: ManagedProcess | str) -> None:
        process = self.get(target) if isinstance(target, str) else target
        with self._lock:
            if process not in self._processes:
                return  # already stopped
            self._processes.remove(process)
        _terminate(process)
        if process.on_stopped is not None:
            process.on_stopped(process)

    def stop_all(self) -> None:
        """Stop every child, last started first (services before the servers they use)."""
        for process in reversed(self.processes):
            try:
                self.stop(process)
            except Exception:  # one stubborn child must not keep the others running
                log.exception("could not stop %s (pid %d)", process.name, process.pid)

    @staticmethod
    def _with_parent_death_signal(argv: list[str], stop_signal: int) -> list[str]:
        if _SETPRIV is None:
            log.debug("setpriv not found: children will outlive a SIGKILLed supervisor")
            return argv
        # setpriv arms the signal, then the shell checks that we are still its parent: had we died before
        # the signal was armed, the child would be an orphan already and nothing would ever tell it.
        still_our_child = f'[ "$PPID" = {os.getpid()} ] || {{ echo "supervisor gone, not starting" >&2; exit 1; }}'
        return [_SETPRIV, "--pdeathsig", signal.Signals(stop_signal).name.removeprefix("SIG"), "--",
                "/bin/sh", "-c", f'{still_our_child}; exec "$@"', argv[0], *argv]


def _terminate(process: ManagedProcess) -> None:
    pid = process.pid
    # Descendants are listed while the leader is unreaped (its PID cannot be reused yet). PostgreSQL's
    # children call setsid(), so the process group alone does not find them.
    descendants: list[psutil.Process] = []
    if process.is_alive():
        with contextlib.suppress(psutil.Error):
            descendants = psutil.Process(pid).children(recursive=True)
        log.info("stopping %s (pid %d) with %s", process.name, pid, signal.Signals(process.stop_signal).name)
        # The leader alone gets the polite signal: a server such as PostgreSQL shuts its own children down.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, process.stop_signal)
        try:
            process.popen.wait(timeout=process.stop_timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s (pid %d) ignored %s for %.1f s; killing it",
                        process.name, pid, signal.Signals(process.stop_signal).name, process.stop_timeout)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):  # only a process stuck in the kernel
                process.popen.wait(timeout=10)
    process.is_alive()  # records when the exit was seen
    # Whatever the child started must not outlive it. psutil.Process refuses to signal a reused PID.
    leftovers = [p for p in descendants if p.is_running()]
    # The group id stays reserved while any member lives. Once none does, the leader's PID (= group id)
    # can be reused by a stranger's new group, so only sweep a group whose leader we saw exit just now.
    exit_seen_at = process.exit_seen_at or time.monotonic()
    if time.monotonic() - exit_seen_at < _GROUP_SWEEP_WINDOW_S:
        with contextlib.suppress(psutil.Error):
            leftovers += [psutil.Process(member) for member in group_members(pid) if member != pid]
    unique = {leftover.pid: leftover for leftover in leftovers}.values()
    for leftover in unique:
        log.warning("killing pid %d left behind by %s", leftover.pid, process.name)
        with contextlib.suppress(psutil.Error):
            leftover.kill()
    _wait_until_dead(unique, timeout=5.0)
    log.info("stopped %s (pid %d), exit code %s", process.name, pid, process.popen.returncode)


def _wait_until_dead(processes: Iterable[psutil.Process], timeout: float) -> None:
    """SIGKILL takes effect when the target is next scheduled; a busy machine makes that visible.

    Not psutil.wait_procs: these are not our children, and a zombie whose new parent is slow to reap it
    counts as dead here.
    """
    deadline = time.monotonic() + timeout
    pending = list(processes)
    while pending and time.monotonic() < deadline:
        pending = [p for p in pending if _is_running_not_zombie(p)]
        if pending:
            time.sleep(0.01)


def _is_running_not_zombie(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def group_members(pgid: int) -> list[int]:
    """PIDs of live processes in process group `pgid` (read from /proc)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getpgid(int(entry)) == pgid:
                members.append(int(entry))
        except (ProcessLookupError, PermissionError):
            continue
    return members
