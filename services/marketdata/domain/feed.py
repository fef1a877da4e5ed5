"""One symbol's public book, sequenced by the engine.

Pure (no I/O, no protobuf). The api layer turns engine.event.v1 / engine.snapshot.v1 /
engine.bookhash.v1 into the plain values below.

Sequencing rules:
* ``applied_seq`` is the last engine event of the symbol seen, of any kind. The engine numbers a
  symbol's events 1, 2, 3... with no hole, so an event with seq <= applied_seq is a redelivery
  (ignored) and one with seq > applied_seq + 1 is a gap: the feed goes RESYNCING, logs symbol and
  sequence (the caller does), buffers what follows and waits for an engine snapshot.
* ``book.seq`` is the last engine event that changed the book (or the snapshot it was reset
  from); each published delta chains ``prev_last_engine_seq = book.seq before``.
* A snapshot at S is compared with the book when ``applied_seq == S`` (now, or later when the
  events catch up): different levels are a mismatch, repaired by resetting to the snapshot.
  A book hash at S checks the total order count the same way (its hash covers order and user
  ids, which only a snapshot has: ``verify_snapshot_hash`` checks that one).
"""
from __future__ import annotations

import enum
import hashlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from services.platform.public_book import ASK, BID, Level, PublicBook

MAX_BUFFER = 10_000
# Command boundaries remembered for checks that arrive after the book moved on (the engine's
# snapshot and hash topics are read by another consumer than its events, so usually later).
HISTORY = 4_096


class Status(enum.Enum):
    LIVE = "LIVE"
    RESYNCING = "RESYNCING"


@dataclass(frozen=True)
class EngineItem:
    """One engine event as the feed needs it: a level change (side + level) or nothing."""

    seq: int
    at_unix_ms: int
    side: str | None = None  # BID / ASK for a book delta
    level: Level | None = None
    last_in_command: bool = True


@dataclass(frozen=True)
class RestingOrder:
    order_id: str
    user_id: str
    side: str
    price: Decimal
    quantity: Decimal
    price_ticks: int
    quantity_lots: int


@dataclass(frozen=True)
class EngineSnapshot:
    symbol: str
    seq: int
    at_unix_ms: int
    bids: tuple[RestingOrder, ...]  # priority order
    asks: tuple[RestingOrder, ...]
    book_hash: str = ""

    def public_book(self) -> PublicBook:
        return PublicBook.from_levels(self.symbol, self.seq, aggregate(self.bids), aggregate(self.asks),
                                      self.at_unix_ms)

    def order_count(self) -> int:
        return len(self.bids) + len(self.asks)


@dataclass(frozen=True)
class BookHashCheck:
    symbol: str
    seq: int
    order_count: int
    hash: str


@dataclass
class BookDelta:
    """The level changes of consecutive engine events, to publish (absolute levels)."""

    symbol: str
    first_seq: int
    last_seq: int
    prev_seq: int
    bids: list[Level]
    asks: list[Level]
    at_unix_ms: int
    checksum: int


@dataclass
class Outcome:
    """What applying events produced: a delta to publish, and problems to log."""

    delta: BookDelta | None = None
    # A check replaced the book: the diff from the book clients hold to the new one
    # (prev_seq == last_seq, the "repair delta" of the contract).
    repair: BookDelta | None = None
    gap: tuple[int, int] | None = None  # (expected seq, got seq)
    mismatch: str | None = None
    duplicates: int = 0


def aggregate(orders: Iterable[RestingOrder]) -> list[Level]:
    """Resting orders in priority order -> levels best first."""
    totals: dict[Decimal, list] = {}
    order = []
    for o in orders:
        if o.price not in totals:
            totals[o.price] = [Decimal(0), 0]
            order.append(o.price)
        totals[o.price][0] += o.quantity
        totals[o.price][1] += 1
    return [Level(p, totals[p][0], totals[p][1]) for p in order]


def engine_hash(snapshot: EngineSnapshot) -> str:
    """BOOK_HASH_ALGORITHM_SHA256_V1 (protos/tradex/engine/v1/events.proto, BookHash), recomputed."""
    lines = [f"{snapshot.symbol}|{snapshot.seq}"]
    lines += [f"B|{o.order_id}|{o.user_id}|{o.price_ticks}|{o.quantity_lots}" for o in snapshot.bids]
    lines += [f"A|{o.order_id}|{o.user_id}|{o.price_ticks}|{o.quantity_lots}" for o in snapshot.asks]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass
class SymbolFeed:
    symbol: str
    book: PublicBook = None  # type: ignore[assignment]
    applied_seq: int = 0
    status: Status = Status.LIVE
    gap_seq: int = 0
    buffer: list[EngineItem] = field(default_factory=list)
    pending_snapshot: EngineSnapshot | None = None
    pending_hash: BookHashCheck | None = None
    # Level changes of the command in progress: folded into the book when its last event arrives,
    # so the book (and its seq) only ever reflects whole engine commands.
    changes: dict = field(default_factory=dict)
    first_change: int = 0
    last_change: int = 0
    change_at: int = 0
    # applied_seq at each recent command boundary -> (book fingerprint, order count)
    history: OrderedDict = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        if self.book is None:
            self.book = PublicBook(self.symbol)

    def copy(self) -> SymbolFeed:
        return SymbolFeed(self.symbol, self.book.copy(), self.applied_seq, self.status, self.gap_seq,
                          list(self.buffer), self.pending_snapshot, self.pending_hash, dict(self.changes),
                          self.first_change, self.last_change, self.change_at, OrderedDict(self.history))

    @property
    def live(self) -> bool:
        return self.status is Status.LIVE

    # ------------------------------------------------------------------------------ events

    def apply(self, item: EngineItem) -> Outcome:
        """Applies the next engine event of this symbol."""
        out = Outcome()
        if item.seq <= self.applied_seq:
            out.duplicates = 1
            return out
        if self.status is Status.RESYNCING:
            if len(self.buffer) < MAX_BUFFER:
                self.buffer.append(item)
            return out
        if item.seq != self.applied_seq + 1:
            out.gap = (self.applied_seq + 1, item.seq)
            self._start_resync(item.seq, [item])
            return out
        self._fold(item)
        if item.last_in_command:
            out.delta = self._flush()
            self._remember()
        mismatch = self._check_pending(out)
        out.mismatch = mismatch
        return out

    def _fold(self, item: EngineItem) -> None:
        self.applied_seq = item.seq
        if item.level is None:
            return
        self.changes[(item.side, item.level.price)] = item.level
        self.first_change = self.first_change or item.seq
        self.last_change = item.seq
        self.change_at = item.at_unix_ms

    def _flush(self) -> BookDelta | None:
        if not self.last_change:
            return None
        prev = self.book.seq
        for (side, _), level in self.changes.items():
            self.book.set(side, level)
        self.book.seq = self.last_change
        self.book.updated_at_unix_ms = self.change_at
        delta = BookDelta(
            self.symbol, self.first_change, self.last_change, prev,
            bids=sorted((lv for (s, _), lv in self.changes.items() if s == BID), key=lambda lv: -lv.price),
            asks=sorted((lv for (s, _), lv in self.changes.items() if s == ASK), key=lambda lv: lv.price),
            at_unix_ms=self.change_at, checksum=self.book.checksum())
        self.changes = {}
        self.first_change = self.last_change = self.change_at = 0
        return delta

    def _remember(self) -> None:
        self.history[self.applied_seq] = (self.book.fingerprint, self.book.order_count())
        while len(self.history) > HISTORY:
            self.history.popitem(last=False)

    def _late_check(self, seq: int, fingerprint: int | None, order_count: int | None,
                    what: str) -> str | None:
        """A check of a past command boundary: a disagreement starts a resync (the book has moved
        on since, so only the engine's current state can repair it)."""
        past = self.history.get(seq)
        if past is None:
            return None  # forgotten, or not a command boundary this feed saw: nothing to compare
        if fingerprint is not None and past[0] != fingerprint:
            problem = f"book at seq {seq} differs from the engine {what}"
        elif order_count is not None and past[1] != order_count:
            problem = f"order count {past[1]} at seq {seq} differs from the engine {what} ({order_count})"
        else:
            return None
        self._start_resync(seq, [])
        return problem

    def _start_resync(self, seq: int, buffer: list[EngineItem]) -> None:
        self.status = Status.RESYNCING
        self.gap_seq = seq
        self.buffer = buffer
        self.changes = {}
        self.first_change = self.last_change = self.change_at = 0

    # ------------------------------------------------------------------------------ checks

    def offer_snapshot(self, snapshot: EngineSnapshot) -> Outcome:
        """An engine snapshot arrived: compared with the book when the events reach its seq."""
        if not self.live:
            return Outcome()
        if snapshot.seq < self.applied_seq:
            out = Outcome()
            out.mismatch = self._late_check(snapshot.seq, snapshot.public_book().fingerprint, None, "snapshot")
            return out
        self.pending_snapshot = snapshot
        out = Outcome()
        out.mismatch = self._check_pending(out)
        return out

    def offer_hash(self, check: BookHashCheck) -> Outcome:
        if not self.live:
            return Outcome()
        if check.seq < self.applied_seq:
            out = Outcome()
            out.mismatch = self._late_check(check.seq, None, check.order_count, "book hash")
            return out
        self.pending_hash = check
        out = Outcome()
        out.mismatch = self._check_pending(out)
        return out

    def _check_pending(self, out: Outcome) -> str | None:
        """Checks a pending snapshot / hash once the book is exactly at its seq (between commands).
        A snapshot that disagrees replaces the book (``out.repair`` is the repairing diff); a
        hash that disagrees starts a resync."""
        if self.changes or not self.live:
            return None
        problem = None
        snap = self.pending_snapshot
        if snap is not None and snap.seq == self.applied_seq:
            self.pending_snapshot = None
            expected = snap.public_book()
            if not self.book.same_levels(expected):
                problem = f"book differs from engine snapshot at seq {snap.seq}"
                before = self.book
                expected.seq = max(before.seq, snap.seq)
                self.book = expected
                self._remember()
                bids, asks = before.diff(expected)
                out.repair = BookDelta(self.symbol, expected.seq, expected.seq, before.seq, bids, asks,
                                      expected.updated_at_unix_ms, expected.checksum())
        check = self.pending_hash
        if check is not None and check.seq == self.applied_seq:
            self.pending_hash = None
            if self.book.order_count() != check.order_count:
                problem = problem or (f"order count {self.book.order_count()} differs from engine book hash "
                                      f"at seq {check.seq} ({check.order_count})")
                self._start_resync(check.seq, [])
        return problem

    # ------------------------------------------------------------------------------ repair

    def reset(self, snapshot: EngineSnapshot) -> tuple[BookDelta, int]:
        """Resets the book from an engine snapshot (repair, or first sight of a symbol), then
        replays buffered events after it. Returns a delta from the old book to the new one (a
        client holding the old book is repaired by it; stream clients get a snapshot instead) and
        how many buffered events were dropped because they did not follow the snapshot."""
        old = self.book
        self.book = snapshot.public_book()
        self.applied_seq = snapshot.seq
        self.status = Status.LIVE
        self.gap_seq = 0
        self.pending_snapshot = None
        self.pending_hash = None
        self.changes = {}
        self.first_change = self.last_change = self.change_at = 0
        self.history = OrderedDict()
        self._remember()
        buffered, self.buffer = sorted(self.buffer, key=lambda i: i.seq), []
        dropped = 0
        for item in buffered:
            if item.seq <= self.applied_seq:
                continue
            if item.seq == self.applied_seq + 1:
                self._fold(item)
                if item.last_in_command:
                    self._flush()
                    self._remember()
            else:
                dropped += 1
        bids, asks = old.diff(self.book)
        delta = BookDelta(self.symbol, self.book.seq, self.book.seq, old.seq, bids, asks,
                          self.book.updated_at_unix_ms, self.book.checksum())
        return delta, dropped


def group_by_symbol(items: Iterable[tuple[str, EngineItem]]) -> dict[str, list[EngineItem]]:
    out: dict[str, list[EngineItem]] = defaultdict(list)
    for symbol, item in items:
        out[symbol].append(item)
    return out


def window_changes(before: list[Level], after: list[Level], *, bid: bool) -> list[Level]:
    """The changes that turn a client's top-N window ``before`` into ``after`` (both best first):
    levels entering or changing with their full aggregate, levels leaving with quantity 0."""
    old = {lv.price: lv for lv in before}
    new = {lv.price: lv for lv in after}
    out = [lv for price, lv in new.items() if old.get(price) != lv]
    out += [Level(price, Decimal(0), 0) for price in old if price not in new]
    return sorted(out, key=lambda lv: -lv.price if bid else lv.price)
