"""The Redis-compatible cache (Valkey locally, Redis in k8s)."""
from __future__ import annotations

import redis.asyncio as redis


def make_redis(url: str) -> redis.Redis:
    return redis.from_url(url, decode_responses=False)
