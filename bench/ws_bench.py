"""WebSocket fan-out benchmark of the market-data gateway (gateway/ws.py).

    python -m bench.ws_bench --subscribers 100 --rate 20 --seconds 5
    python -m bench.ws_bench --subscribers 1000 --rate 20 --seconds 5 --processes 2
    python -m bench.ws_bench --mesh --subscribers 1000 --rate 20 --seconds 10 --processes 2

What it measures (default): the gateway process (started here as `python -m gateway.ws`, exactly
as the mesh starts it) subscribed to ONE book through its gRPC upstream, fanning every delta out to
N WebSocket subscribers. The upstream is a local stand-in for MarketDataService.StreamOrderBook
(snapshot, then one delta per "engine command" at --rate per second, with real sequence numbers and
CRC32_TOP25_V1 checksums, which the gateway verifies) running in this process, so the emit time of
each delta and the receive time at each client share one clock. Reported: delivery latency p50 /
p99 / max from upstream emit to client receive, frames delivered per second, lost or out-of-order
frames, and the CPU of the gateway, the upstream and the clients.

--mesh: the whole path of the issue's goal, from the engine event to the client: a fresh exchange
(`mesh.exchange.Exchange`), engine commands at --rate on order.command.v1, the mesh's own gateway
behind Envoy; latency from each delta's last engine event (its Kafka timestamp) to the client, and
the same on one gRPC StreamOrderBook probe (the gateway's input).

The subscribers are minimal RFC 6455 clients (RawSubscriber) spread over --processes client
processes; `--client websockets` uses the websockets library's client instead (it costs more CPU
than the gateway at 1,000 subscribers). The machine is shared: keep runs short, and read the load
average printed with the figures.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import gc
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

from bench import cpu
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


class RawSubscriber(asyncio.Protocol):
    """A minimal WebSocket client (RFC 6455: the upgrade request, masked client frames, unmasked
    server frames parsed by hand) that timestamps frames when their bytes reach this process.

    Why not the `websockets` client: 1,000 of those on the same two cores as the gateway spend
    more CPU in the client library (frame parser generators, message assembler, one task wake-up
    per message) than the gateway spends fanning out, so they saturated first and the measured
    latency was theirs. This one costs a JSON parse per frame, which it still does to check the
    chain (prev_seq) of every delta."""

    def __init__(self, host: str, port: int, state: dict) -> None:
        self.host, self.port, self.state = host, port, state
        self.clock = time.time if state["clock"] == "realtime" else time.monotonic
        self.buffer = bytearray()
        self.upgraded = False
        self.last = -1
        self.transport = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write((f"GET / HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .encode())

    def connection_lost(self, exc) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        n = len(payload)
        header = bytes((0x80 | opcode, 0x80 | n)) if n < 126 else bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
        self.transport.write(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def data_received(self, data: bytes) -> None:
        now = self.clock()  # one clock for every process of the machine
        buf = self.buffer
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                raise SystemExit(f"upgrade refused: {bytes(buf[:80])!r}")
            del buf[:end + 4]
            self.upgraded = True
            self._send(0x1, json.dumps({"op": "subscribe", "channels": ["book"],
                                        "symbols": [self.state["symbol"]]}).encode())
        while len(buf) >= 2:
            opcode, n, at = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, at = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, at = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < at + n:
                return
            payload = bytes(buf[at:at + n])
            del buf[:at + n]
            if opcode == 0x1:
                self._on_text(payload, now)
            elif opcode == 0x9:  # ping
                self._send(0xA, payload)

    def _on_text(self, payload: bytes, now: float) -> None:
        frame = json.loads(payload)
        state = self.state
        kind = frame.get("type")
        if kind == "delta":
            if self.last >= 0 and frame["prev_seq"] != self.last:
                state["gaps"] += 1
            self.last = frame["seq"]
            state["received"].append((frame["seq"], now))
        elif kind == "snapshot":
            self.last = frame["seq"]
            state["connected"] += 1
            if state["connected"] == state["total"]:
                state["ready"].set()


async def raw_client_group(url: str, count: int, symbol: str = SYMBOL, clock: str = "monotonic") -> None:
    """As client_group, with RawSubscriber connections (receive times on `clock`: "monotonic", or
    "realtime" to compare with Kafka record timestamps)."""
    host, port = url.removeprefix("ws://").rsplit(":", 1)
    loop = asyncio.get_running_loop()
    state = {"received": [], "gaps": 0, "connected": 0, "total": count, "ready": asyncio.Event(), "symbol": symbol,
             "clock": clock}
    protocols = []
    for i in range(count):
        _, protocol = await loop.create_connection(lambda: RawSubscriber(host, int(port), state), host, int(port))
        protocols.append(protocol)
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # don't stampede the accept queue
    await asyncio.wait_for(state["ready"].wait(), timeout=180)
    # These processes stand in for remote clients: their own collector pauses (the receive log grows
    # by 10,000 entries a second) would be counted as the exchange's latency. No cycles are made
    # while receiving, so nothing is leaked by switching the collector off.
    gc.collect()
    gc.freeze()
    gc.disable()
    print("READY", flush=True)
    cpu = _own_cpu_s()
    await loop.run_in_executor(None, sys.stdin.read)
    cpu = _own_cpu_s() - cpu
    for protocol in protocols:
        protocol.transport.close()
    print(json.dumps({"received": state["received"], "gaps": state["gaps"], "cpu_s": cpu}), flush=True)


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
                "--client", args.client, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26))
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
        print(f"subscribers {args.subscribers} in {args.processes} client process(es) ({args.client} clients)  "
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


# ------------------------------------------------------------------------------------- --mesh


MESH_ENV = {"TRADEX_MARKET_MAKER": "0", "AUTH_BCRYPT_COST": "4"}


def _engine_stamps(bootstrap: str, symbol: str, stamps: dict, stop, delivered: list | None = None) -> None:
    """engine_seq -> the Kafka timestamp (ms, the engine's produce time) of `symbol`'s events on
    engine.event.v1, from the end of the topic on (a thread). `delivered` gets how long each took
    to reach this consumer (ms): Kafka's own part of the path."""
    from confluent_kafka import OFFSET_END, Consumer, TopicPartition
    from tradex.engine.v1 import events_pb2 as engine_pb
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"ws-bench-{os.getpid()}",
                         "enable.auto.commit": False})
    topic = "engine.event.v1"
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_END) for p in partitions])
    key = symbol.encode()
    while not stop.is_set():
        record = consumer.poll(0.2)
        if record is None or record.error() or record.key() != key:
            continue
        stamps[engine_pb.EngineEvent.FromString(record.value()).engine_seq] = record.timestamp()[1]
        if delivered is not None:
            delivered.append(time.time() * 1000 - record.timestamp()[1])
    consumer.close()


def _grpc_probe(target: str, symbol: str, received: list, stop) -> None:
    """One StreamOrderBook through Envoy (what the gateway consumes), for the latency up to the
    gateway's input: (last_engine_seq, CLOCK_REALTIME at receive) per delta (a thread)."""
    channel = grpc.insecure_channel(target)
    call = marketdata_pb2_grpc.MarketDataServiceStub(channel).StreamOrderBook(pb.StreamOrderBookRequest(symbol=symbol))
    stop.cancel = call.cancel
    try:
        for message in call:
            if message.HasField("delta"):
                received.append((message.delta.last_engine_seq, time.time()))
    except grpc.RpcError:
        pass
    finally:
        channel.close()


def _command(symbol: str, n: int, resting: list):
    """The n-th command of the steady flow: a resting limit order on one of 20 levels a side
    (never crossing), or, with more than 40 resting, a cancel of the oldest."""
    import uuid

    from tradex.common.v1 import trading_pb2 as t
    from tradex.engine.v1 import events_pb2 as engine_pb
    now = int(time.time() * 1000)
    command_id = uuid.uuid4().hex
    if len(resting) > 40 and n % 2:
        order_id, user_id = resting.pop(0)
        return engine_pb.OrderCommand(command_id=command_id, symbol=symbol, issued_at_unix_ms=now,
                                      cancel_order=engine_pb.CancelOrder(order_id=order_id, user_id=user_id))
    order_id, user_id = uuid.uuid4().hex, f"ws-bench-{n % 10}"
    resting.append((order_id, user_id))
    buy = n % 4 < 2
    price = f"{(99 - n % 20) if buy else (101 + n % 20)}.00"
    return engine_pb.OrderCommand(command_id=command_id, symbol=symbol, issued_at_unix_ms=now, new_order=engine_pb.NewOrder(
        order_id=order_id, user_id=user_id, side=t.SIDE_BUY if buy else t.SIDE_SELL, order_type=t.ORDER_TYPE_LIMIT,
        time_in_force=t.TIME_IN_FORCE_GTC, price=price, quantity="0.01", tick_size="0.01", lot_size="0.001",
        leverage="5"))


def run_mesh(args) -> None:
    """The whole path: commands on order.command.v1 -> Matching Engine -> engine.event.v1 -> Market
    Data -> StreamOrderBook through Envoy -> the mesh's WebSocket gateway -> N clients. Latency is
    client receive (CLOCK_REALTIME) minus the Kafka timestamp of the delta's last engine event (the
    engine's produce time, millisecond resolution)."""
    import tempfile
    import threading
    from pathlib import Path

    from confluent_kafka import Producer

    from mesh.exchange import Exchange
    from services.platform.events import event_headers

    os.environ.update(MESH_ENV)
    root = Path(tempfile.mkdtemp(prefix="tradex-ws-bench-"))
    symbol = f"WSB{os.getpid()}-PERP"
    with Exchange(root, http_port=0, extra_env=MESH_ENV) as exchange:
        started = time.monotonic()
        exchange.start()
        print(f"mesh up in {time.monotonic() - started:.0f} s (data {root})", flush=True)
        bootstrap = exchange.stack.kafka_bootstrap
        producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 0})
        resting: list = []

        def send(n: int) -> None:
            command = _command(symbol, n, resting)
            producer.produce("order.command.v1", key=symbol.encode(), value=command.SerializeToString(),
                             headers=event_headers(command.command_id, command.DESCRIPTOR.full_name,
                                                   command.issued_at_unix_ms))
            producer.poll(0)

        send(0)  # the book exists before anyone subscribes
        producer.flush(10)
        time.sleep(2.0)
        stamps: dict[int, int] = {}
        stop = threading.Event()
        kafka_ms: list = []
        tail = threading.Thread(target=_engine_stamps, args=(bootstrap, symbol, stamps, stop, kafka_ms),
                                daemon=True)
        tail.start()
        probe: list = []
        probe_thread = threading.Thread(target=_grpc_probe, args=(exchange.grpc_target, symbol, probe, stop),
                                        daemon=True)
        probe_thread.start()
        pids = {p.name: p.pid for p in exchange.stack.supervisor.processes}
        before, cpu_started = cpu.snapshot(pids), time.monotonic()
        asyncio.run(_mesh_measure(args, exchange.ws_url, symbol, send, producer, stamps, pids["ws_gateway"],
                                  pids["marketdata"]))
        used = cpu.delta(before, cpu.snapshot(pids))
        top = sorted(used.items(), key=lambda kv: -kv[1])[:8]
        print("  CPU of the mesh processes over the run and the drain after it (% of a core): " + ", ".join(
            f"{name} {seconds / (time.monotonic() - cpu_started):.0%}" for name, seconds in top))
        stop.set()
        stop.cancel()
        tail.join(5)
        probe_thread.join(5)
        kafka_ms.sort()
        if kafka_ms:
            print(f"  engine event -> a plain Kafka consumer (the bench's own tail): p50 {statistics.median(kafka_ms):.1f} ms  "
                  f"p99 {kafka_ms[max(0, int(len(kafka_ms) * 0.99) - 1)]:.1f} ms")
        lat = sorted(t * 1000 - stamps[seq] for seq, t in probe if seq in stamps)
        if lat:
            print(f"  the same deltas on one gRPC StreamOrderBook through Envoy (the gateway's input): "
                  f"p50 {statistics.median(lat):.1f} ms  p99 {lat[max(0, int(len(lat) * 0.99) - 1)]:.1f} ms  "
                  f"max {lat[-1]:.1f} ms  ({len(lat)} deltas)")


async def _mesh_measure(args, url: str, symbol: str, send, producer, stamps: dict, gateway_pid: int,
                        md_pid: int) -> None:
    groups = []
    try:
        per = [args.subscribers // args.processes + (1 if i < args.subscribers % args.processes else 0)
               for i in range(args.processes)]
        for count in per:
            groups.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.ws_bench", "--client-group", url, "--subscribers", str(count),
                "--symbol", symbol, "--clock", "realtime", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, limit=1 << 26))
        for group in groups:
            line = await asyncio.wait_for(group.stdout.readline(), timeout=240)
            if line.strip() != b"READY":
                raise SystemExit(f"a client group failed to connect: {line!r}")
        await asyncio.sleep(1.0)  # the engine-event tail is assigned
        load = os.getloadavg()[0]
        gateway_cpu, md_cpu = _cpu_s(gateway_pid), _cpu_s(md_pid)
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < args.seconds:
            n += 1
            send(n)
            await asyncio.sleep(max(0.0, started + n / args.rate - time.monotonic()))
        elapsed = time.monotonic() - started
        gateway_cpu, md_cpu = _cpu_s(gateway_pid) - gateway_cpu, _cpu_s(md_pid) - md_cpu
        await asyncio.to_thread(producer.flush, 10)
        await asyncio.sleep(3.0)  # frames still in flight are delivered, not cut off
        results = []
        for group in groups:
            group.stdin.close()
            results.append(json.loads(await asyncio.wait_for(group.stdout.readline(), timeout=60)))
        lat = sorted(t * 1000 - stamps[seq] for r in results for seq, t in r["received"] if seq in stamps)
        delivered = sum(len(r["received"]) for r in results)
        unmatched = delivered - len(lat)
        if not lat:
            raise SystemExit("no frame delivered")
        print(f"subscribers {args.subscribers} in {args.processes} client process(es)  commands {n} at "
              f"{args.rate}/s for {elapsed:.1f} s through engine -> Kafka -> Market Data -> Envoy -> gateway  "
              f"(load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)")
        print(f"book deltas delivered {delivered} ({delivered / elapsed:,.0f} frames/s; {unmatched} without an "
              f"engine timestamp), chain breaks {sum(r['gaps'] for r in results)}")
        print(f"latency engine event (Kafka timestamp) -> client receive: p50 {statistics.median(lat):.1f} ms  "
              f"p99 {lat[max(0, int(len(lat) * 0.99) - 1)]:.1f} ms  max {lat[-1]:.1f} ms")
        print(f"CPU over the run: gateway {gateway_cpu / elapsed:.0%} of a core, marketdata {md_cpu / elapsed:.0%}, "
              f"clients {sum(r['cpu_s'] for r in results) / elapsed:.0%}")
    finally:
        for group in groups:
            if group.returncode is None:
                group.kill()
                await group.wait()


def _cpu_s(pid: int) -> float:
    """CPU seconds of a process and its descendants (the gateway's forked workers)."""
    return cpu.snapshot({"p": pid})["p"]


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
    parser.add_argument("--client", choices=("raw", "websockets"), default="raw",
                        help="measuring clients: a minimal RFC 6455 client (default) or the websockets library's")
    parser.add_argument("--mesh", action="store_true",
                        help="the whole path from the engine: start an exchange, send --rate commands/s to the engine")
    parser.add_argument("--client-group", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--symbol", default=SYMBOL, help=argparse.SUPPRESS)
    parser.add_argument("--clock", default="monotonic", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client_group:
        if args.client == "raw":
            asyncio.run(raw_client_group(args.client_group, args.subscribers, args.symbol, args.clock))
        else:
            asyncio.run(client_group(args.client_group, args.subscribers))
    elif args.mesh:
        if args.client != "raw":
            raise SystemExit("--mesh measures with the raw clients")
        run_mesh(args)
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
