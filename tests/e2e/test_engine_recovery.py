"""The Matching Engine SIGKILLed mid-stream and restarted: no missing and no duplicate event,
and the same book (hash) as a fresh in-process engine fed the same commands."""
from __future__ import annotations

import os
import random
import signal
import time

import pytest

from services.engine.api.commands import apply_command, new_book
from services.engine.api.events import to_protos
from tests.e2e.engine_support import (
    cancel,
    engine_stub,
    events_of,
    fresh_symbol,
    get_hash,
    new_order,
    produce,
    wait_for_command,
)

pytestmark = pytest.mark.e2e

SNAPSHOT_EVERY = "7"  # small, so recovery starts from a snapshot and replays past it


def restart_engine(exchange, *, kill: bool) -> None:
    running = exchange.stack.services["engine"]
    if kill:
        os.kill(running.process.pid, signal.SIGKILL)
        running.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(running.process)
    exchange.stack.start_service("engine", "services.engine",
                                 {**exchange.service_env(), "ENGINE_SNAPSHOT_EVERY": SNAPSHOT_EVERY},
                                 port=running.port)


def command_stream(symbol: str, n: int, seed: int) -> list:
    """Limit orders around 100 from a few users (so trades, partial fills and self-trade
    prevention happen), cancels of earlier orders, and re-sent duplicates."""
    rng = random.Random(seed)
    out, orders = [], []
    for i in range(n):
        roll = rng.random()
        issued = 1_700_000_000_000 + i
        if roll < 0.15 and orders:
            oid, uid = rng.choice(orders)
            out.append(cancel(symbol, f"c-{i}", oid, uid, issued))
        elif roll < 0.22 and out:
            out.append(rng.choice(out))  # a redelivered command: must change nothing
        else:
            side = rng.choice(("BUY", "SELL"))
            price = f"{rng.randint(95, 105)}.{rng.choice(('00', '50'))}"
            uid = f"u-{rng.randint(1, 4)}"
            orders.append((f"o-{i}", uid))
            out.append(new_order(symbol, f"c-{i}", f"o-{i}", uid, side, price, f"{rng.randint(1, 20) / 10}",
                                 issued=issued))
    return out


def test_engine_killed_mid_stream_recovers_exactly_once(exchange):
    bootstrap, symbol = exchange.stack.kafka_bootstrap, fresh_symbol()
    restart_engine(exchange, kill=False)  # run with frequent snapshots
    commands = command_stream(symbol, 160, seed=4)
    # Distinct last command: its complete outcome marks the end of the stream.
    commands.append(cancel(symbol, "c-final", "o-none", "u-1"))

    produce(bootstrap, commands[:80])
    deadline = time.monotonic() + 60
    while len(events_of(bootstrap, symbol)) < 40:  # the engine is mid-stream
        assert time.monotonic() < deadline, "engine produced nothing"
        time.sleep(0.05)
    running = exchange.stack.services["engine"]
    os.kill(running.process.pid, signal.SIGKILL)
    running.process.popen.wait(timeout=10)
    produce(bootstrap, commands[80:])  # keeps arriving while the engine is down
    restart_engine(exchange, kill=False)
    events = wait_for_command(bootstrap, symbol, "c-final", timeout=120)

    # Every seq 1..N exactly once, ids deterministic.
    seqs = [e.engine_seq for e in events]
    assert seqs == list(range(1, len(events) + 1)), "gap or duplicate in engine.event.v1"
    assert len({e.event_id for e in events}) == len(events)
    assert all(e.event_id == f"{symbol}:{e.engine_seq}" for e in events)

    # A fresh in-process engine fed the same commands: the same events (byte for byte, apart from
    # the input offsets only Kafka knows) and the same final book.
    book = new_book(symbol)
    expected = []
    for cmd in commands:
        expected.extend(to_protos(book, apply_command(book, cmd), cmd, 0, 0))
    for e in events:
        e.ClearField("input_offset")
        e.ClearField("input_partition")
    assert [e.SerializeToString() for e in events] == [e.SerializeToString() for e in expected]
    channel, stub = engine_stub(exchange)
    with channel:
        live = get_hash(stub, symbol)
    assert (live.engine_seq, live.hash) == (book.engine.seq, book.engine.book_hash())
