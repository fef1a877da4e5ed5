"""End-to-end order latency on the embedded mesh: from `POST /v1/orders` at Envoy to the order's
FILLED state visible through `GET /v1/orders/{id}`.

    python -m bench.e2e_bench [--orders 200]

Everything is real: two traders sign up through Envoy (Auth -> User -> Wallet over Kafka),
deposit USDT through the rail simulator's signed webhook, then a maker rests a sell and a taker
crosses it, one pair at a time; the taker's order goes Envoy -> Order -> Metadata, Risk, Wallet
-> Kafka -> Matching Engine -> Kafka -> Order. Reported: p50/p90/p99 of that latency and the rate
of filled taker orders; a second phase sends taker orders from several threads to measure the
sustained rate.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from mesh.exchange import Exchange
from mesh.rest import call
from mesh.seed import ensure_admins, login, seed_instruments

SYMBOL = "BTC-USDT-PERP"


def signup(base: str) -> tuple[str, str]:
    body = {"email": f"bench-{uuid.uuid4().hex[:10]}@example.com", "password": "bench-password-42"}
    response = call(base, "POST", "/v1/auth/signup", body)
    assert response.ok(), response.body
    return response.body["tokens"]["account_id"], response.body["tokens"]["access_token"]


def wait(predicate, timeout: float = 60.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("condition not met")


def fund(base: str, token: str, amount: str) -> None:
    # The wallet opens from user.created.v1, a couple of Kafka hops after signup.
    wait(lambda: call(base, "GET", "/v1/wallet/balances", token=token).body.get("balances"))
    deposit = call(base, "POST", "/v1/deposit",
                   {"asset": "USDT", "amount": amount, "client_request_id": uuid.uuid4().hex}, token)
    assert deposit.ok(), deposit.body
    deposit_id = deposit.body["deposit"]["deposit_id"]
    wait(lambda: call(base, "GET", f"/v1/deposits/{deposit_id}", token=token).body.get("deposit", {})
         .get("status") == "DEPOSIT_STATUS_CONFIRMED")


def order(symbol: str, side: str, price: str, quantity: str) -> dict:
    return {"symbol": symbol, "side": f"SIDE_{side}", "order_type": "ORDER_TYPE_LIMIT", "price": price,
            "quantity": quantity, "leverage": "5", "client_order_id": uuid.uuid4().hex[:24],
            "time_in_force": "TIME_IN_FORCE_GTC"}


def place(base: str, token: str, body: dict) -> dict:
    # Risk learns balances from Kafka: right after a deposit it may not have seen it yet.
    for _ in range(200):
        response = call(base, "POST", "/v1/orders", body, token)
        if response.ok():
            return response.body["order"]
        if "INSUFFICIENT_MARGIN" not in response.body.get("message", "") and response.status != 503:
            raise RuntimeError(f"order refused: {response.status} {response.body}")
        time.sleep(0.05)
    raise RuntimeError("risk never saw the deposit")


def until_filled(base: str, token: str, order_id: str) -> None:
    while True:
        status = call(base, "GET", f"/v1/orders/{order_id}", token=token).body["order"]["status"]
        if status == "ORDER_STATUS_FILLED":
            return
        if status in ("ORDER_STATUS_CANCELLED", "ORDER_STATUS_REJECTED", "ORDER_STATUS_EXPIRED"):
            raise RuntimeError(f"order {order_id} ended {status}")
        time.sleep(0.001)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="tradex-bench-"))
    started = time.monotonic()
    with Exchange(root, http_port=0, extra_env={"AUTH_SIGNUP_LIMIT_PER_IP": "100000", "AUTH_LOGIN_LIMIT_PER_IP": "100000",
                                                "AUTH_BCRYPT_COST": "4"}) as exchange:
        exchange.start()
        base = exchange.http_url
        creds = ensure_admins(exchange.stack.database_url, exchange.root)
        seed_instruments(base, login(base, **creds["maker"]), login(base, **creds["checker"]))
        (_, maker), (_, taker) = signup(base), signup(base)
        for token in (maker, taker):
            fund(base, token, "1000")
        print(f"mesh up and traders funded in {time.monotonic() - started:.1f} s")

        # Phase 1: one crossing pair at a time -> latency.
        latencies, placing = [], []
        for _ in range(args.orders):
            place(base, maker, order(SYMBOL, "SELL", "10000.0", "0.001"))
            t0 = time.perf_counter()
            taken = place(base, taker, order(SYMBOL, "BUY", "10000.0", "0.001"))
            placing.append((time.perf_counter() - t0) * 1000)
            until_filled(base, taker, taken["order_id"])
            latencies.append(time.perf_counter() - t0)
        ms = [x * 1000 for x in latencies]
        print(f"of which POST /v1/orders answered: p50 {percentile(placing, .5):.1f} ms, "
              f"p99 {percentile(placing, .99):.1f} ms")
        print(f"latency POST /v1/orders -> FILLED visible via GET, {len(ms)} orders: p50 {percentile(ms, .5):.1f} ms, "
              f"p90 {percentile(ms, .9):.1f} ms, p99 {percentile(ms, .99):.1f} ms, mean {statistics.mean(ms):.1f} ms")

        # Phase 2: resting liquidity first, then takers from several threads -> sustained rate.
        per_thread = max(1, args.orders // args.threads)
        for _ in range(per_thread * args.threads):
            place(base, maker, order(SYMBOL, "SELL", "10000.0", "0.001"))
        errors: list[BaseException] = []

        def taker_loop() -> None:
            try:
                for _ in range(per_thread):
                    taken = place(base, taker, order(SYMBOL, "BUY", "10000.0", "0.001"))
                    until_filled(base, taker, taken["order_id"])
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=taker_loop) for _ in range(args.threads)]
        t0 = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - t0
        if errors:
            raise errors[0]
        total = per_thread * args.threads
        print(f"throughput with {args.threads} concurrent takers: {total} orders filled in {elapsed:.2f} s = "
              f"{total / elapsed:.1f} orders/s")


if __name__ == "__main__":
    main()
