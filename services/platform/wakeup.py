"""Background passes that sleep until something wakes them, with a slow timer as a safety net.

Outbox relays, the Order service's wallet-call drainer, Position's exposure publisher, Risk's
margin watch, Settlement's liquidation worker and Funding's settlement worker all have the same
shape: do one pass; if it did all there was to do, sleep until a commit (in-process, or a
PostgreSQL NOTIFY) says there is more, or until a timer that only guards against a lost wake-up.
An idle exchange then costs nothing but those timers (docs/ARCHITECTURE.md → Efficiency).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

# A failed pass (the database restarting, say) is retried after this, doubling up to the cap.
RETRY_FIRST_S = 0.1
RETRY_MAX_S = 5.0


class Wakeup:
    """An asyncio.Event whose wait ends at the latest after a timeout and reports why."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def clear(self) -> None:
        self._event.clear()

    async def wait(self, timeout_s: float) -> bool:
        """True when woken, False when the timeout passed first."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
            return True
        except TimeoutError:
            return False


async def run_passes(name: str, one_pass: Callable[[], Awaitable[float]], wakeup: Wakeup,
                     log: logging.Logger, *, settle_s: float = 0.0) -> None:
    """Runs ``one_pass`` forever. It returns how long to sleep unless woken: 0 when more may be
    waiting (go on at once), a short time while it waits on another service, the safety interval
    when there is nothing to do. The wake-up is cleared *before* each pass, so a commit that lands
    during a pass is never lost. A failing pass is logged and retried with a doubling back-off.
    ``settle_s`` > 0: after each sleep, wait that long more, so a burst of wake-ups makes one pass."""
    retry_s = RETRY_FIRST_S
    while True:
        wakeup.clear()
        try:
            pause_s = await one_pass()
            retry_s = RETRY_FIRST_S
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; retrying", name)
            pause_s, retry_s = retry_s, min(retry_s * 2, RETRY_MAX_S)
        if pause_s > 0:
            await wakeup.wait(pause_s)
            if settle_s > 0:
                await asyncio.sleep(settle_s)
