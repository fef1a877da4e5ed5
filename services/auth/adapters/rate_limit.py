"""Fixed-window counters in Valkey/Redis, shared by every Auth replica."""
from __future__ import annotations

import time

from services.platform.errors import ResourceExhausted


class RateLimiter:
    def __init__(self, redis, limit: int, window_s: int, prefix: str) -> None:
        self._redis = redis
        self.limit = limit
        self.window_s = window_s
        self.prefix = prefix

    async def hit(self, *subjects: str) -> None:
        """Counts one attempt for each subject (an IP, an email); refuses past the limit."""
        window = int(time.time()) // self.window_s
        pipe = self._redis.pipeline()
        keys = [f"rl:{self.prefix}:{subject}:{window}" for subject in subjects if subject]
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, self.window_s * 2)
        counts = (await pipe.execute())[0::2]
        if any(count > self.limit for count in counts):
            raise ResourceExhausted(
                f"too many {self.prefix} attempts; try again in up to {self.window_s} s",
                reason="RATE_LIMITED")
