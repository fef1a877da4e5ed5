"""Fixed-window counters in Valkey/Redis, shared by every Auth replica.

RateLimiter: two counters per attempt, one per client address (a flood from one machine) and a
tighter one per email (guessing one account's password from many machines). FailureLimiter: failed
logins per client address whatever the email (password spraying across many accounts).
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


class FailureLimiter:
    """Failed logins per client address, whatever the email: stops password spraying (one address
    trying a few passwords against many accounts), which the per-email counter never sees and the
    per-address attempt counter (sized for busy NATs) sees too late.

    Each attempt is counted as a failure when it starts, with one atomic INCR, so a concurrent burst
    cannot overshoot the limit; a successful login takes its count back. The window starts at the
    address's first counted failure and the counter expires with it.
    """

    def __init__(self, redis, *, per_ip: int, window_s: int, prefix: str = "login-failures") -> None:
        self._redis = redis
        self.per_ip = per_ip
        self.window_s = window_s
        self.prefix = prefix

    def _key(self, ip: str) -> str:
        return f"rl:{self.prefix}:ip:{ip}"

    async def begin(self, ip: str) -> None:
        """Counts the attempt as a failure until it succeeds; refuses once the address is past the limit."""
        key = self._key(ip)
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, self.window_s, nx=True)
        count = (await pipe.execute())[0]
        if count > self.per_ip:
            raise ResourceExhausted(
                f"too many failed logins from this address; try again in up to {self.window_s} s",
                reason="RATE_LIMITED")

    async def succeeded(self, ip: str) -> None:
        # Only while the window lives: a DECR after expiry would create a counter without a TTL.
        await self._redis.eval(_DECR_IF_EXISTS, 1, self._key(ip))


_DECR_IF_EXISTS = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0"
