"""Matching-engine throughput benchmark (single core, pure Python).

    python -m bench.engine_bench                 # from the repo root
    python bench/engine_bench.py -n 500000 --repeat 5 --seed 7

Generates a deterministic (seeded) realistic command mix, then times it through
``services.engine.domain.MatchingEngine`` and through a minimal baseline book defined here
(SortedDict of price -> deque, lazy cancel, no events/validation/STP/dedup) and prints
commands/s, events/s and the engine/baseline ratio. Rates use process CPU time (robust on a shared
machine; wall time is printed too). Best of ``--repeat`` alternating runs, each on a fresh book.

Mix (per command): ~60 % GTC limit adds a few ticks behind the top of book, ~30 % cancels of live
orders, ~10 % aggressive orders (IOC limits through the top, crossing GTC limits, market orders).
1,000 users, so self-trade prevention rarely fires. The book is pre-seeded with a few hundred
orders per side (not timed) so the first aggressive orders have something to hit.

Speed is reported here, never asserted in tests (docs/CONVENTIONS.md).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from collections import deque

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sortedcontainers import SortedDict  # noqa: E402

from services.engine.domain import (  # noqa: E402
    CancelOrder,
    EngineConfig,
    MatchingEngine,
    NewOrder,
    OrderType,
    Side,
    TimeInForce,
)

BAND_BPS = 500


# ------------------------------------------------------------------------------------------- baseline


class BaselineBook:
    """Minimal price-time book: SortedDict price -> deque of [order_id, user_id, qty] (qty 0 = dead).

    Returns fills as (maker_id, qty, price, maker_done) tuples. No validation, events, STP or dedup.
    """

    __slots__ = ("bids", "asks", "orders")

    def __init__(self) -> None:
        self.bids = SortedDict()  # key -price
        self.asks = SortedDict()  # key price
        self.orders = {}  # order_id -> (entry, book, key)

    def limit(self, oid, uid, is_buy, price, qty, rest):
        fills = []
        if is_buy:
            opp, own, lim, key = self.asks, self.bids, price, -price
        else:
            opp, own, lim, key = self.bids, self.asks, -price, price
        orders = self.orders
        while qty and opp:
            k, dq = opp.peekitem(0)
            if k > lim:
                break
            while qty and dq:
                e = dq[0]
                eq = e[2]
                if not eq:
                    dq.popleft()
                    continue
                if eq <= qty:
                    qty -= eq
                    e[2] = 0
                    dq.popleft()
                    del orders[e[0]]
                    fills.append((e[0], eq, abs(k), True))
                else:
                    e[2] = eq - qty
                    fills.append((e[0], qty, abs(k), False))
                    qty = 0
            if not dq:
                del opp[k]
        if qty and rest:
            dq = own.get(key)
            if dq is None:
                dq = own[key] = deque()
            e = [oid, uid, qty]
            dq.append(e)
            orders[oid] = (e, own, key)
        return fills

    def market(self, oid, uid, is_buy, qty):
        opp = self.asks if is_buy else self.bids
        if not opp:
            return []
        best = abs(opp.peekitem(0)[0])
        band = best * BAND_BPS // 10_000
        return self.limit(oid, uid, is_buy, best + band if is_buy else max(1, best - band), qty, False)

    def cancel(self, oid):
        t = self.orders.pop(oid, None)
        if t is None:
            return False
        e, book, key = t
        e[2] = 0
        dq = book[key]
        while dq and not dq[0][2]:
            dq.popleft()
        if not dq:
            del book[key]
        return True

    def best(self, is_buy):
        book = self.bids if is_buy else self.asks
        while book:
            k, dq = book.peekitem(0)
            if any(e[2] for e in dq):
                return abs(k)
            del book[k]
        return None


# ------------------------------------------------------------------------------------------ generator


class _LiveSet:
    """Live order ids with O(1) add / remove / uniform random pick."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.pos: dict[str, int] = {}

    def add(self, oid):
        self.pos[oid] = len(self.ids)
        self.ids.append(oid)

    def remove(self, oid):
        i = self.pos.pop(oid, None)
        if i is None:
            return
        last = self.ids.pop()
        if i < len(self.ids):
            self.ids[i] = last
            self.pos[last] = i

    def pick(self, rng):
        return self.ids[rng.randrange(len(self.ids))]


def generate(n: int, seed: int, warmup_per_side: int = 300):
    """Returns (warmup_cmds, cmds, warmup_ops, ops): engine commands and the equivalent baseline ops.

    A baseline book is run alongside the generator so cancels target orders that are really live and
    adds are placed relative to the real top of book."""
    rng = random.Random(seed)
    users = [f"u{i:04d}" for i in range(1000)]
    sim = BaselineBook()
    live = _LiveSet()
    mid = 100_000
    counter = 0
    B, S = Side.BUY, Side.SELL
    LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET
    GTC, IOC = TimeInForce.GTC, TimeInForce.IOC

    def next_ids():
        nonlocal counter
        counter += 1
        return f"c{counter:09d}", f"o{counter:09d}"

    def add(cmds, ops, is_buy, price, qty, tif, uid):
        cid, oid = next_ids()
        cmds.append(NewOrder(cid, oid, uid, B if is_buy else S, LIMIT, tif, price, qty))
        rest = tif is GTC
        ops.append((0, oid, uid, is_buy, price, qty, rest))
        fills = sim.limit(oid, uid, is_buy, price, qty, rest)
        for maker, _q, _p, done in fills:
            if done:
                live.remove(maker)
        if rest and oid in sim.orders:
            live.add(oid)

    warm_cmds, warm_ops = [], []
    for i in range(warmup_per_side):
        add(warm_cmds, warm_ops, True, mid - 1 - i // 10, rng.randint(1, 10), GTC, rng.choice(users))
        add(warm_cmds, warm_ops, False, mid + 1 + i // 10, rng.randint(1, 10), GTC, rng.choice(users))

    cmds, ops = [], []
    while len(cmds) < n:
        r = rng.random()
        uid = rng.choice(users)
        if r < 0.30 and live.ids:  # cancel a live order
            oid = live.pick(rng)
            t = sim.orders[oid]
            counter += 1
            cid = f"c{counter:09d}"
            cmds.append(CancelOrder(cid, oid, t[0][1]))
            ops.append((1, oid))
            sim.cancel(oid)
            live.remove(oid)
            continue
        is_buy = rng.random() < 0.5
        bb, ba = sim.best(True), sim.best(False)
        if bb is None:
            bb = (ba or mid) - 1
        if ba is None:
            ba = bb + 1
        if r < 0.90:  # passive add near the top of book
            if is_buy:
                price = min(ba - 1, bb + 1 - rng.randint(0, 5))
            else:
                price = max(bb + 1, ba - 1 + rng.randint(0, 5))
            add(cmds, ops, is_buy, price, rng.randint(1, 10), GTC, uid)
        else:  # aggressive
            a = rng.random()
            qty = rng.randint(1, 25)
            if a < 0.2:  # market
                cid, oid = next_ids()
                cmds.append(NewOrder(cid, oid, uid, B if is_buy else S, MARKET, IOC, None, qty))
                ops.append((2, oid, uid, is_buy, None, qty, False))
                for maker, _q, _p, done in sim.market(oid, uid, is_buy, qty):
                    if done:
                        live.remove(maker)
            else:
                through = rng.randint(0, 3)
                price = ba + through if is_buy else max(1, bb - through)
                add(cmds, ops, is_buy, price, qty, IOC if a < 0.7 else GTC, uid)
    return warm_cmds, cmds, warm_ops, ops


# ---------------------------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200_000, help="commands to time (default 200000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=3, help="runs per book, best is reported")
    ap.add_argument("--profile", action="store_true", help="cProfile one engine run instead")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    warm_cmds, cmds, warm_ops, ops = generate(args.n, args.seed)
    gen_s = time.perf_counter() - t0
    kinds = {"GTC limit": 0, "cancel": 0, "aggressive (market/IOC)": 0}
    for op in ops:
        if op[0] == 1:
            kinds["cancel"] += 1
        elif op[0] == 2 or not op[6]:
            kinds["aggressive (market/IOC)"] += 1
        else:
            kinds["GTC limit"] += 1  # includes the ~3 % crossing GTC limits
    print(f"generated {len(cmds)} commands (+{len(warm_cmds)} warm-up) in {gen_s:.2f}s, seed={args.seed}; "
          f"mix: {kinds}")

    def run_engine():
        eng = MatchingEngine(EngineConfig(symbol="BENCH-PERP", market_band_bps=BAND_BPS))
        proc = eng.process
        for c in warm_cmds:
            proc(c)
        n_events = 0
        gc.disable()
        w, t = time.perf_counter(), time.process_time()
        for c in cmds:
            n_events += len(proc(c))
        cpu, wall = time.process_time() - t, time.perf_counter() - w
        gc.enable()
        return cpu, wall, n_events, eng

    def run_base():
        book = BaselineBook()
        limit, market, cancel = book.limit, book.market, book.cancel

        def feed(seq):
            n = 0
            for op in seq:
                kind = op[0]
                if kind == 0:
                    n += len(limit(op[1], op[2], op[3], op[4], op[5], op[6]))
                elif kind == 1:
                    cancel(op[1])
                else:
                    n += len(market(op[1], op[2], op[3], op[5]))
            return n

        feed(warm_ops)
        gc.disable()
        w, t = time.perf_counter(), time.process_time()
        fills = feed(ops)
        cpu, wall = time.process_time() - t, time.perf_counter() - w
        gc.enable()
        return cpu, wall, fills

    if args.profile:
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.enable()
        run_engine()
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(15)
        return 0

    # engine and baseline runs alternate so both see the same machine load; best run (by CPU time) wins
    best_e = best_b = None
    for _ in range(args.repeat):
        gc.collect()
        r = run_engine()
        if best_e is None or r[0] < best_e[0]:
            best_e = r
        gc.collect()
        r = run_base()
        if best_b is None or r[0] < best_b[0]:
            best_b = r

    n = len(cmds)
    cpu, wall, n_events, eng = best_e
    print(f"engine  : {n} commands, {n_events} events in {cpu:.3f}s CPU ({wall:.3f}s wall) = "
          f"{n / cpu:,.0f} commands/s, {n_events / cpu:,.0f} events/s "
          f"[wall: {n / wall:,.0f} commands/s] (open orders at end {eng.open_order_count()}, seq {eng.seq})")
    b_cpu, b_wall, fills = best_b
    print(f"baseline: {n} commands, {fills} fills in {b_cpu:.3f}s CPU ({b_wall:.3f}s wall) = "
          f"{n / b_cpu:,.0f} commands/s [wall: {n / b_wall:,.0f}] (SortedDict + deque, no events/validation)")
    print(f"ratio engine/baseline (CPU time): {b_cpu / cpu:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
