"""Engine snapshot format and the canonical book hash.

Snapshot (``MatchingEngine.snapshot()``), plain JSON-able dict::

    {
      "format": "tradex.engine.snapshot.v1",
      "symbol": "BTC-PERP",
      "engine_seq": 1234,                 # seq of the last event emitted (0: none yet)
      "config": {...},                    # EngineConfig.to_dict()
      "bids": [order, ...],               # price descending, then time priority (first = first to fill)
      "asks": [order, ...],               # price ascending, then time priority
      "seen_command_ids": [id, ...],      # dedup window, oldest first (see engine module docstring)
    }
    order = {"order_id": str, "user_id": str, "price_ticks": int, "qty_lots": int (open quantity),
             "tif": "GTC"|"POST_ONLY", "stp_mode": "CANCEL_MAKER"|..., "reduce_only": bool,
             "is_liquidation": bool}

Canonical book hash (``book_hash``): BOOK_HASH_ALGORITHM_SHA256_V1 as the contract defines it on
``tradex.engine.v1.BookHash`` (protos/tradex/engine/v1/events.proto) -- lowercase hex SHA-256 of the
UTF-8 text made of these lines joined with a single ``"\n"`` and no trailing newline::

    <symbol>|<engine_seq>
    B|<order_id>|<user_id>|<price_ticks>|<qty_lots>   one per resting bid, price descending, then time
    A|<order_id>|<user_id>|<price_ticks>|<qty_lots>   one per resting ask, price ascending, then time

The hash covers the book (L3, including queue order) and the sequence number only. A client
recomputes it from a snapshot with ``book_hash(snapshot)``; ``MatchingEngine.book_hash()`` gives the
same value for the live engine. Ids never contain ``"|"`` or a line break (ULIDs never do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SNAPSHOT_FORMAT = "tradex.engine.snapshot.v1"


def canonical_book_text(
    symbol: str,
    engine_seq: int,
    bids: Iterable[tuple[str, str, int, int]],
    asks: Iterable[tuple[str, str, int, int]],
) -> str:
    """The text the book hash is taken over; ``bids``/``asks`` yield (order_id, user_id, price, qty)
    in priority order."""
    lines = [f"{symbol}|{int(engine_seq)}"]
    lines.extend(f"B|{o}|{u}|{p}|{q}" for o, u, p, q in bids)
    lines.extend(f"A|{o}|{u}|{p}|{q}" for o, u, p, q in asks)
    return "\n".join(lines)


def hash_book(
    symbol: str,
    engine_seq: int,
    bids: Iterable[tuple[str, str, int, int]],
    asks: Iterable[tuple[str, str, int, int]],
) -> str:
    return hashlib.sha256(canonical_book_text(symbol, engine_seq, bids, asks).encode("utf-8")).hexdigest()


def _rows(orders: list[dict]) -> Iterable[tuple[str, str, int, int]]:
    return ((o["order_id"], o["user_id"], o["price_ticks"], o["qty_lots"]) for o in orders)


def book_hash(snapshot: dict) -> str:
    """Canonical book hash of a snapshot dict (see the module docstring for the exact definition).

    Pure: reads only ``symbol``, ``engine_seq``, ``bids`` and ``asks``; the lists are taken in the
    order they are stored, which in a snapshot is priority order.
    """
    return hash_book(snapshot["symbol"], snapshot["engine_seq"], _rows(snapshot["bids"]), _rows(snapshot["asks"]))
