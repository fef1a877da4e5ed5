"""The exchange's efficiency on this machine, from a fresh data directory, in one table:

    python -m bench.mesh_bench [--pairs 200] [--rates 100,200,300,400,600] [--seconds 10]

1. idle: CPU of every process the supervisor started (PostgreSQL and Kafka included, with
   their children) over 30 s with no traffic, and Kafka's JVM alone for its floor;
2. latency at 1 in flight: a maker rests a sell, a taker crosses it; from the taker's
   `POST /v1/orders` at Envoy to FILLED visible through `GET /v1/orders/{id}` (polled every ms);
3. open-loop load at fixed rates (orders/s, makers and takers counted alike): every pair is
   sent on schedule whether or not earlier ones finished; the taker's FILLED arrives on its
   `StreamOrderUpdates` (gRPC through Envoy, so polling does not load the mesh). CPU per order
   per process is read at every rate, which go up until orders are no longer all filled within
   30 s; capacity is the highest rate whose p99 stays <= 100 ms with every order filled;
4. the no-logic floor on the same broker and machine (bench/floor.py): Envoy -> gRPC servicer
   -> Kafka -> consumer -> Kafka -> back, and the ratio of the real path to it.

Nothing here is a timed test; it only reports. Sides alternate pair by pair so positions stay
small and no risk limit trips mid-run.
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import grpc
from tradex.order.v1 import order_pb2, order_pb2_grpc

from bench import cpu, floor
from mesh.exchange import Exchange
from mesh.process import Supervisor
from mesh.seed import ensure_admins, login, seed_instruments
from mesh.servers.kafka import launch_kafka

SYMBOL = "BTC-USDT-PERP"
QUANTITY = "0.001"
ORDERS_PER_ACCOUNT = 40
BENCH_ENV = {"AUTH_SIGNUP_LIMIT_PER_IP": "100000", "AUTH_LOGIN_LIMIT_PER_IP": "100000", "AUTH_BCRYPT_COST": "4",
             "TRADEX_MARKET_MAKER": "0"}


class Http:
    """One keep-alive connection per thread to Envoy's REST port."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._local = threading.local()

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
        for attempt in range(2):
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self._port, timeout=30)
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = f"Bearer {token}"
            try:
                conn.request(method, path, json.dumps(body) if body is not None else None, headers)
                response = conn.getresponse()
                raw = response.read()
                return response.status, (json.loads(raw) if raw else {})
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def wait(predicate, timeout: float = 60.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("condition not met")


@dataclass(eq=False)
class Trader:
    token: str
    stream: StreamWatcher | None = None


def signup(api: Http) -> Trader:
    status, body = api.call("POST", "/v1/auth/signup", {"email": f"bench-{uuid.uuid4().hex[:10]}@example.com",
                                                         "password": "bench-password-42"})
    assert status == 200, body
    return Trader(body["tokens"]["access_token"])


def fund(api: Http, trader: Trader, amount: str) -> None:
    wait(lambda: api.call("GET", "/v1/wallet/balances", token=trader.token)[1].get("balances"))
    status, body = api.call("POST", "/v1/deposit", {"asset": "USDT", "amount": amount,
                                                    "client_request_id": uuid.uuid4().hex}, trader.token)
    assert status == 200, body
    deposit_id = body["deposit"]["deposit_id"]
    wait(lambda: api.call("GET", f"/v1/deposits/{deposit_id}", token=trader.token)[1]
         .get("deposit", {}).get("status") == "DEPOSIT_STATUS_CONFIRMED")
    # Risk learns the balance from Kafka; it is usable once Risk's account view shows it.


def reference_price(api: Http) -> Decimal:
    """The mark (or the index) rounded to the tick, so orders sit inside Risk's price band."""
    for path in (f"/v1/markets/{SYMBOL}/mark", f"/v1/markets/{SYMBOL}/index"):
        status, body = api.call("GET", path)
        if status == 200:
            price = next((v for v in _walk(body) if isinstance(v, str) and _is_number(v) and Decimal(v) > 100), None)
            if price:
                return Decimal(price).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Decimal("10000.0")


def _walk(value):
    if isinstance(value, dict):
        for key in ("price", "mark_price", "index_price", "value"):
            if key in value and not isinstance(value[key], dict | list):
                yield value[key]
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def new_order(side: str, price: Decimal) -> dict:
    return {"symbol": SYMBOL, "side": f"SIDE_{side}", "order_type": "ORDER_TYPE_LIMIT", "price": str(price),
            "quantity": QUANTITY, "leverage": "5", "client_order_id": uuid.uuid4().hex[:24],
            "time_in_force": "TIME_IN_FORCE_GTC"}


def place(api: Http, trader: Trader, body: dict) -> dict:
    for _ in range(400):
        status, answer = api.call("POST", "/v1/orders", body, trader.token)
        if status == 200:
            return answer["order"]
        # Right after a deposit Risk may not have seen it yet.
        if "INSUFFICIENT" not in answer.get("message", "") and status != 503:
            raise RuntimeError(f"order refused: {status} {answer}")
        time.sleep(0.05)
    raise RuntimeError("risk never saw the deposit")


class StreamWatcher:
    """The trader's StreamOrderUpdates through Envoy; records when each order is first FILLED."""

    def __init__(self, target: str, token: str) -> None:
        self._channel = grpc.insecure_channel(target)
        self._stub = order_pb2_grpc.OrderServiceStub(self._channel)
        self._token = token
        self.filled_at: dict[str, float] = {}
        self._cond = threading.Condition()
        self._call = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        self._call = self._stub.StreamOrderUpdates(order_pb2.StreamOrderUpdatesRequest(symbol=SYMBOL),
                                                   metadata=[("authorization", f"Bearer {self._token}")])
        self._ready.set()
        try:
            for update in self._call:
                if update.order.status == order_pb2.ORDER_STATUS_FILLED:
                    now = time.perf_counter()
                    with self._cond:
                        self.filled_at.setdefault(update.order.order_id, now)
                        self._cond.notify_all()
        except grpc.RpcError:
            pass

    def wait_filled(self, order_ids: list[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not all(o in self.filled_at for o in order_ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self) -> None:
        if self._call is not None:
            self._call.cancel()
        self._channel.close()


def percentile(samples: list[float], fraction: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class RatePhase:
    rate: int
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    unfilled: int = 0
    # What the unfilled takers ended as (GET /v1/orders/{id}): status and reason -> count.
    unfilled_as: dict[str, int] = field(default_factory=dict)
    achieved_rate: float = 0.0
    cpu_ms_per_order: dict[str, float] = field(default_factory=dict)
    machine: dict[str, float] = field(default_factory=dict)  # cpu.machine_delta over the phase


def run_rate(api: Http, pairs: list[tuple[Trader, Trader]], price: Decimal, rate: int, seconds: float,
             pids: dict[str, int], *, makers_sell: bool, workers: int = 48) -> RatePhase:
    """Open loop: a pair (maker, then the crossing taker) every 2/rate seconds. Every account
    keeps one side for the whole phase (the next phase flips them, which closes the positions):
    an account sending both sides would cross its own resting order whenever fills lag, and
    self-trade prevention would cancel it -- an artifact of reusing few accounts, not a fill."""
    phase = RatePhase(rate)
    interval = 2.0 / rate
    count = max(1, int(rate * seconds / 2))
    posted: list[tuple[Trader, str, float]] = []
    lock = threading.Lock()

    def one_pair(i: int) -> None:
        maker, taker = pairs[i % len(pairs)]
        maker_side, taker_side = ("SELL", "BUY") if makers_sell else ("BUY", "SELL")
        try:
            place(api, maker, new_order(maker_side, price))
            t0 = time.perf_counter()
            taken = place(api, taker, new_order(taker_side, price))
            with lock:
                posted.append((taker, taken["order_id"], t0))
        except Exception as error:  # noqa: BLE001 - reported
            with lock:
                phase.errors.append(str(error)[:200])

    before, machine_before = cpu.snapshot(pids), cpu.machine_snapshot()
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        for i in range(count):
            delay = started + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one_pair, i)
    send_elapsed = time.perf_counter() - started
    for taker in {t for t, _, _ in posted}:
        taker.stream.wait_filled([o for t, o, _ in posted if t is taker], timeout=30)
    used = cpu.delta(before, cpu.snapshot(pids))
    phase.machine = cpu.machine_delta(machine_before, cpu.machine_snapshot(), sum(used.values()),
                                      time.perf_counter() - started)
    phase.sent = 2 * count
    phase.achieved_rate = phase.sent / send_elapsed
    for taker, order_id, t0 in posted:
        at = taker.stream.filled_at.get(order_id)
        if at is None:
            phase.unfilled += 1
            order = api.call("GET", f"/v1/orders/{order_id}", token=taker.token)[1].get("order", {})
            ended = " ".join(filter(None, (order.get("status", "?"), order.get("cancel_reason"),
                                           order.get("reject_reason"))))
            phase.unfilled_as[ended] = phase.unfilled_as.get(ended, 0) + 1
        else:
            phase.latencies_ms.append((at - t0) * 1000)
    orders = max(1, 2 * len(posted))
    phase.cpu_ms_per_order = {name: 1000 * value / orders for name, value in used.items()}
    return phase


def latency_one_in_flight(api: Http, maker: Trader, taker: Trader, price: Decimal, n: int) -> dict[str, list[float]]:
    via_get, via_stream, posting = [], [], []
    for i in range(n):
        maker_side, taker_side = ("SELL", "BUY") if i % 2 == 0 else ("BUY", "SELL")
        place(api, maker, new_order(maker_side, price))
        t0 = time.perf_counter()
        taken = place(api, taker, new_order(taker_side, price))
        posting.append((time.perf_counter() - t0) * 1000)
        order_id = taken["order_id"]
        while True:
            status = api.call("GET", f"/v1/orders/{order_id}", token=taker.token)[1]["order"]["status"]
            if status == "ORDER_STATUS_FILLED":
                break
            if status in ("ORDER_STATUS_CANCELLED", "ORDER_STATUS_REJECTED", "ORDER_STATUS_EXPIRED"):
                raise RuntimeError(f"order {order_id} ended {status}")
            time.sleep(0.001)
        via_get.append((time.perf_counter() - t0) * 1000)
        taker.stream.wait_filled([order_id], 5)
        if order_id in taker.stream.filled_at:
            via_stream.append((taker.stream.filled_at[order_id] - t0) * 1000)
    return {"post": posting, "get": via_get, "stream": via_stream}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200, help="crossing pairs at 1 in flight")
    parser.add_argument("--rates", default="10,20,50,100,200")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--idle-only", action="store_true", help="measure the idle mesh only")
    parser.add_argument("--settle-seconds", type=float, default=12.0,
                        help="wait after the venues' walks stop before the quiet measurement")
    parser.add_argument("--accounts", type=int, default=0,
                        help="maker/taker account pairs under load (default: enough for the highest rate)")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",") if r]
    # Each account keeps one side for a whole phase (run_rate), so its margin grows with the
    # phase: at most ORDERS_PER_ACCOUNT orders of ~20 USDT margin each against its 1000 USDT.
    args.accounts = args.accounts or max(4, math.ceil(max(rates, default=0) * args.seconds / 2 / ORDERS_PER_ACCOUNT))
    os.environ.update(BENCH_ENV)
    root = Path(tempfile.mkdtemp(prefix="tradex-bench-"))
    report: list[str] = [f"# TradeX mesh benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                         f"fresh data dir {root}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"]
    started = time.monotonic()
    with Exchange(root, http_port=0, extra_env=BENCH_ENV) as exchange:
        exchange.start()
        api = Http(exchange.http_port)
        base = exchange.http_url
        creds = ensure_admins(exchange.stack.database_url, exchange.root)
        seed_instruments(base, login(base, **creds["maker"]), login(base, **creds["checker"]))
        pids = {p.name: p.pid for p in exchange.stack.supervisor.processes}
        report.append(f"mesh up and seeded in {time.monotonic() - started:.1f} s; processes: {', '.join(pids)}")
        emit(report)

        # 1. idle: first with the simulated venues' prices walking every second (what `make up`
        # shows: the index moves, and every move flows to Risk, Position, Market Data,
        # Settlement), then with the outside world quiet (no orders, no price moves).
        time.sleep(10)
        live = cpu.measure_idle(pids, args.idle_seconds)
        still = stop_price_walks(exchange.spot_sim_url)
        time.sleep(args.settle_seconds)  # the last moves have flowed through
        quiet = cpu.measure_idle(pids, args.idle_seconds)
        jvm_alone = kafka_jvm_floor(args.idle_seconds)
        emit(render_idle(quiet, live, jvm_alone, still))
        if args.idle_only:
            return

        traders = [signup(api) for _ in range(2 * args.accounts)]
        for trader in traders:
            fund(api, trader, "1000")
            trader.stream = StreamWatcher(exchange.grpc_target, trader.token)
            trader.stream.start()
        pairs = [(traders[2 * i], traders[2 * i + 1]) for i in range(args.accounts)]
        price = reference_price(api)

        # 2. one in flight (also warms every path once)
        one = latency_one_in_flight(api, *pairs[0], price, args.pairs)
        emit(render_one(one))

        # 3. fixed rates
        phases = []
        for index, rate in enumerate(rates):
            price = reference_price(api)
            phase = run_rate(api, pairs, price, rate, args.seconds, pids, makers_sell=index % 2 == 0)
            phases.append(phase)
            if phase.errors or phase.unfilled:
                break  # fallen behind (not all filled within 30 s): higher rates only pile up
        emit(render_load(phases))

        # 4. floor
        emit(render_floor(floor.measure(exchange, n=args.pairs), one))
        for trader in traders:
            trader.stream.close()


def emit(lines: list[str]) -> None:
    """Each part is printed when measured, so a later failure does not lose the earlier ones."""
    print("\n".join(lines), flush=True)


def kafka_jvm_floor(seconds: float) -> float:
    """Percent of a core an Apache Kafka broker of the same build uses with no client at all."""
    with tempfile.TemporaryDirectory(prefix="tradex-kafka-floor-") as tmp:
        supervisor = Supervisor(Path(tmp) / "logs")
        try:
            kafka = launch_kafka(supervisor, Path(tmp) / "kafka")
            kafka.wait_ready(supervisor)
            time.sleep(8)
            return cpu.measure_idle({"kafka": kafka.process.pid}, seconds)["kafka"]
        finally:
            supervisor.stop_all()


def stop_price_walks(spot_sim_url: str) -> list[str]:
    """Stops the simulator's random walk of every spot pair; returns the pairs."""
    with urllib.request.urlopen(f"{spot_sim_url}/control", timeout=5) as response:
        pairs = list(json.loads(response.read()))
    for pair in pairs:
        request = urllib.request.Request(f"{spot_sim_url}/control", data=json.dumps({"symbol": pair, "walk": False}).encode(),
                                         headers={"content-type": "application/json"}, method="POST")
        urllib.request.urlopen(request, timeout=5).close()
    return pairs


def render_idle(quiet: dict[str, float], live: dict[str, float], jvm_alone: float, pairs: list[str]) -> list[str]:
    out = ["", "## Idle (no orders), % of one core", "",
           f"quiet: the simulated venues' prices held still ({len(pairs)} spot pairs); "
           "live: their random walk on (the index moves every second, as `make up` shows)", "",
           "| process | idle CPU, quiet | idle CPU, live prices |", "| --- | --- | --- |"]
    for name, value in sorted(quiet.items(), key=lambda kv: -live.get(kv[0], 0)):
        out.append(f"| {name} | {value:.2f} % | {live.get(name, 0):.2f} % |")
    total, total_live = sum(quiet.values()), sum(live.values())
    out.append(f"| **total** | **{total:.2f} %** | **{total_live:.2f} %** |")
    out.append(f"| Kafka JVM alone, no clients (its floor) | {jvm_alone:.2f} % | |")
    out.append(f"| total without that floor | {total - jvm_alone:.2f} % | {total_live - jvm_alone:.2f} % |")
    out.append(f"\nload average after the idle phase: {os.getloadavg()[0]:.2f} (other work on the machine inflates this)")
    return out


def render_one(one: dict[str, list[float]]) -> list[str]:
    # max and the count past 250 ms: a p99 of 200 samples is their second worst, so a tail of two
    # stalls shows there alone; these say whether it was two or a dozen, and how far.
    out = ["", "## Latency at 1 in flight (ms)", "", "| measure | p50 | p90 | p99 | max | over 250 ms |",
           "| --- | --- | --- | --- | --- | --- |"]
    for label, key in (("POST /v1/orders answered", "post"), ("POST -> FILLED visible via GET /v1/orders/{id}", "get"),
                       ("POST -> FILLED on StreamOrderUpdates", "stream")):
        xs = one[key]
        out.append(f"| {label} (n={len(xs)}) | {percentile(xs, .5):.1f} | {percentile(xs, .9):.1f} | "
                   f"{percentile(xs, .99):.1f} | {max(xs, default=0):.1f} | {sum(x > 250 for x in xs)} |")
    return out


def render_floor(floor_ms: list[float], one: dict[str, list[float]]) -> list[str]:
    p50 = percentile(floor_ms, .5)
    return ["", "## No-logic floor (ms)", "", "| measure | p50 | p90 | p99 |", "| --- | --- | --- | --- |",
            f"| Envoy -> servicer -> Kafka -> consumer -> Kafka -> back (n={len(floor_ms)}) | "
            f"{p50:.1f} | {percentile(floor_ms, .9):.1f} | {percentile(floor_ms, .99):.1f} |",
            f"| ratio real path (GET visible) / floor, p50 | {percentile(one['get'], .5) / p50:.1f}x | | |"]


def render_load(phases: list[RatePhase]) -> list[str]:
    out: list[str] = []
    out += ["", "## Open-loop load (taker POST -> FILLED on its stream)", "",
            "| offered orders/s | achieved | orders | p50 ms | p99 ms | unfilled | errors | VM steal | CPU outside the mesh |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    capacity = 0
    for phase in phases:
        p99 = percentile(phase.latencies_ms, .99)
        out.append(f"| {phase.rate} | {phase.achieved_rate:.0f} | {phase.sent} | {percentile(phase.latencies_ms, .5):.1f} | "
                   f"{p99:.1f} | {phase.unfilled} | {len(phase.errors)} | {phase.machine.get('steal', 0):.1f} % | "
                   f"{phase.machine.get('outside', 0):.1f} % |")
        if not phase.errors and not phase.unfilled and p99 <= 100:
            capacity = phase.rate
    for phase in phases:
        if phase.unfilled_as:
            ended = ", ".join(f"{n} {what}" for what, n in sorted(phase.unfilled_as.items()))
            out.append(f"\nat {phase.rate}/s the unfilled takers ended as: {ended}")
    out.append("\nVM steal and CPU outside the mesh: % of one core over the phase (the bench client, which "
               "shares the cores, is most of the latter); a run with steal is a slower machine, not slower code")
    out.append(f"\ncapacity (highest offered rate with p99 <= 100 ms, all filled, no errors): {capacity} orders/s")
    errors = [e for phase in phases for e in phase.errors]
    if errors:
        out.append(f"first error: {errors[0]}")

    if phases:
        # Per rate: at a low rate the idle burn is spread over few orders; past the throughput
        # ceiling the figure is what each completed order cost.
        out += ["", "## CPU per order at each offered rate (ms of CPU, all processes)", "",
                "| process | " + " | ".join(f"{p.rate}/s" for p in phases) + " |",
                "| --- |" + " --- |" * len(phases)]
        last = phases[-1].cpu_ms_per_order
        for name in sorted(last, key=lambda n: -last[n]):
            out.append(f"| {name} | " + " | ".join(f"{p.cpu_ms_per_order.get(name, 0.0):.2f}" for p in phases) + " |")
        out.append("| **total** | " + " | ".join(f"**{sum(p.cpu_ms_per_order.values()):.2f}**" for p in phases) + " |")
    return out


if __name__ == "__main__":
    main()
