"""run_passes: the loop every background pass (relays, drainers, workers) sleeps in."""
from __future__ import annotations

import asyncio
import logging

import pytest

from services.platform import wakeup
from services.platform.wakeup import Wakeup, run_passes

log = logging.getLogger("test")


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 5))


def test_sleeps_until_woken_and_not_on_the_safety_timer():
    async def scenario():
        passes: list[float] = []
        wake = Wakeup()
        loop = asyncio.get_running_loop()

        async def one_pass() -> float:
            passes.append(loop.time())
            return 60.0  # nothing to do: the safety timer is far away

        task = asyncio.create_task(run_passes("t", one_pass, wake, log))
        await asyncio.sleep(0.05)
        assert len(passes) == 1
        wake.set()
        await asyncio.sleep(0.05)
        task.cancel()
        return passes

    passes = _run(scenario())
    assert len(passes) == 2 and passes[1] - passes[0] < 1.0


def test_a_wake_during_a_pass_is_not_lost():
    async def scenario():
        wake = Wakeup()
        count = 0

        async def one_pass() -> float:
            nonlocal count
            count += 1
            if count == 1:
                wake.set()  # a commit lands while the first pass runs
            return 60.0

        task = asyncio.create_task(run_passes("t", one_pass, wake, log))
        await asyncio.sleep(0.05)
        task.cancel()
        return count

    assert _run(scenario()) == 2


def test_zero_pause_goes_on_at_once_and_failures_back_off(monkeypatch, caplog):
    monkeypatch.setattr(wakeup, "RETRY_FIRST_S", 0.01)
    monkeypatch.setattr(wakeup, "RETRY_MAX_S", 0.04)

    async def scenario():
        wake = Wakeup()
        loop = asyncio.get_running_loop()
        times: list[float] = []

        async def one_pass() -> float:
            times.append(loop.time())
            if len(times) <= 4:
                raise RuntimeError("database restarting")
            return 0 if len(times) < 8 else 60.0

        task = asyncio.create_task(run_passes("t", one_pass, wake, log))
        await asyncio.sleep(0.3)
        task.cancel()
        return times

    with caplog.at_level(logging.ERROR):
        times = _run(scenario())
    assert len(times) == 8  # 4 failures retried, then 0-pauses until the one that says "sleep"
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] >= 0.009 and gaps[1] >= 0.019 and gaps[2] >= 0.039 and gaps[3] >= 0.039  # doubling, capped
    assert all(g < 0.03 for g in gaps[4:])
    assert sum("t failed; retrying" in r.message for r in caplog.records) == 4


@pytest.mark.parametrize("woken", [True, False])
def test_wait_reports_why_it_ended(woken):
    async def scenario():
        wake = Wakeup()
        if woken:
            wake.set()
        return await wake.wait(0.01)

    assert _run(scenario()) is woken
