"""The matching engine's pure core: one price-time priority book per symbol.

Deterministic and single-threaded: the output (events, sequence numbers, ids) is a function of the
initial state (config or snapshot) and the command stream only -- no clocks, no randomness, no
iteration over hash-ordered containers. No protobuf, no Kafka, no I/O. Prices are integer ticks,
quantities integer lots.

API::

    engine = MatchingEngine(EngineConfig(symbol="BTC-PERP"))
    events = engine.process(command)        # NewOrder | CancelOrder | AmendOrder -> list of events
    snap = engine.snapshot()                # JSON-able dict (see snapshot.py)
    engine2 = MatchingEngine.restore(snap)  # identical state: same hash, same future outputs
    engine.book_hash() == book_hash(snap)

Semantics (the choices this module makes):

Sequencing
    Every event gets the next per-symbol ``seq`` (1, 2, 3, ... no gaps) and the id
    ``f"{symbol}:{seq}"``. A trade's id is its event id. Events of one command are contiguous.
    Event order for a new order: ``OrderAccepted`` (or a single ``OrderRejected``), then per
    price level touched the ``Trade``s / STP ``OrderCancelled``s of that level followed by one
    ``BookDelta`` for it, then either the ``BookDelta`` of the level the remainder rests on or an
    ``OrderCancelled`` for the remainder (IOC_REMAINDER, MARKET_REMAINDER, MARKET_PROTECTION,
    SELF_TRADE_PREVENTION); when neither follows the trades, the order filled completely.

Deduplication
    A command whose ``command_id`` was seen produces no events and changes nothing. The engine
    remembers the ids of the last ``config.dedup_window`` commands it received (default 100,000),
    every command counted once whatever its outcome (rejections included), oldest evicted first.
    The window (ids in arrival order) is part of the snapshot, so a restored engine deduplicates
    exactly like the original. Redeliveries older than the window are not caught here: the caller
    restores from a snapshot and replays its input from the offset stored with that snapshot, so
    a redelivery is always recent.

Order ids
    ``DUPLICATE_ORDER_ID`` is checked against live (resting) orders only; the engine keeps no
    history of finished orders. Order ids are unique ULIDs minted upstream.

Validation
    Of a new order (first failure wins, one ``OrderRejected``, book unchanged): side, order
    type, time in force, STP mode (INVALID_*; enum members or their string values are accepted),
    quantity (an ``int`` >= 1), then for LIMIT: price (an ``int`` >= 1), duplicate id, post-only;
    for MARKET: price must be None, tif IOC/FOK, duplicate id, empty opposite side
    (NO_LIQUIDITY); last, for FOK: fillability.

Time in force
    LIMIT: GTC rests its remainder; IOC cancels it (IOC_REMAINDER); FOK fills completely or is
    rejected (FOK_NOT_FILLABLE) with the book untouched; POST_ONLY is rejected
    (POST_ONLY_WOULD_TAKE) if its price would cross the best opposite price, otherwise rests.
    MARKET: takes IOC (default) or FOK, anything else is INVALID_TIME_IN_FORCE; ``price_ticks``
    is None or the protection price Risk locked margin at (an ``int`` >= 1, else INVALID_PRICE).
    An empty opposite side rejects it with NO_LIQUIDITY. It trades only within the protection
    band (EngineConfig docstring) around the best opposite price at arrival, and never beyond
    ``price_ticks`` when given (the tighter bound wins); a remainder
    is cancelled with MARKET_PROTECTION if liquidity remains beyond the band, MARKET_REMAINDER if
    the opposite side ran out. ``OrderAccepted.price_ticks`` of a market order is its band limit.

Reduce-only / liquidation
    The engine does not know positions. Reduce-only is validated upstream (Order/Risk services,
    which know positions) before the command reaches the engine. The engine carries
    ``reduce_only`` and ``is_liquidation`` through to ``OrderAccepted`` and the snapshot and
    enforces nothing else for them; they match like any other order.

Self-trade prevention
    When a taker would trade with a resting order of the same user, the taker's STP mode
    (``NewOrder.stp_mode`` or ``config.default_stp_mode``) applies: CANCEL_MAKER cancels that
    resting order and the taker keeps matching; CANCEL_TAKER cancels the taker's remainder (it
    never rests); CANCEL_BOTH does both. Cancels carry reason SELF_TRADE_PREVENTION. A FOK order is
    fillable only counting liquidity it can reach under its STP mode (for CANCEL_TAKER/BOTH: the
    liquidity ahead of the first own order); when rejected, nothing (no maker) is cancelled.

Cancel
    Only the owner (``user_id``) may cancel (NOT_ORDER_OWNER); an order that is not resting
    (unknown, filled, cancelled) gives UNKNOWN_ORDER. Rejections are ``CommandRejected`` events.

Amend
    ``new_qty_lots`` is the new open (remaining) quantity; it must be >= 1 -- amending to 0 is
    rejected with INVALID_QUANTITY (cancel is the one way to remove an order). Neither field set:
    INVALID_AMEND. Same price and a smaller quantity keeps time priority; a price change or a
    quantity increase loses it: the order goes to the back of its (new) price level. If the new
    price crosses the book the order trades immediately as a taker (as a new aggressive GTC order
    with the same id, user and STP mode would), and any remainder rests -- except a POST_ONLY order,
    whose crossing amend is rejected (POST_ONLY_WOULD_TAKE) with the order unchanged. Amending to
    the current price and quantity is accepted as a no-op (``OrderAmended`` with
    ``priority_kept=True``, no ``BookDelta``).

Data structures (per side): ``dict`` signed-price -> level, a binary heap of the signed prices
(``price`` for asks, ``-price`` for bids, so both sides pop the best first), a ``deque`` of orders
per level with lazy deletion (a cancelled order is marked dead with ``qty == 0`` and skipped when
it reaches the front; a level's deque is compacted when dead entries dominate), and one
``dict`` order-id -> order. Invariant: the heap's top is always a non-empty level; emptied levels
elsewhere stay in the heap (and in the dict with ``count == 0``) until they surface.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush

from . import snapshot as _snap
from .types import (
    AmendOrder,
    BookDelta,
    CancelOrder,
    CancelReason,
    CommandKind,
    CommandRejected,
    EngineConfig,
    NewOrder,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderRejected,
    OrderType,
    RejectReason,
    Side,
    StpMode,
    TimeInForce,
    Trade,
)

# Module-level aliases: enum attribute access is slow on the hot path.
_BUY = Side.BUY
_SELL = Side.SELL
_LIMIT = OrderType.LIMIT
_MARKET = OrderType.MARKET
_GTC = TimeInForce.GTC
_IOC = TimeInForce.IOC
_FOK = TimeInForce.FOK
_POST_ONLY = TimeInForce.POST_ONLY
_CANCEL_MAKER = StpMode.CANCEL_MAKER
_CANCEL_TAKER = StpMode.CANCEL_TAKER
_CANCEL_BOTH = StpMode.CANCEL_BOTH
_R_STP = CancelReason.SELF_TRADE_PREVENTION
_R_USER = CancelReason.USER_REQUESTED
_R_IOC = CancelReason.IOC_REMAINDER
_R_MKT_REM = CancelReason.MARKET_REMAINDER
_R_MKT_PROT = CancelReason.MARKET_PROTECTION
_CMD_CANCEL = CommandKind.CANCEL
_CMD_AMEND = CommandKind.AMEND

_SIDES = {"BUY": _BUY, "SELL": _SELL}
_TYPES = {"LIMIT": _LIMIT, "MARKET": _MARKET}
_TIFS = {"GTC": _GTC, "IOC": _IOC, "FOK": _FOK, "POST_ONLY": _POST_ONLY}
_STPS = {"CANCEL_MAKER": _CANCEL_MAKER, "CANCEL_TAKER": _CANCEL_TAKER, "CANCEL_BOTH": _CANCEL_BOTH}

_COMPACT_SLACK = 16  # compact a level's deque when len > 2 * live + this


def _enum(table: dict, value):
    try:
        return table.get(value)
    except TypeError:  # unhashable garbage
        return None


class _Order:
    __slots__ = ("order_id", "user_id", "side", "price", "qty", "tif", "stp", "reduce_only", "is_liquidation", "level")

    def __init__(self, order_id, user_id, side, price, qty, tif, stp, reduce_only, is_liquidation, level):
        self.order_id = order_id
        self.user_id = user_id
        self.side = side
        self.price = price
        self.qty = qty  # open quantity; 0 marks a dead deque entry
        self.tif = tif
        self.stp = stp
        self.reduce_only = reduce_only
        self.is_liquidation = is_liquidation
        self.level = level


class _Level:
    __slots__ = ("price", "key", "book", "orders", "total", "count")

    def __init__(self, price, key, book):
        self.price = price
        self.key = key
        self.book = book  # the _BookSide this level belongs to
        self.orders = deque()  # _Order, time priority; may hold dead entries (qty == 0)
        self.total = 0  # sum of live qty
        self.count = 0  # number of live orders


class _BookSide:
    __slots__ = ("side", "sign", "heap", "levels")

    def __init__(self, side):
        self.side = side
        self.sign = 1 if side is _SELL else -1  # key = sign * price; smallest key = best
        self.heap = []  # keys
        self.levels = {}  # key -> _Level (contains exactly the keys in heap)

    def clean_top(self):
        heap = self.heap
        levels = self.levels
        while heap and not levels[heap[0]].count:
            del levels[heappop(heap)]

    def best_price(self):
        heap = self.heap
        return self.sign * heap[0] if heap else None

    def iter_levels(self, key_limit=None):
        """Non-empty levels best first (key ascending), optionally only keys <= key_limit.

        Ordered walk of the heap with a frontier heap: O(k log k) for the k levels visited."""
        heap = self.heap
        levels = self.levels
        n = len(heap)
        if not n:
            return
        frontier = [(heap[0], 0)]
        while frontier:
            key, i = heappop(frontier)
            if key_limit is not None and key > key_limit:
                return
            lvl = levels[key]
            if lvl.count:
                yield lvl
            j = 2 * i + 1
            if j < n:
                heappush(frontier, (heap[j], j))
                if j + 1 < n:
                    heappush(frontier, (heap[j + 1], j + 1))

    def iter_orders(self):
        for lvl in sorted((lv for lv in self.levels.values() if lv.count), key=lambda lv: lv.key):
            for o in lvl.orders:
                if o.qty:
                    yield o


class MatchingEngine:
    """One symbol's order book and matcher. See the module docstring for the semantics."""

    __slots__ = ("_config", "_symbol", "_seq", "_bids", "_asks", "_orders", "_seen", "_seen_q", "_window", "_default_stp",
                 "_band_ticks", "_band_bps")

    def __init__(self, config: EngineConfig) -> None:
        if not isinstance(config, EngineConfig):
            raise TypeError("config must be an EngineConfig")
        self._config = config
        self._symbol = config.symbol
        self._seq = 0
        self._bids = _BookSide(_BUY)
        self._asks = _BookSide(_SELL)
        self._orders: dict[str, _Order] = {}
        self._seen: set[str] = set()
        self._seen_q: deque[str] = deque()
        self._window = config.dedup_window
        self._default_stp = _STPS[str(config.default_stp_mode)]
        self._band_ticks = config.market_band_ticks
        self._band_bps = config.market_band_bps

    # ------------------------------------------------------------------------------------ read side

    @property
    def symbol(self) -> str:
        return self._symbol

    @property
    def config(self) -> EngineConfig:
        return self._config

    @property
    def seq(self) -> int:
        """Sequence number of the last event emitted (0 before the first)."""
        return self._seq

    def best_bid(self) -> int | None:
        return self._bids.best_price()

    def best_ask(self) -> int | None:
        return self._asks.best_price()

    def depth(self, side: Side, levels: int | None = None) -> list[tuple[int, int]]:
        """Aggregated levels ``(price_ticks, total_qty_lots)`` of one side, best first.

        ``side`` is BUY or SELL (the enum or its text); anything else raises ValueError."""
        book = self._book_of(side)
        out = []
        for lvl in book.iter_levels():
            if levels is not None and len(out) >= levels:
                break
            out.append((lvl.price, lvl.total))
        return out

    def open_order(self, order_id: str) -> dict | None:
        """A resting order as a snapshot-style dict (plus ``side``), or None."""
        o = self._orders.get(order_id)
        if o is None:
            return None
        d = _order_dict(o)
        d["side"] = str(o.side)
        return d

    def open_order_count(self) -> int:
        return len(self._orders)

    def has_seen(self, command_id: str) -> bool:
        return command_id in self._seen

    # ------------------------------------------------------------------------------------- commands

    def process(self, command) -> list:
        """Apply one command; returns its events (empty for a duplicate command)."""
        t = type(command)
        if t is NewOrder:
            return self.new_order(command)
        if t is CancelOrder:
            return self.cancel(command)
        if t is AmendOrder:
            return self.amend(command)
        raise TypeError(f"not an engine command: {t.__name__}")

    def _dedup(self, cid) -> bool:
        """True if ``cid`` was seen (drop the command); otherwise remember it."""
        seen = self._seen
        if cid in seen:
            return True
        seen.add(cid)
        q = self._seen_q
        q.append(cid)
        if len(q) > self._window:
            seen.discard(q.popleft())
        return False

    def new_order(self, c: NewOrder) -> list:
        # -- dedup (inlined _dedup)
        cid = c.command_id
        seen = self._seen
        if cid in seen:
            return []
        seen.add(cid)
        sq = self._seen_q
        sq.append(cid)
        if len(sq) > self._window:
            seen.discard(sq.popleft())

        sym = self._symbol
        oid = c.order_id
        uid = c.user_id
        side = c.side
        typ = c.order_type
        tif = c.tif
        stp = c.stp_mode
        qty = c.qty_lots
        price = c.price_ticks

        # -- validation
        if side is _BUY:
            own = self._bids
            opp = self._asks
        elif side is _SELL:
            own = self._asks
            opp = self._bids
        else:
            side = _enum(_SIDES, side)
            if side is None:
                return self._reject(cid, oid, uid, RejectReason.INVALID_SIDE)
            own, opp = (self._bids, self._asks) if side is _BUY else (self._asks, self._bids)
        if typ is not _LIMIT and typ is not _MARKET:
            typ = _enum(_TYPES, typ)
            if typ is None:
                return self._reject(cid, oid, uid, RejectReason.INVALID_ORDER_TYPE)
        if tif is not _GTC and tif is not _IOC and tif is not _POST_ONLY and tif is not _FOK:
            tif = _enum(_TIFS, tif)
            if tif is None:
                return self._reject(cid, oid, uid, RejectReason.INVALID_TIME_IN_FORCE)
        if stp is None:
            stp = self._default_stp
        elif stp is not _CANCEL_MAKER and stp is not _CANCEL_TAKER and stp is not _CANCEL_BOTH:
            stp = _enum(_STPS, stp)
            if stp is None:
                return self._reject(cid, oid, uid, RejectReason.INVALID_STP_MODE)
        if type(qty) is not int or qty <= 0:
            return self._reject(cid, oid, uid, RejectReason.INVALID_QUANTITY)
        orders = self._orders
        heap = opp.heap
        if typ is _LIMIT:
            if type(price) is not int or price <= 0:
                return self._reject(cid, oid, uid, RejectReason.INVALID_PRICE)
            if oid in orders:
                return self._reject(cid, oid, uid, RejectReason.DUPLICATE_ORDER_ID)
            key_limit = price if side is _BUY else -price
            crosses = heap and heap[0] <= key_limit
            if crosses and tif is _POST_ONLY:
                return self._reject(cid, oid, uid, RejectReason.POST_ONLY_WOULD_TAKE)
        else:
            # A MARKET order may carry a protection price (Risk's, from the mark): the tighter of
            # it and the engine's own band below is its limit.
            if price is not None and (type(price) is not int or price <= 0):
                return self._reject(cid, oid, uid, RejectReason.INVALID_PRICE)
            if tif is not _IOC and tif is not _FOK:
                return self._reject(cid, oid, uid, RejectReason.INVALID_TIME_IN_FORCE)
            if oid in orders:
                return self._reject(cid, oid, uid, RejectReason.DUPLICATE_ORDER_ID)
            if not heap:
                return self._reject(cid, oid, uid, RejectReason.NO_LIQUIDITY)
            best = opp.sign * heap[0]
            band = self._band_ticks
            if band is None:
                band = best * self._band_bps // 10_000
            protection = price
            if side is _BUY:
                price = best + band
                if protection is not None and protection < price:
                    price = protection
                key_limit = price
            else:
                price = best - band
                if price < 1:
                    price = 1
                if protection is not None and protection > price:
                    price = protection
                key_limit = -price
            crosses = True
        if tif is _FOK and not (crosses and self._fillable(opp, key_limit, qty, uid, stp)):
            return self._reject(cid, oid, uid, RejectReason.FOK_NOT_FILLABLE)

        # -- accepted
        seq = self._seq + 1
        out = [OrderAccepted(sym, seq, cid, oid, uid, side, typ, tif, price, qty, c.reduce_only, c.is_liquidation, stp)]
        remaining = qty
        if crosses:
            seq, remaining, stopped = self._take(out, seq, cid, oid, uid, side, remaining, key_limit, opp, stp)
            if remaining:
                if stopped:
                    seq += 1
                    out.append(OrderCancelled(sym, seq, cid, oid, uid, _R_STP, remaining))
                    self._seq = seq
                    return out
                if typ is _MARKET:
                    seq += 1
                    out.append(OrderCancelled(sym, seq, cid, oid, uid, _R_MKT_PROT if heap else _R_MKT_REM, remaining))
                    self._seq = seq
                    return out
            else:
                self._seq = seq
                return out
        if tif is _IOC or tif is _FOK:  # (a FOK that got here was fully filled: defensive only)
            seq += 1
            out.append(OrderCancelled(sym, seq, cid, oid, uid, _R_IOC, remaining))
            self._seq = seq
            return out
        # -- rest (GTC / POST_ONLY)
        key = -price if side is _BUY else price
        levels = own.levels
        lvl = levels.get(key)
        if lvl is None:
            lvl = levels[key] = _Level(price, key, own)
            heappush(own.heap, key)
        o = _Order(oid, uid, side, price, remaining, tif, stp, c.reduce_only, c.is_liquidation, lvl)
        lvl.orders.append(o)
        lvl.count += 1
        lvl.total = total = lvl.total + remaining
        orders[oid] = o
        seq += 1
        out.append(BookDelta(sym, seq, cid, side, price, total))
        self._seq = seq
        return out

    def _reject(self, cid, oid, uid, reason) -> list:
        self._seq = seq = self._seq + 1
        return [OrderRejected(self._symbol, seq, cid, oid, uid, reason)]

    def _command_reject(self, cid, oid, uid, kind, reason) -> list:
        self._seq = seq = self._seq + 1
        return [CommandRejected(self._symbol, seq, cid, oid, uid, kind, reason)]

    def _fillable(self, opp: _BookSide, key_limit, qty, uid, stp) -> bool:
        """Could a taker fill ``qty`` right now (FOK), given its STP mode?"""
        avail = 0
        skip_own = stp is _CANCEL_MAKER
        for lvl in opp.iter_levels(key_limit):
            for o in lvl.orders:
                oq = o.qty
                if not oq:
                    continue
                if o.user_id == uid:
                    if skip_own:
                        continue
                    return False  # the taker would stop here
                avail += oq
                if avail >= qty:
                    return True
        return False

    def _take(self, out, seq, cid, t_oid, t_uid, t_side, remaining, key_limit, opp, stp):
        """Match a taker against ``opp`` while the best key is <= key_limit.

        Returns ``(seq, remaining, stopped_by_stp)``."""
        heap = opp.heap
        levels = opp.levels
        orders = self._orders
        sym = self._symbol
        opp_side = opp.side
        while remaining and heap:
            key = heap[0]
            if key > key_limit:
                break
            lvl = levels[key]
            price = lvl.price
            dq = lvl.orders
            total0 = total = lvl.total
            count = lvl.count
            stopped = False
            while remaining and count:
                o = dq[0]
                oq = o.qty
                if not oq:
                    dq.popleft()
                    continue
                if o.user_id == t_uid:
                    if stp is not _CANCEL_TAKER:  # CANCEL_MAKER / CANCEL_BOTH: remove the maker
                        dq.popleft()
                        o.qty = 0
                        del orders[o.order_id]
                        total -= oq
                        count -= 1
                        seq += 1
                        out.append(OrderCancelled(sym, seq, cid, o.order_id, o.user_id, _R_STP, oq))
                    if stp is not _CANCEL_MAKER:  # CANCEL_TAKER / CANCEL_BOTH: stop the taker
                        stopped = True
                        break
                    continue
                if oq <= remaining:
                    q = oq
                    mrem = 0
                    dq.popleft()
                    o.qty = 0
                    del orders[o.order_id]
                    count -= 1
                else:
                    q = remaining
                    o.qty = mrem = oq - q
                remaining -= q
                total -= q
                seq += 1
                out.append(Trade(sym, seq, cid, o.order_id, t_oid, o.user_id, t_uid, price, q, t_side, mrem, remaining))
            if total != total0:
                lvl.total = total
                lvl.count = count
                seq += 1
                out.append(BookDelta(sym, seq, cid, opp_side, price, total))
            if not count:  # (outside the if: an empty top level can never stall this loop)
                dq.clear()
                heappop(heap)
                del levels[key]
                while heap and not levels[heap[0]].count:
                    del levels[heappop(heap)]
            if stopped:
                return seq, remaining, True
        return seq, remaining, False

    def _unlink(self, o: _Order) -> _Level:
        """Remove a resting order from the book (no events). Returns its level (total updated)."""
        q = o.qty
        o.qty = 0
        del self._orders[o.order_id]
        lvl = o.level
        lvl.total -= q
        lvl.count = count = lvl.count - 1
        dq = lvl.orders
        if not count:
            dq.clear()
            book = lvl.book
            if book.heap[0] == lvl.key:
                book.clean_top()
        elif len(dq) > (count << 1) + _COMPACT_SLACK:
            lvl.orders = deque([x for x in dq if x.qty])
        return lvl

    def cancel(self, c: CancelOrder) -> list:
        cid = c.command_id
        seen = self._seen
        if cid in seen:
            return []
        seen.add(cid)
        sq = self._seen_q
        sq.append(cid)
        if len(sq) > self._window:
            seen.discard(sq.popleft())

        oid = c.order_id
        uid = c.user_id
        o = self._orders.get(oid)
        if o is None:
            return self._command_reject(cid, oid, uid, _CMD_CANCEL, RejectReason.UNKNOWN_ORDER)
        if o.user_id != uid:
            return self._command_reject(cid, oid, uid, _CMD_CANCEL, RejectReason.NOT_ORDER_OWNER)
        q = o.qty
        lvl = self._unlink(o)
        sym = self._symbol
        seq = self._seq
        self._seq = seq + 2
        return [
            OrderCancelled(sym, seq + 1, cid, oid, uid, _R_USER, q),
            BookDelta(sym, seq + 2, cid, o.side, lvl.price, lvl.total),
        ]

    def amend(self, c: AmendOrder) -> list:
        cid = c.command_id
        if self._dedup(cid):
            return []
        oid = c.order_id
        uid = c.user_id
        o = self._orders.get(oid)
        if o is None:
            return self._command_reject(cid, oid, uid, _CMD_AMEND, RejectReason.UNKNOWN_ORDER)
        if o.user_id != uid:
            return self._command_reject(cid, oid, uid, _CMD_AMEND, RejectReason.NOT_ORDER_OWNER)
        np_ = c.new_price_ticks
        nq = c.new_qty_lots
        if np_ is None and nq is None:
            return self._command_reject(cid, oid, uid, _CMD_AMEND, RejectReason.INVALID_AMEND)
        if np_ is not None and (type(np_) is not int or np_ <= 0):
            return self._command_reject(cid, oid, uid, _CMD_AMEND, RejectReason.INVALID_PRICE)
        if nq is not None and (type(nq) is not int or nq <= 0):
            return self._command_reject(cid, oid, uid, _CMD_AMEND, RejectReason.INVALID_QUANTITY)
        old_price = o.price
        old_qty = o.qty
        new_price = old_price if np_ is None else np_
        new_qty = old_qty if nq is None else nq
        side = o.side
        sym = self._symbol
        seq = self._seq

        if new_price == old_price and new_qty <= old_qty:  # keeps priority
            seq += 1
            out = [OrderAmended(sym, seq, cid, oid, uid, side, old_price, new_price, old_qty, new_qty, True)]
            if new_qty != old_qty:
                lvl = o.level
                o.qty = new_qty
                lvl.total -= old_qty - new_qty
                seq += 1
                out.append(BookDelta(sym, seq, cid, side, old_price, lvl.total))
            self._seq = seq
            return out

        # loses priority: re-enter at the back, possibly as a taker
        if side is _BUY:
            own, opp, key_limit = self._bids, self._asks, new_price
        else:
            own, opp, key_limit = self._asks, self._bids, -new_price
        heap = opp.heap
        crosses = bool(heap) and heap[0] <= key_limit
        if crosses and o.tif is _POST_ONLY:
            return self._command_reject(cid, oid, uid, _CMD_AMEND, RejectReason.POST_ONLY_WOULD_TAKE)
        old_lvl = self._unlink(o)
        seq += 1
        out = [OrderAmended(sym, seq, cid, oid, uid, side, old_price, new_price, old_qty, new_qty, False)]
        if new_price != old_price:
            seq += 1
            out.append(BookDelta(sym, seq, cid, side, old_price, old_lvl.total))
        stp = o.stp
        remaining = new_qty
        if crosses:
            seq, remaining, stopped = self._take(out, seq, cid, oid, uid, side, remaining, key_limit, opp, stp)
            if stopped and remaining:
                seq += 1
                out.append(OrderCancelled(sym, seq, cid, oid, uid, _R_STP, remaining))
                self._seq = seq
                return out
        if remaining:
            key = own.sign * new_price
            levels = own.levels
            lvl = levels.get(key)
            if lvl is None:
                lvl = levels[key] = _Level(new_price, key, own)
                heappush(own.heap, key)
            n = _Order(oid, uid, side, new_price, remaining, o.tif, stp, o.reduce_only, o.is_liquidation, lvl)
            lvl.orders.append(n)
            lvl.count += 1
            lvl.total += remaining
            self._orders[oid] = n
            seq += 1
            out.append(BookDelta(sym, seq, cid, side, new_price, lvl.total))
        self._seq = seq
        return out

    # ------------------------------------------------------------- additive helpers for the service

    def _book_of(self, side) -> _BookSide:
        if side is _BUY or side == "BUY":
            return self._bids
        if side is _SELL or side == "SELL":
            return self._asks
        raise ValueError(f"side must be BUY or SELL, got {side!r}")

    def level_count(self, side: Side, price_ticks: int) -> int:
        """Live orders resting at one price level (0 if none); an unknown side raises ValueError."""
        book = self._book_of(side)
        lvl = book.levels.get(book.sign * price_ticks)
        return lvl.count if lvl is not None else 0

    def reject_new_order(self, command_id: str, order_id: str, user_id: str, reason: RejectReason) -> list:
        """Reject a new order for a reason only the caller can see (e.g. INSTRUMENT_MISMATCH), with
        the same dedup and sequencing as any command: one ``OrderRejected``, book unchanged.

        An invalid ``reason`` raises ValueError before anything is recorded, so a corrected retry
        with the same command id is still applied."""
        reason = RejectReason(reason)  # ValueError for garbage, checked before the dedup records the id
        if self._dedup(command_id):
            return []
        return self._reject(command_id, order_id, user_id, reason)

    def cancel_all(self, command_id: str, user_id: str) -> list:
        """Cancel every resting order of ``user_id`` as one command (deduplicated once).

        Orders go in book priority order (bids best first, then asks), each as an
        ``OrderCancelled`` (USER_REQUESTED) followed by its level's ``BookDelta``, exactly what a
        stream of single cancels would emit. No resting order: no event (the id is still remembered).
        """
        if self._dedup(command_id):
            return []
        victims = [o for book in (self._bids, self._asks) for o in book.iter_orders() if o.user_id == user_id]
        out = []
        sym = self._symbol
        seq = self._seq
        for o in victims:
            q = o.qty
            lvl = self._unlink(o)
            out.append(OrderCancelled(sym, seq + 1, command_id, o.order_id, user_id, _R_USER, q))
            out.append(BookDelta(sym, seq + 2, command_id, o.side, lvl.price, lvl.total))
            seq += 2
        self._seq = seq
        return out

    # ----------------------------------------------------------------------------- snapshot / hash

    def snapshot(self) -> dict:
        """Full deterministic state as a JSON-able dict (format in snapshot.py)."""
        return {
            "format": _snap.SNAPSHOT_FORMAT,
            "symbol": self._symbol,
            "engine_seq": self._seq,
            "config": self._config.to_dict(),
            "bids": [_order_dict(o) for o in self._bids.iter_orders()],
            "asks": [_order_dict(o) for o in self._asks.iter_orders()],
            "seen_command_ids": list(self._seen_q),
        }

    def book_hash(self) -> str:
        """Canonical book hash of the live book; equals ``book_hash(self.snapshot())``."""
        return _snap.hash_book(
            self._symbol,
            self._seq,
            ((o.order_id, o.user_id, o.price, o.qty) for o in self._bids.iter_orders()),
            ((o.order_id, o.user_id, o.price, o.qty) for o in self._asks.iter_orders()),
        )

    @classmethod
    def restore(cls, snapshot: dict) -> MatchingEngine:
        """Rebuild an engine from ``snapshot()`` output (validated; raises ValueError if malformed).

        Any malformed snapshot -- not a dict, a missing key (``bids``, ``seen_command_ids``, an order
        field, ...), a value of the wrong type -- raises ValueError, never KeyError/TypeError."""
        if not isinstance(snapshot, dict):
            raise ValueError(f"snapshot must be a dict, got {type(snapshot).__name__}")
        try:
            return cls._restore(snapshot)
        except ValueError:
            raise
        except KeyError as exc:
            raise ValueError(f"malformed snapshot: missing {exc.args[0]!r}") from exc
        except (TypeError, AttributeError) as exc:
            raise ValueError(f"malformed snapshot: {exc}") from exc

    @classmethod
    def _restore(cls, snapshot: dict) -> MatchingEngine:
        if snapshot.get("format") != _snap.SNAPSHOT_FORMAT:
            raise ValueError(f"unsupported snapshot format: {snapshot.get('format')!r}")
        config = EngineConfig.from_dict(snapshot["config"])
        if config.symbol != snapshot["symbol"]:
            raise ValueError("snapshot symbol does not match its config")
        eng = cls(config)
        seq = snapshot["engine_seq"]
        if type(seq) is not int or seq < 0:
            raise ValueError("engine_seq must be a non-negative int")
        eng._seq = seq
        for book, key_name in ((eng._bids, "bids"), (eng._asks, "asks")):
            last_key = None
            orders = snapshot[key_name]
            if not isinstance(orders, list):
                raise ValueError(f"{key_name} must be a list")
            for d in orders:
                if not isinstance(d, dict):
                    raise ValueError(f"{key_name} entries must be dicts")
                oid, uid, price, qty = d["order_id"], d["user_id"], d["price_ticks"], d["qty_lots"]
                if type(oid) is not str or not oid or type(uid) is not str or not uid:
                    raise ValueError(f"bad order_id/user_id in snapshot order {oid!r}")
                if type(d["reduce_only"]) is not bool or type(d["is_liquidation"]) is not bool:
                    raise ValueError(f"bad reduce_only/is_liquidation in snapshot order {oid!r}")
                if type(price) is not int or price <= 0 or type(qty) is not int or qty <= 0:
                    raise ValueError(f"bad price/qty in snapshot order {oid!r}")
                if oid in eng._orders:
                    raise ValueError(f"duplicate order id in snapshot: {oid!r}")
                tif = _enum(_TIFS, d["tif"])
                stp = _enum(_STPS, d["stp_mode"])
                if tif is not _GTC and tif is not _POST_ONLY:
                    raise ValueError(f"resting order {oid!r} has tif {d['tif']!r}")
                if stp is None:
                    raise ValueError(f"bad stp_mode in snapshot order {oid!r}")
                key = book.sign * price
                if last_key is not None and key < last_key:
                    raise ValueError(f"{key_name} are not in priority order at {oid!r}")
                last_key = key
                lvl = book.levels.get(key)
                if lvl is None:
                    lvl = book.levels[key] = _Level(price, key, book)
                    heappush(book.heap, key)
                o = _Order(oid, uid, book.side, price, qty, tif, stp, d["reduce_only"], d["is_liquidation"], lvl)
                lvl.orders.append(o)
                lvl.count += 1
                lvl.total += qty
                eng._orders[oid] = o
        bb, ba = eng._bids.best_price(), eng._asks.best_price()
        if bb is not None and ba is not None and bb >= ba:
            raise ValueError("snapshot book is crossed")
        ids = snapshot["seen_command_ids"]
        if not isinstance(ids, list) or any(type(i) is not str for i in ids):
            raise ValueError("seen_command_ids must be a list of strings")
        ids = list(ids)
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate command id in snapshot dedup window")
        ids = ids[-config.dedup_window:]
        eng._seen_q = deque(ids)
        eng._seen = set(ids)
        return eng


def _order_dict(o: _Order) -> dict:
    return {
        "order_id": o.order_id,
        "user_id": o.user_id,
        "price_ticks": o.price,
        "qty_lots": o.qty,
        "tif": str(o.tif),
        "stp_mode": str(o.stp),
        "reduce_only": o.reduce_only,
        "is_liquidation": o.is_liquidation,
    }
