"""Fixed-window counters in Valkey/Redis, shared by every Auth replica.

Two counters per attempt: one per client address (stops one machine spraying many accounts)
and a tighter one per email (stops guessing one account's password from many machines).
"""
from __future__ import annotations

import time

from services.platform.errors import ResourceExhausted


class RateLimiter:
    def __init__(self, redis, *, per_ip: int, per_email: int, window_s: int, prefix: str) -> None:
        self._redis = redis
        self.per_ip = per_ip
        self.per_email = per_email
        self.window_s = window_s
        self.prefix = prefix

    async def hit(self, ip: str, email: str) -> None:
        """Counts one attempt; refuses once either counter is past its limit this window."""
        window = int(time.time()) // self.window_s
        limits = {f"rl:{self.prefix}:ip:{ip}:{window}": self.per_ip}
        if email:
            limits[f"rl:{self.prefix}:email:{email}:{window}"] = self.per_email
        pipe = self._redis.pipeline()
        for key in limits:
            pipe.incr(key)
            pipe.expire(key, self.window_s * 2)
        counts = (await pipe.execute())[0::2]
        if any(count > limit for count, limit in zip(counts, limits.values(), strict=True)):
            raise ResourceExhausted(
                f"too many {self.prefix} attempts; try again in up to {self.window_s} s",
                reason="RATE_LIMITED")
