"""Time-ordered ids and wall-clock milliseconds."""
from __future__ import annotations

import time

from ulid import ULID


def new_id() -> str:
    """A ULID string: sortable by creation time, unique without coordination."""
    return str(ULID())


def now_ms() -> int:
    return time.time_ns() // 1_000_000
