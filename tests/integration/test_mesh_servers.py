"""The local runtime for real: PostgreSQL, Valkey, Kafka, Envoy and a gRPC service as supervised children.

Every server here is started by `mesh` on loopback with ports chosen at run time, and stopped by PID.
These tests always start their own servers (the stack ignores DATABASE_URL & co. from the environment).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
import redis
from confluent_kafka import Consumer, Producer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mesh.process import ProcessStartError, Supervisor
from mesh.servers.envoy import EnvoyConfigError, start_envoy, validate
from mesh.servers.kafka import create_topics
from mesh.servers.postgres import start_postgres
from mesh.stack import Stack, grpc_health_serving

pytestmark = pytest.mark.integration

HEALTH_ONLY_MODULE = "mesh.health_only_service"
HEALTH_ONLY_PORT_ENV = "HEALTH_ONLY_GRPC_PORT"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(tmp_path_factory.mktemp("mesh"), environ={}) as running:
        running.start_infra()
        yield running


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# --- PostgreSQL ---------------------------------------------------------------------------------


def test_postgres_answers_select_1_on_the_tradex_database(stack: Stack) -> None:
    # The services' URL goes through the unix socket (cheaper per statement than loopback TCP) ...
    assert stack.database_url.startswith("postgresql+psycopg://postgres@/tradex?host=/")
    with psycopg.connect(_libpq(stack.database_url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT current_database()").fetchone() == ("tradex",)
        # inet_client_addr() is NULL for a unix-socket connection.
        assert conn.execute("SELECT inet_client_addr()").fetchone() == (None,)
    # ... and TCP on loopback still answers, for tools.
    server = stack.postgres
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{server.port}/tradex") as conn:
        assert conn.execute("SELECT inet_client_addr()::text").fetchone() == ("127.0.0.1/32",)


async def test_database_url_works_with_async_sqlalchemy(stack: Stack) -> None:
    engine = create_async_engine(stack.database_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    finally:
        await engine.dispose()


def test_postgres_keeps_its_data_across_restarts(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    try:
        first = start_postgres(supervisor, tmp_path / "pg")
        with psycopg.connect(first.libpq_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (note text)")
            conn.execute("INSERT INTO kept VALUES ('still here')")
        supervisor.stop(first.process)

        assert first.socket_dir and not Path(first.socket_dir).exists()  # removed with the server

        second = start_postgres(supervisor, tmp_path / "pg")
        with psycopg.connect(second.libpq_url) as conn:
            assert conn.execute("SELECT note FROM kept").fetchall() == [("still here",)]
    finally:
        supervisor.stop_all()


# --- Valkey -------------------------------------------------------------------------------------


def test_valkey_set_and_get(stack: Stack) -> None:
    assert stack.redis_url.startswith("redis://127.0.0.1:")
    client = redis.Redis.from_url(stack.redis_url)
    try:
        client.set("mesh:greeting", "hello", ex=60)
        assert client.get("mesh:greeting") == b"hello"
    finally:
        client.close()


# --- Kafka --------------------------------------------------------------------------------------


def test_kafka_topic_idempotent_producer_and_consumer_group(stack: Stack) -> None:
    topic = f"mesh.test.{uuid.uuid4().hex[:8]}"
    assert create_topics(stack.kafka_bootstrap, [topic], partitions=2) == [topic]
    assert create_topics(stack.kafka_bootstrap, [topic], partitions=2) == []  # already there: no error

    producer = Producer({"bootstrap.servers": stack.kafka_bootstrap, "enable.idempotence": True, "linger.ms": 0})
    delivery_errors: list[object] = []
    sent = [(f"BTC-USDT-{i % 2}", f"event-{i}") for i in range(20)]
    for key, value in sent:
        producer.produce(
            topic, key=key, value=value, headers={"event_id": value},
            on_delivery=lambda err, _msg: err and delivery_errors.append(err),
        )
    assert producer.flush(30) == 0
    assert delivery_errors == []

    consumer = Consumer({
        "bootstrap.servers": stack.kafka_bootstrap,
        "group.id": f"mesh-test-{uuid.uuid4().hex[:8]}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    received: list[tuple[str, str, str]] = []
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + 30
        while len(received) < len(sent) and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            assert message.error() is None, message.error()
            headers = dict(message.headers() or [])
            received.append((message.key().decode(), message.value().decode(), headers["event_id"].decode()))
            consumer.commit(message, asynchronous=False)
    finally:
        consumer.close()

    assert sorted(received) == sorted((key, value, value) for key, value in sent)
    for key in {"BTC-USDT-0", "BTC-USDT-1"}:  # one key stays on one partition, so its order is kept
        assert [v for k, v, _ in received if k == key] == [v for k, v in sent if k == key]


# --- services and Envoy ---------------------------------------------------------------------------


def test_start_service_waits_for_grpc_health_and_stop_ends_it(stack: Stack) -> None:
    service = stack.start_service(
        "health-only", HEALTH_ONLY_MODULE, {"TRADEX_EXTRA": "yes"}, port_env=HEALTH_ONLY_PORT_ENV
    )
    assert grpc_health_serving(service.address, identity=stack.pki.issue("ops"))
    child_env = psutil.Process(service.process.pid).environ()
    assert {k: child_env.get(k) for k in stack.env()} == stack.env()
    assert child_env[HEALTH_ONLY_PORT_ENV] == str(service.port)
    assert child_env["TRADEX_EXTRA"] == "yes"
    stack.supervisor.stop(service.process)
    assert not psutil.pid_exists(service.process.pid)


def _direct_response_envoy_config(path: Path) -> Path:
    config = {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 0}}},
        "static_resources": {"listeners": [{
            "name": "edge",
            "address": {"socket_address": {"address": "127.0.0.1", "port_value": 0}},
            "filter_chains": [{"filters": [{
                "name": "envoy.filters.network.http_connection_manager",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
                             ".HttpConnectionManager",
                    "stat_prefix": "edge",
                    "route_config": {"virtual_hosts": [{
                        "name": "all", "domains": ["*"],
                        "routes": [{"match": {"prefix": "/"},
                                    "direct_response": {"status": 200, "body": {"inline_string": "pong"}}}],
                    }]},
                    "http_filters": [{
                        "name": "envoy.filters.http.router",
                        "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
                    }],
                },
            }]}],
        }]},
    }
    path.write_text(json.dumps(config))
    return path


def test_envoy_validates_and_serves(tmp_path: Path) -> None:
    config = _direct_response_envoy_config(tmp_path / "envoy.json")
    validate(config)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"static_resources": {"listeners": [{"name": "no-address"}]}}))
    with pytest.raises(EnvoyConfigError):
        validate(broken)

    supervisor = Supervisor(tmp_path / "logs")
    try:
        envoy = start_envoy(supervisor, config, tmp_path / "envoy")
        port = envoy.listener_ports()["edge"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/anything", timeout=5) as response:
            assert response.read() == b"pong"
    finally:
        supervisor.stop_all()
    assert not psutil.pid_exists(envoy.process.pid)


# --- the supervisor --------------------------------------------------------------------------------


def test_a_child_that_exits_during_start_is_reported_with_its_log(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    with pytest.raises(ProcessStartError, match=r"(?s)exited with code 3.*no config found"):
        supervisor.start("crasher", ["sh", "-c", "echo no config found; exit 3"], health=lambda: False)
    assert supervisor.processes == []


def test_a_child_that_never_gets_healthy_is_stopped(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    with pytest.raises(ProcessStartError, match="not healthy after"):
        supervisor.start("sleeper", ["sleep", "60"], health=lambda: False, health_timeout=0.5)
    assert supervisor.processes == []
    assert not [p for p in psutil.Process().children(recursive=True) if p.name() == "sleep"]


def test_stop_kills_a_child_that_ignores_its_signal_and_what_a_child_left_behind(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path / "logs")
    stubborn = supervisor.start("stubborn", ["sh", "-c", "trap '' TERM; sleep 60"], stop_timeout=0.5)
    # The background sleep survives its parent's SIGTERM; only the sweep after the stop can end it.
    parent = supervisor.start("parent", ["sh", "-c", "sleep 60 & exec sleep 61"])
    time.sleep(0.3)  # let both shells fork their sleeps
    spawned = [p.pid for p in psutil.Process(stubborn.pid).children(recursive=True)]
    spawned += [p.pid for p in psutil.Process(parent.pid).children(recursive=True)]
    assert len(spawned) == 2
    supervisor.stop_all()
    assert [pid for pid in [stubborn.pid, parent.pid, *spawned] if _alive(pid)] == []


def test_children_die_with_a_killed_supervisor(tmp_path: Path) -> None:
    """A SIGKILLed supervisor cannot clean up; the parent-death signal must do it."""
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from mesh.process import Supervisor
        child = Supervisor({str(tmp_path / "logs")!r}).start("sleeper", ["sleep", "60"])
        print(child.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    assert psutil.pid_exists(child_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait(5)
    deadline = time.monotonic() + 5
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child_pid)


def test_external_servers_from_the_environment_are_used_not_started(tmp_path: Path) -> None:
    external = {
        "DATABASE_URL": "postgresql+psycopg://app@db.internal:5432/tradex",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "KAFKA_BOOTSTRAP": "kafka-0.internal:9092",
    }
    with Stack(tmp_path, environ=external) as stack:
        stack.start_infra()
        assert stack.env() == external
        assert stack.pids() == []


def test_stop_leaves_no_child_process_alive(tmp_path: Path) -> None:
    stack = Stack(tmp_path, environ={})
    try:
        stack.start_infra()
        stack.start_service("health-only", HEALTH_ONLY_MODULE, port_env=HEALTH_ONLY_PORT_ENV)
        stack.start_envoy(_direct_response_envoy_config(tmp_path / "envoy.json"))
        with psycopg.connect(_libpq(stack.database_url)) as conn:  # so PostgreSQL has a backend child too
            conn.execute("SELECT 1")
            leaders = stack.pids()
            everyone = set(leaders) | {
                child.pid for leader in leaders for child in psutil.Process(leader).children(recursive=True)
            }
            assert len(leaders) == 5
            assert len(everyone) > len(leaders)
    finally:
        stack.stop()
    assert stack.pids() == []
    # A killed process group's members may take a moment to be reaped on a loaded machine.
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in everyone) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(pid for pid in everyone if _alive(pid)) == []


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
