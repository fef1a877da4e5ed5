"""In-process fan-out to stream subscribers: one bounded queue per subscriber, so a slow one never
delays the others. A book (ticker, candle, price) subscriber that overflows gets its queue
replaced by a single RESYNC marker (the stream then sends a fresh snapshot or the current value);
a trades subscriber that overflows is closed with a reason."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

RESYNC = ("resync", None)
OVERFLOW = ("overflow", None)
QUEUE_SIZE = 1024
# Channels whose every message is the whole current value: a subscriber that overflows is sent
# the current value again instead of being closed.
RESYNCABLE = frozenset(("book", "ticker", "candles", "index", "mark", "funding"))


class Subscription:
    __slots__ = ("queue", "resyncable")

    def __init__(self, resyncable: bool, size: int = QUEUE_SIZE) -> None:
        self.queue: asyncio.Queue = asyncio.Queue(size)
        self.resyncable = resyncable

    def push(self, message: tuple) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC if self.resyncable else OVERFLOW)

    async def get(self) -> tuple:
        return await self.queue.get()


class Hub:
    """Channels are ("book" | "trades" | "ticker" | "candles" | "index" | "mark" | "funding", symbol)."""

    def __init__(self) -> None:
        self._subs: dict[tuple[str, str], set[Subscription]] = defaultdict(set)

    @contextmanager
    def subscribe(self, channel: str, symbol: str) -> Iterator[Subscription]:
        sub = Subscription(resyncable=channel in RESYNCABLE)
        key = (channel, symbol)
        self._subs[key].add(sub)
        try:
            yield sub
        finally:
            subs = self._subs.get(key)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[key]

    def publish(self, channel: str, symbol: str, message: tuple) -> None:
        for sub in list(self._subs.get((channel, symbol), ())):
            sub.push(message)

    def has(self, channel: str, symbol: str) -> bool:
        return bool(self._subs.get((channel, symbol)))
