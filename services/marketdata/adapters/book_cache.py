"""The public books in Valkey/Redis (key md:book:<symbol>, JSON), written after each committed
batch; read by GetOrderBook and at start-up to resume without a full engine snapshot."""
from __future__ import annotations

import json
from decimal import Decimal

from services.marketdata.domain.feed import Status, SymbolFeed
from services.platform.decimals import format_decimal
from services.platform.public_book import Level, PublicBook

PREFIX = "md:book:"


def encode(feed: SymbolFeed) -> bytes:
    book = feed.book
    return json.dumps({
        "symbol": book.symbol, "seq": book.seq, "applied_seq": feed.applied_seq, "status": feed.status.value,
        "gap_seq": feed.gap_seq, "at": book.updated_at_unix_ms, "clean": not feed.changes,
        "bids": [[format_decimal(lv.price), format_decimal(lv.quantity), lv.order_count] for lv in book.bids()],
        "asks": [[format_decimal(lv.price), format_decimal(lv.quantity), lv.order_count] for lv in book.asks()],
    }, separators=(",", ":")).encode()


def decode(raw: bytes) -> SymbolFeed:
    d = json.loads(raw)
    book = PublicBook.from_levels(d["symbol"], d["seq"], [Level(Decimal(p), Decimal(q), n) for p, q, n in d["bids"]],
                                  [Level(Decimal(p), Decimal(q), n) for p, q, n in d["asks"]], d["at"])
    feed = SymbolFeed(d["symbol"], book, d["applied_seq"], Status(d["status"]), d["gap_seq"])
    if not d.get("clean", True):
        feed.status = Status.RESYNCING  # a command was half applied: only the engine can say the rest
    return feed


class BookCache:
    def __init__(self, redis) -> None:
        self._redis = redis

    async def save(self, feeds: list[SymbolFeed]) -> None:
        if feeds:
            await self._redis.mset({PREFIX + f.symbol: encode(f) for f in feeds})

    async def load(self, symbol: str) -> SymbolFeed | None:
        raw = await self._redis.get(PREFIX + symbol)
        return decode(raw) if raw else None

    async def load_all(self) -> list[SymbolFeed]:
        keys = [key async for key in self._redis.scan_iter(match=PREFIX + "*", count=500)]
        if not keys:
            return []
        return [decode(raw) for raw in await self._redis.mget(keys) if raw]
