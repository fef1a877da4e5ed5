"""Model-based test: random command streams through the engine and through an obviously-correct
reference model (a plain list of orders, re-sorted on every step), compared after every command.

Compared per command: every non-delta event as a tuple (accept/reject/trade/cancel/amend, with all
their business fields), sequence numbers (gap-free, contiguous), event ids. Compared after every
command: the whole book (order id, user, price, open qty, in priority order), the L2 book rebuilt
from the BookDelta stream, and the engine's own book hash against the pure snapshot hash.
Invariants checked from the event stream alone: per order, accepted (+ amend changes) == filled +
cancelled + resting; trade remaining quantities agree with that ledger; the book is never crossed.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from services.engine.domain import (
    AmendOrder,
    BookDelta,
    CancelOrder,
    CommandRejected,
    EngineConfig,
    MatchingEngine,
    NewOrder,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderRejected,
    Trade,
    book_hash,
)

SYM = "MODEL-PERP"
USERS = ["u1", "u2", "u3"]


# ------------------------------------------------------------------------------------ reference model


@dataclass
class RefOrder:
    oid: str
    uid: str
    side: str
    price: int
    qty: int
    tif: str
    stp: str
    ro: bool
    liq: bool
    ts: int


class RefBook:
    """Everything done the slow, obvious way: a list of resting orders, sorted when needed."""

    def __init__(self, default_stp: str, band_ticks: int | None, band_bps: int | None, window: int):
        self.default_stp = default_stp
        self.band_ticks = band_ticks
        self.band_bps = band_bps
        self.window = window
        self.orders: list[RefOrder] = []
        self.ts = 0
        self.seen: list[str] = []

    # -- helpers
    def queue(self, side: str) -> list[RefOrder]:
        mine = [o for o in self.orders if o.side == side]
        if side == "BUY":
            return sorted(mine, key=lambda o: (-o.price, o.ts))
        return sorted(mine, key=lambda o: (o.price, o.ts))

    @staticmethod
    def crosses(taker_side: str, limit: int, maker_price: int) -> bool:
        return maker_price <= limit if taker_side == "BUY" else maker_price >= limit

    def find(self, oid):
        for o in self.orders:
            if o.oid == oid:
                return o
        return None

    def dedup(self, cid) -> bool:
        if cid in self.seen:
            return True
        self.seen.append(cid)
        if len(self.seen) > self.window:
            self.seen.pop(0)
        return False

    def match(self, out, t_oid, t_uid, side, qty, limit, stp):
        opp = "SELL" if side == "BUY" else "BUY"
        while qty:
            cands = [o for o in self.queue(opp) if self.crosses(side, limit, o.price)]
            if not cands:
                break
            m = cands[0]
            if m.uid == t_uid:
                if stp in ("CANCEL_MAKER", "CANCEL_BOTH"):
                    self.orders.remove(m)
                    out.append(("cancelled", m.oid, "SELF_TRADE_PREVENTION", m.qty))
                if stp in ("CANCEL_TAKER", "CANCEL_BOTH"):
                    return qty, True
                continue
            q = min(qty, m.qty)
            m.qty -= q
            qty -= q
            out.append(("trade", m.oid, t_oid, m.uid, t_uid, m.price, q, side, m.qty, qty))
            if m.qty == 0:
                self.orders.remove(m)
        return qty, False

    def rest(self, oid, uid, side, price, qty, tif, stp, ro, liq):
        self.ts += 1
        self.orders.append(RefOrder(oid, uid, side, price, qty, tif, stp, ro, liq, self.ts))

    # -- commands (return None for a deduplicated command, else the list of event tuples)
    def new(self, c: NewOrder):
        if self.dedup(c.command_id):
            return None
        side, typ, tif = str(c.side), str(c.order_type), str(c.tif)
        stp = self.default_stp if c.stp_mode is None else str(c.stp_mode)
        qty, price = c.qty_lots, c.price_ticks

        def reject(reason):
            return [("rejected", c.order_id, reason)]

        if not (isinstance(qty, int) and not isinstance(qty, bool) and qty > 0):
            return reject("INVALID_QUANTITY")
        opp = "SELL" if side == "BUY" else "BUY"
        if typ == "LIMIT":
            if not (isinstance(price, int) and not isinstance(price, bool) and price > 0):
                return reject("INVALID_PRICE")
            if self.find(c.order_id):
                return reject("DUPLICATE_ORDER_ID")
            would_cross = any(self.crosses(side, price, o.price) for o in self.queue(opp))
            if tif == "POST_ONLY" and would_cross:
                return reject("POST_ONLY_WOULD_TAKE")
            limit = price
        else:
            if price is not None and not (isinstance(price, int) and not isinstance(price, bool) and price > 0):
                return reject("INVALID_PRICE")
            if tif not in ("IOC", "FOK"):
                return reject("INVALID_TIME_IN_FORCE")
            if self.find(c.order_id):
                return reject("DUPLICATE_ORDER_ID")
            q = self.queue(opp)
            if not q:
                return reject("NO_LIQUIDITY")
            best = q[0].price
            band = self.band_ticks if self.band_ticks is not None else best * self.band_bps // 10000
            limit = best + band if side == "BUY" else max(1, best - band)
            if price is not None:  # Risk's protection price: the tighter bound wins
                limit = min(limit, price) if side == "BUY" else max(limit, price)
        accepted = ("accepted", c.order_id, c.user_id, side, typ, tif, limit, qty, c.reduce_only, c.is_liquidation, stp)
        if tif == "FOK":  # simulate on a copy, keep it only if it filled completely
            trial = copy.deepcopy(self.orders)
            saved = self.orders
            self.orders = trial
            sim_out = []
            remaining, _stopped = self.match(sim_out, c.order_id, c.user_id, side, qty, limit, stp)
            if remaining:
                self.orders = saved
                return reject("FOK_NOT_FILLABLE")
            return [accepted, *sim_out]
        out = [accepted]
        remaining, stopped = self.match(out, c.order_id, c.user_id, side, qty, limit, stp)
        if remaining:
            if stopped:
                out.append(("cancelled", c.order_id, "SELF_TRADE_PREVENTION", remaining))
            elif typ == "MARKET":
                reason = "MARKET_PROTECTION" if self.queue(opp) else "MARKET_REMAINDER"
                out.append(("cancelled", c.order_id, reason, remaining))
            elif tif == "IOC":
                out.append(("cancelled", c.order_id, "IOC_REMAINDER", remaining))
            else:
                self.rest(c.order_id, c.user_id, side, limit, remaining, tif, stp, c.reduce_only, c.is_liquidation)
        return out

    def cancel(self, c: CancelOrder):
        if self.dedup(c.command_id):
            return None
        o = self.find(c.order_id)
        if o is None:
            return [("cmd_rejected", c.order_id, "CANCEL", "UNKNOWN_ORDER")]
        if o.uid != c.user_id:
            return [("cmd_rejected", c.order_id, "CANCEL", "NOT_ORDER_OWNER")]
        self.orders.remove(o)
        return [("cancelled", o.oid, "USER_REQUESTED", o.qty)]

    def amend(self, c: AmendOrder):
        if self.dedup(c.command_id):
            return None
        o = self.find(c.order_id)

        def reject(reason):
            return [("cmd_rejected", c.order_id, "AMEND", reason)]

        if o is None:
            return reject("UNKNOWN_ORDER")
        if o.uid != c.user_id:
            return reject("NOT_ORDER_OWNER")
        if c.new_price_ticks is None and c.new_qty_lots is None:
            return reject("INVALID_AMEND")
        if c.new_price_ticks is not None and c.new_price_ticks <= 0:
            return reject("INVALID_PRICE")
        if c.new_qty_lots is not None and c.new_qty_lots <= 0:
            return reject("INVALID_QUANTITY")
        new_price = o.price if c.new_price_ticks is None else c.new_price_ticks
        new_qty = o.qty if c.new_qty_lots is None else c.new_qty_lots
        if new_price == o.price and new_qty <= o.qty:
            ev = [("amended", o.oid, o.price, new_price, o.qty, new_qty, True)]
            o.qty = new_qty
            return ev
        opp = "SELL" if o.side == "BUY" else "BUY"
        would_cross = any(self.crosses(o.side, new_price, m.price) for m in self.queue(opp))
        if would_cross and o.tif == "POST_ONLY":
            return reject("POST_ONLY_WOULD_TAKE")
        self.orders.remove(o)
        out = [("amended", o.oid, o.price, new_price, o.qty, new_qty, False)]
        remaining, stopped = self.match(out, o.oid, o.uid, o.side, new_qty, new_price, o.stp)
        if remaining:
            if stopped:
                out.append(("cancelled", o.oid, "SELF_TRADE_PREVENTION", remaining))
            else:
                self.rest(o.oid, o.uid, o.side, new_price, remaining, o.tif, o.stp, o.ro, o.liq)
        return out

    def book(self):
        return (
            [(o.oid, o.uid, o.price, o.qty) for o in self.queue("BUY")],
            [(o.oid, o.uid, o.price, o.qty) for o in self.queue("SELL")],
        )


def as_tuple(e):
    """Engine event -> the reference model's tuple (None for BookDelta)."""
    t = type(e)
    if t is OrderAccepted:
        return ("accepted", e.order_id, e.user_id, str(e.side), str(e.order_type), str(e.tif), e.price_ticks,
                e.qty_lots, e.reduce_only, e.is_liquidation, str(e.stp_mode))
    if t is OrderRejected:
        return ("rejected", e.order_id, str(e.reason))
    if t is CommandRejected:
        return ("cmd_rejected", e.order_id, str(e.command), str(e.reason))
    if t is Trade:
        return ("trade", e.maker_order_id, e.taker_order_id, e.maker_user_id, e.taker_user_id, e.price_ticks,
                e.qty_lots, str(e.taker_side), e.maker_remaining_lots, e.taker_remaining_lots)
    if t is OrderCancelled:
        return ("cancelled", e.order_id, str(e.reason), e.cancelled_lots)
    if t is OrderAmended:
        return ("amended", e.order_id, e.old_price_ticks, e.new_price_ticks, e.old_qty_lots, e.new_qty_lots,
                e.priority_kept)
    if t is BookDelta:
        return None
    raise AssertionError(f"unexpected event {e!r}")


# ------------------------------------------------------------------------------------- state machine

prices = st.integers(min_value=96, max_value=104)
qtys = st.integers(min_value=1, max_value=6)
stp_modes = st.sampled_from([None, "CANCEL_MAKER", "CANCEL_TAKER", "CANCEL_BOTH"])


class EngineVsModel(RuleBasedStateMachine):
    @initialize(
        default_stp=st.sampled_from(["CANCEL_MAKER", "CANCEL_TAKER", "CANCEL_BOTH"]),
        band=st.one_of(st.tuples(st.just("ticks"), st.integers(0, 5)), st.tuples(st.just("bps"), st.integers(0, 600))),
        window=st.sampled_from([4, 16, 1000]),
    )
    def setup(self, default_stp, band, window):
        ticks = band[1] if band[0] == "ticks" else None
        bps = band[1] if band[0] == "bps" else None
        self.engine = MatchingEngine(EngineConfig(symbol=SYM, default_stp_mode=default_stp, market_band_ticks=ticks,
                                                  market_band_bps=bps, dedup_window=window))
        self.ref = RefBook(default_stp, ticks, bps, window)
        self.n = 0
        self.oids: list[tuple[str, str]] = []  # every order id ever used, with its owner
        self.history: list = []
        self.seq = 0
        self.l2 = {"BUY": {}, "SELL": {}}  # rebuilt from BookDelta only
        self.open: dict[str, int] = {}  # ledger from events: order id -> open qty
        self.gone: dict[str, int] = {}  # ledger: filled + cancelled per order
        self.entered: dict[str, int] = {}  # ledger: accepted qty + amend increases - amend decreases

    # -- driving
    def apply(self, cmd):
        self.history.append(cmd)
        expected = {NewOrder: self.ref.new, CancelOrder: self.ref.cancel, AmendOrder: self.ref.amend}[type(cmd)](cmd)
        events = self.engine.process(cmd)
        if expected is None:
            assert events == [], f"duplicate command {cmd.command_id} produced events"
            return
        got = [t for t in map(as_tuple, events) if t is not None]
        assert got == expected, f"{cmd}\nengine: {got}\nmodel:  {expected}"
        # sequencing
        assert [e.seq for e in events] == list(range(self.seq + 1, self.seq + 1 + len(events)))
        self.seq += len(events)
        assert self.engine.seq == self.seq
        for e in events:
            assert e.event_id == f"{SYM}:{e.seq}" and e.command_id == cmd.command_id
        self.ledger(events)

    def ledger(self, events):
        for e in events:
            t = type(e)
            if t is OrderAccepted:
                assert e.order_id not in self.open or self.open[e.order_id] == 0
                self.open[e.order_id] = e.qty_lots
                self.entered[e.order_id] = self.entered.get(e.order_id, 0) + e.qty_lots
            elif t is Trade:
                for oid, rem in ((e.maker_order_id, e.maker_remaining_lots), (e.taker_order_id, e.taker_remaining_lots)):
                    self.open[oid] -= e.qty_lots
                    self.gone[oid] = self.gone.get(oid, 0) + e.qty_lots
                    assert self.open[oid] == rem >= 0
                assert e.qty_lots > 0 and e.maker_user_id != e.taker_user_id  # STP: never a self-trade
            elif t is OrderCancelled:
                assert self.open[e.order_id] == e.cancelled_lots > 0
                self.open[e.order_id] = 0
                self.gone[e.order_id] = self.gone.get(e.order_id, 0) + e.cancelled_lots
            elif t is OrderAmended:
                assert self.open[e.order_id] == e.old_qty_lots
                self.open[e.order_id] = e.new_qty_lots
                self.entered[e.order_id] += e.new_qty_lots - e.old_qty_lots
            elif t is BookDelta:
                side = self.l2[str(e.side)]
                if e.qty_lots:
                    side[e.price_ticks] = e.qty_lots
                else:
                    side.pop(e.price_ticks, None)

    def new_oid(self):
        self.n += 1
        return f"o{self.n}"

    def next_cid(self):
        self.n += 1
        return f"c{self.n}"

    # -- rules
    @rule(side=st.sampled_from(["BUY", "SELL"]), price=prices, qty=qtys, user=st.sampled_from(USERS),
          tif=st.sampled_from(["GTC", "GTC", "GTC", "IOC", "FOK", "POST_ONLY"]), stp=stp_modes,
          ro=st.booleans(), reuse=st.integers(0, 15), pick=st.integers(0, 10_000))
    def limit(self, side, price, qty, user, tif, stp, ro, reuse, pick):
        # now and then reuse an old order id (live: DUPLICATE_ORDER_ID; finished: accepted again)
        oid = self.oids[pick % len(self.oids)][0] if reuse == 0 and self.oids else self.new_oid()
        self.oids.append((oid, user))
        self.apply(NewOrder(self.next_cid(), oid, user, side, "LIMIT", tif, price, qty, reduce_only=ro,
                            is_liquidation=not ro and tif == "IOC", stp_mode=stp))

    @rule(side=st.sampled_from(["BUY", "SELL"]), qty=st.integers(1, 15), user=st.sampled_from(USERS),
          tif=st.sampled_from(["IOC", "IOC", "FOK"]), stp=stp_modes)
    def market(self, side, qty, user, tif, stp):
        oid = self.new_oid()
        self.oids.append((oid, user))
        self.apply(NewOrder(self.next_cid(), oid, user, side, "MARKET", tif, None, qty, stp_mode=stp))

    @rule(kind=st.sampled_from(["zero_qty", "neg_price", "market_price", "market_gtc"]), side=st.sampled_from(["BUY", "SELL"]))
    def invalid_new(self, kind, side):
        oid = self.new_oid()
        args = {
            "zero_qty": ("LIMIT", "GTC", 100, 0),
            "neg_price": ("LIMIT", "GTC", -1, 1),
            "market_price": ("MARKET", "IOC", 100, 1),
            "market_gtc": ("MARKET", "GTC", None, 1),
        }[kind]
        self.apply(NewOrder(self.next_cid(), oid, "u1", side, *args))

    @precondition(lambda self: self.oids)
    @rule(pick=st.integers(0, 10_000), wrong_user=st.integers(0, 9))
    def cancel(self, pick, wrong_user):
        oid, owner = self.oids[pick % len(self.oids)]
        user = USERS[(USERS.index(owner) + 1) % 3] if wrong_user == 0 else owner
        self.apply(CancelOrder(self.next_cid(), oid, user))

    @precondition(lambda self: self.oids)
    @rule(pick=st.integers(0, 10_000), price=st.one_of(st.none(), prices), qty=st.one_of(st.none(), st.integers(0, 7)),
          wrong_user=st.integers(0, 9))
    def amend(self, pick, price, qty, wrong_user):
        oid, owner = self.oids[pick % len(self.oids)]
        user = USERS[(USERS.index(owner) + 1) % 3] if wrong_user == 0 else owner
        self.apply(AmendOrder(self.next_cid(), oid, user, price, qty))

    @precondition(lambda self: self.history)
    @rule(pick=st.integers(0, 10_000))
    def redeliver(self, pick):
        self.apply(self.history[-1 - pick % min(len(self.history), 24)])

    @rule()
    def snapshot_and_restore(self):
        before = self.engine.snapshot()
        self.engine = MatchingEngine.restore(json.loads(json.dumps(before)))
        assert self.engine.snapshot() == before

    # -- invariants after every step
    @invariant()
    def same_book_as_model(self):
        if not hasattr(self, "engine"):
            return
        snap = self.engine.snapshot()
        got = (
            [(o["order_id"], o["user_id"], o["price_ticks"], o["qty_lots"]) for o in snap["bids"]],
            [(o["order_id"], o["user_id"], o["price_ticks"], o["qty_lots"]) for o in snap["asks"]],
        )
        assert got == self.ref.book()
        assert snap["seen_command_ids"] == self.ref.seen
        assert self.engine.book_hash() == book_hash(snap)

    @invariant()
    def book_not_crossed_and_l2_consistent(self):
        if not hasattr(self, "engine"):
            return
        bb, ba = self.engine.best_bid(), self.engine.best_ask()
        assert bb is None or ba is None or bb < ba
        for side in ("BUY", "SELL"):
            depth = self.engine.depth(side)
            levels = [p for p, _ in depth]
            assert levels == sorted(levels, reverse=(side == "BUY"))
            assert all(q > 0 for _, q in depth)
            assert dict(depth) == self.l2[side], f"{side}: deltas rebuilt {self.l2[side]} != book {depth}"

    @invariant()
    def quantity_conservation(self):
        if not hasattr(self, "engine"):
            return
        snap = self.engine.snapshot()
        resting = {o["order_id"]: o["qty_lots"] for o in snap["bids"] + snap["asks"]}
        for oid, entered in self.entered.items():
            assert entered == self.gone.get(oid, 0) + resting.get(oid, 0), oid
            assert self.open[oid] == resting.get(oid, 0), oid


EngineVsModel.TestCase.settings = settings(
    max_examples=250,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestEngineVsModel = EngineVsModel.TestCase
