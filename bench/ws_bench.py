"""WebSocket fan-out benchmark of the market-data gateway (gateway/ws.py).

    python -m bench.ws_bench --subscribers 100 --rate 50 --seconds 10
    python -m bench.ws_bench --subscribers 1000 --rate 20 --seconds 20

What it measures: the gateway process (started here as `python -m gateway.ws`, exactly as the
mesh starts it) subscribed to ONE book through its gRPC upstream, fanning every delta out to N
WebSocket subscribers. The upstream is a local stand-in for MarketDataService.StreamOrderBook
(snapshot, then one delta per "engine command" at --rate per second, with real sequence numbers and
CRC32_TOP25_V1 checksums, which the gateway verifies) running in this process, so the emit time of
each delta and the receive time at each client share one clock. Reported: delivery latency p50 /
p99 / max from upstream emit to client receive, frames delivered per second, and lost or
out-of-order frames. (The engine -> Kafka -> Market Data leg in front of it is measured by the
mesh benchmarks; this isolates the fan-out the issue's goal of 1,000 subscribers at p99 <= 50 ms
is about.) The machine is shared: keep runs short.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from decimal import Decimal

import grpc
import websockets
from tradex.marketdata.v1 import marketdata_pb2 as pb
from tradex.marketdata.v1 import marketdata_pb2_grpc

from mesh.process import free_port, port_is_open
from services.platform.decimals import format_decimal
from services.platform.public_book import ASK, BID, Level, PublicBook

SYMBOL = "BENCH-USDT-PERP"


class FakeMarketData(marketdata_pb2_grpc.MarketDataServiceServicer):
    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.emitted: dict[int, float] = {}  # seq -> time.monotonic() at emit
        self.running = asyncio.Event()
        self.stopped = False

    async def StreamOrderBook(self, request, context):
        book = PublicBook(SYMBOL)
        yield pb.StreamOrderBookResponse(snapshot=pb.OrderBook(symbol=SYMBOL, engine_seq=0, checksum=book.checksum()))
        await self.running.wait()
        seq = 0
        interval = 1.0 / self.rate
        next_at = time.perf_counter()
        while not self.stopped:
            seq += 1
            side = BID if seq % 2 else ASK
            price = Decimal(100 - (seq % 20)) if side == BID else Decimal(101 + (seq % 20))
            level = Level(price, Decimal(seq % 7 + 1), seq % 3 + 1)
            prev = book.seq
            book.set(side, level)
            book.seq = seq
            lv = pb.PriceLevel(price=format_decimal(level.price), quantity=format_decimal(level.quantity),
                               order_count=level.order_count)
            delta = pb.OrderBookDelta(symbol=SYMBOL, first_engine_seq=seq, last_engine_seq=seq,
                                      prev_last_engine_seq=prev, checksum=book.checksum(),
                                      bids=[lv] if side == BID else [], asks=[lv] if side == ASK else [])
            self.emitted[seq] = time.monotonic()
            yield pb.StreamOrderBookResponse(delta=delta)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def subscriber(url: str, received: list, connected: list, total: int, ready: asyncio.Event,
                     stop: asyncio.Event, gaps: list) -> None:
    async with websockets.connect(url, max_queue=None, open_timeout=120, compression=None) as ws:
        await ws.send(json.dumps({"op": "subscribe", "channels": ["book"], "symbols": [SYMBOL]}))
        last = -1
        closer = asyncio.get_running_loop().create_task(_close_on(stop, ws))
        async for raw in ws:
            now = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process of the machine
            frame = json.loads(raw)
            if frame.get("type") == "snapshot":
                last = frame["seq"]
                connected[0] += 1
                if connected[0] == total:
                    ready.set()
            elif frame.get("type") == "delta":
                if last >= 0 and frame["prev_seq"] != last:
                    gaps[0] += 1
                last = frame["seq"]
                received.append((frame["seq"], now))
        closer.cancel()


async def _close_on(stop: asyncio.Event, ws) -> None:
    await stop.wait()
    await ws.close()


async def client_group(url: str, count: int) -> None:
    """A child process: `count` subscribers; prints READY once all have their snapshot, stops at
    EOF on stdin, then prints what it received as JSON."""
    received: list = []
    connected, gaps = [0], [0]
    ready, stop = asyncio.Event(), asyncio.Event()
    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(subscriber(url, received, connected, count, ready, stop, gaps)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # don't stampede the accept queue
    await asyncio.wait_for(ready.wait(), timeout=180)
    print("READY", flush=True)
    cpu = _own_cpu_s()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    cpu = _own_cpu_s() - cpu
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"received": received, "gaps": gaps[0], "cpu_s": cpu}), flush=True)


async def run(args) -> None:
    fake = FakeMarketData(args.rate)
    server = grpc.aio.server()
    marketdata_pb2_grpc.add_MarketDataServiceServicer_to_server(fake, server)
    upstream_port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    ws_port = free_port()
    env = {**os.environ, "WS_PORT": str(ws_port), "TRADEX_WS_UPSTREAM": f"127.0.0.1:{upstream_port}",
           "WS_QUEUE_SIZE": str(args.queue)}
    env.pop("TRADEX_JWKS_FILE", None)
    gateway = await asyncio.create_subprocess_exec(sys.executable, "-m", "gateway.ws", env=env,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    groups = []
    try:
        deadline = time.monotonic() + 30
        while not port_is_open("127.0.0.1", ws_port):
            if time.monotonic() > deadline:
                raise SystemExit("the gateway did not open its port")
            await asyncio.sleep(0.1)
        url = f"ws://127.0.0.1:{ws_port}"
        per = [args.subscribers // args.processes + (1 if i < args.subscribers % args.processes else 0)
               for i in range(args.processes)]
        for count in per:
            groups.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.ws_bench", "--client-group", url, "--subscribers", str(count),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26))
        for group in groups:
            line = await asyncio.wait_for(group.stdout.readline(), timeout=240)
            if line.strip() != b"READY":
                raise SystemExit(f"a client group failed to connect: {line!r}")
        started = time.monotonic()
        gateway_cpu, own_cpu = _cpu_s(gateway.pid), _own_cpu_s()
        fake.running.set()
        await asyncio.sleep(args.seconds)
        gateway_cpu, own_cpu = _cpu_s(gateway.pid) - gateway_cpu, _own_cpu_s() - own_cpu
        fake.stopped = True
        elapsed = time.monotonic() - started
        await asyncio.sleep(2.0)  # frames still in flight are delivered, not cut off
        results = []
        for group in groups:
            group.stdin.close()
            results.append(json.loads(await asyncio.wait_for(group.stdout.readline(), timeout=60)))
        lat = sorted((t - fake.emitted[seq]) * 1000 for r in results for seq, t in r["received"]
                     if seq in fake.emitted)
        delivered = sum(len(r["received"]) for r in results)
        emitted = len(fake.emitted)
        if not lat:
            raise SystemExit("no frame delivered")
        print(f"subscribers {args.subscribers} in {args.processes} client process(es)  "
              f"upstream rate {args.rate}/s  for {elapsed:.1f} s  (load average {os.getloadavg()[0]:.1f})")
        print(f"deltas emitted {emitted}, frames delivered {delivered} of {emitted * args.subscribers} "
              f"({delivered / elapsed:,.0f} frames/s), chain breaks {sum(r['gaps'] for r in results)}")
        print(f"latency upstream emit -> client receive: p50 {statistics.median(lat):.2f} ms  "
              f"p99 {lat[max(0, int(len(lat) * 0.99) - 1)]:.2f} ms  max {lat[-1]:.2f} ms")
        clients_cpu = sum(r["cpu_s"] for r in results)
        print(f"CPU over the run: gateway {gateway_cpu / elapsed:.0%} of a core, upstream {own_cpu / elapsed:.0%}, "
              f"clients {clients_cpu / elapsed:.0%}")
    finally:
        for group in groups:
            if group.returncode is None:
                group.kill()
                await group.wait()
        gateway.terminate()
        await gateway.wait()
        await server.stop(0)


def _cpu_s(pid: int) -> float:
    """utime + stime of a process, from /proc (Linux)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50.0, help="book deltas per second upstream")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--queue", type=int, default=1000, help="per-client queue (WS_QUEUE_SIZE)")
    parser.add_argument("--processes", type=int, default=1, help="client processes the subscribers are spread over")
    parser.add_argument("--client-group", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client_group:
        asyncio.run(client_group(args.client_group, args.subscribers))
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
