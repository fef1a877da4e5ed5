"""CPU time of every process the mesh supervisor started, read from /proc through psutil.

A process's total is its own user+system time plus that of its descendants: the live ones are
read directly, and the ones that already exited are in their parent's children_* times (which
is how PostgreSQL's short-lived backends are counted).
"""
from __future__ import annotations

import time
from collections.abc import Mapping

import psutil


def _tree_seconds(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in members:
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def snapshot(pids: Mapping[str, int]) -> dict[str, float]:
    """CPU seconds used so far, per process name (with its descendants)."""
    return {name: _tree_seconds(pid) for name, pid in pids.items()}


def delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    return {name: max(0.0, after.get(name, 0.0) - before.get(name, 0.0)) for name in after}


def machine_snapshot() -> tuple:
    """The whole machine's CPU times (all cores summed), /proc/stat through psutil."""
    return psutil.cpu_times()


def machine_delta(before, after, mesh_seconds: float, wall_seconds: float) -> dict[str, float]:
    """Over one phase, in % of one core: `steal` (time the hypervisor gave this VM's cores to
    others: the VM ran slower for reasons outside it) and `outside` (busy time of processes that
    are not the mesh's: the bench client itself, anything else on the machine)."""
    def busy(t) -> float:
        return t.user + t.nice + t.system + t.irq + t.softirq

    return {"steal": 100.0 * (after.steal - before.steal) / wall_seconds,
            "outside": 100.0 * max(0.0, busy(after) - busy(before) - mesh_seconds) / wall_seconds}


def measure_idle(pids: Mapping[str, int], seconds: float) -> dict[str, float]:
    """Percent of one core per process over `seconds` of wall time."""
    before, t0 = snapshot(pids), time.monotonic()
    time.sleep(seconds)
    used, wall = delta(before, snapshot(pids)), time.monotonic() - t0
    return {name: 100.0 * value / wall for name, value in used.items()}
