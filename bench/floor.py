"""The no-logic floor: what a round trip through the exchange's plumbing costs with no business
logic at all, on the same machine, broker and edge as the real path.

    REST POST /bench/v1/echo -> Envoy (transcoding, same generator as the exchange's edge)
      -> gRPC servicer (grpc.aio, produces to Kafka with the platform's producer)
      -> bench.floor.in -> a consumer process (the platform's consumer settings) -> bench.floor.out
      -> the servicer's consumer completes the call -> Envoy -> the client

`python -m bench.floor serve|relay` are the two processes; `measure()` builds the contract (from
bench/floor_proto, compiled at bench time), starts them and a second Envoy, and times `n` echoes.
"""
from __future__ import annotations

import asyncio
import http.client
import importlib
import json
import os
import sys
import time
import uuid
from pathlib import Path

from gateway.envoy_config import JwtSettings, build_bootstrap, write_bootstrap
from mesh.paths import PROJECT_ROOT
from mesh.process import free_port, port_is_open
from mesh.servers.envoy import launch_envoy
from mesh.servers.kafka import create_topics

TOPIC_IN, TOPIC_OUT = "bench.floor.in", "bench.floor.out"
PROTO_DIR = Path(__file__).parent / "floor_proto"


def compile_contract(out_dir: Path) -> Path:
    """Python modules and the descriptor set for the floor's contract; returns the descriptor path."""
    import grpc_tools
    from grpc_tools import protoc
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = out_dir / "floor.binpb"
    includes = [str(PROTO_DIR), str(PROJECT_ROOT / "protos"), str(PROJECT_ROOT / "third_party" / "googleapis"),
                str(Path(grpc_tools.__file__).parent / "_proto")]
    args = ["protoc", *(f"-I{i}" for i in includes), f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
            "--include_imports", "--include_source_info", f"--descriptor_set_out={descriptor}",
            "tradex/bench/v1/floor.proto"]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed on the floor contract")
    return descriptor


def _modules(gen_dir: str):
    sys.path.insert(0, gen_dir)
    return (importlib.import_module("tradex.bench.v1.floor_pb2"),
            importlib.import_module("tradex.bench.v1.floor_pb2_grpc"))


def measure(exchange, n: int = 200) -> list[float]:
    """Milliseconds per echo through Envoy's REST, after a warm-up."""
    gen_dir = exchange.root / "bench-floor"
    descriptor = compile_contract(gen_dir)
    bootstrap = exchange.stack.kafka_bootstrap
    create_topics(bootstrap, [TOPIC_IN, TOPIC_OUT])
    supervisor = exchange.stack.supervisor
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FLOOR_GEN": str(gen_dir), "KAFKA_BOOTSTRAP": bootstrap,
           "FLOOR_PORT": str(port)}
    relay = supervisor.start("floor_relay", [sys.executable, "-m", "bench.floor", "relay"], env=env, cwd=PROJECT_ROOT)
    server = supervisor.start("floor_server", [sys.executable, "-m", "bench.floor", "serve"], env=env,
                              cwd=PROJECT_ROOT, health=lambda: port_is_open("127.0.0.1", port))
    config = build_bootstrap(descriptor, {"tradex.bench.v1.FloorService": f"127.0.0.1:{port}"}, listener_port=0,
                             admin_port=0, jwt=JwtSettings(issuer="floor", audiences=("floor",),
                                                           jwks_path=str(exchange.jwks_path)))
    envoy = launch_envoy(supervisor, write_bootstrap(config, gen_dir / "envoy.json"), gen_dir / "envoy",
                         name="floor_envoy")
    try:
        envoy.wait_ready(supervisor, 30)
        edge_port = next(iter(envoy.listener_ports().values()))
        conn = http.client.HTTPConnection("127.0.0.1", edge_port, timeout=10)

        def echo() -> float:
            ident = uuid.uuid4().hex
            t0 = time.perf_counter()
            conn.request("POST", "/bench/v1/echo", json.dumps({"id": ident}), {"content-type": "application/json"})
            response = conn.getresponse()
            body = json.loads(response.read())
            if response.status != 200 or body.get("id") != ident:
                raise RuntimeError(f"floor echo failed: {response.status} {body}")
            return (time.perf_counter() - t0) * 1000

        # Until the path answers: the relay's group join and the server's tail of the answer topic
        # take a moment after start, and an echo sent before them is never answered.
        deadline = time.monotonic() + 60
        while True:
            try:
                echo()
                break
            except (TimeoutError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", edge_port, timeout=10)
        for _ in range(20):
            echo()
        return [echo() for _ in range(n)]
    finally:
        for process in (envoy.process, server, relay):
            supervisor.stop(process)


# ------------------------------------------------------------------------------ the two processes

async def _serve() -> None:
    import grpc
    from confluent_kafka import OFFSET_END, TopicPartition

    from services.platform.kafka import make_consumer, make_producer
    floor_pb2, floor_pb2_grpc = _modules(os.environ["FLOOR_GEN"])
    bootstrap = os.environ["KAFKA_BOOTSTRAP"]
    producer = make_producer(bootstrap)
    consumer = make_consumer(bootstrap, "floor-server")
    consumer.assign([TopicPartition(TOPIC_OUT, 0, OFFSET_END)])
    waiting: dict[str, asyncio.Future] = {}
    loop = asyncio.get_running_loop()

    class Floor(floor_pb2_grpc.FloorServiceServicer):
        async def Echo(self, request, context):  # noqa: N802 - generated name
            future = waiting[request.id] = loop.create_future()
            producer.produce(TOPIC_IN, key=request.id.encode(), value=request.SerializeToString())
            producer.poll(0)
            await future
            return floor_pb2.EchoResponse(id=request.id)

    async def answers() -> None:
        while True:
            record = await asyncio.to_thread(consumer.poll, 1.0)
            if record is None or record.error():
                continue
            future = waiting.pop(record.key().decode(), None)
            if future is not None and not future.done():
                future.set_result(None)

    server = grpc.aio.server()
    floor_pb2_grpc.add_FloorServiceServicer_to_server(Floor(), server)
    server.add_insecure_port(f"127.0.0.1:{os.environ['FLOOR_PORT']}")
    await server.start()
    task = asyncio.create_task(answers())
    await server.wait_for_termination()
    task.cancel()


def _relay() -> None:
    from services.platform.kafka import make_consumer, make_producer, next_batch
    bootstrap = os.environ["KAFKA_BOOTSTRAP"]
    producer = make_producer(bootstrap)
    consumer = make_consumer(bootstrap, "floor-relay")
    consumer.subscribe([TOPIC_IN])
    while True:
        for record in next_batch(consumer):
            if not record.error():
                producer.produce(TOPIC_OUT, key=record.key(), value=record.value())
        producer.poll(0)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        asyncio.run(_serve())
    elif sys.argv[1:] == ["relay"]:
        _relay()
    else:
        raise SystemExit("usage: python -m bench.floor serve|relay")
