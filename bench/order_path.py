"""Where one order's time and database writes go, at 1 crossing pair in flight.

For each taker order: when its POST was answered, when its engine command, its engine event and
its last order update (FILLED) and settlement were produced to Kafka (the records' CreateTime,
set by the producing process on this same machine), and when FILLED became visible through REST
-- all in ms after the POST began. And what each order costs the database: the rows every
service's tables gained, changed or lost (pg_stat_user_tables, read before and after) and the
statements run (pg_stat_statements, loaded for this run only), which is what the per-order CPU
of PostgreSQL and of the services' database code is made of (each statement is a round trip
through psycopg in a service and a protocol exchange in a backend).

    python -m bench.order_path [--pairs 60]

What it is for: deciding what to change next. A stage's gap is the work between two
productions (one service's consume-apply-commit-relay, or the placement's synchronous calls);
the writes table shows which transactions a design change would remove.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psycopg
from confluent_kafka import Consumer, TopicPartition

from bench.mesh_bench import (
    BENCH_ENV,
    Http,
    emit,
    fund,
    new_order,
    percentile,
    place,
    reference_price,
    signup,
    stop_price_walks,
)
from mesh.exchange import Exchange
from mesh.seed import ensure_admins, login, seed_instruments
from mesh.servers.postgres import STAT_STATEMENTS_ENV

# (topic, which of the order's records: its first or its last) -> the stage it marks.
STAGES = [
    ("order.command.v1", "first", "engine command produced (Order's relay)"),
    ("engine.event.v1", "first", "engine event produced (matched)"),
    ("settlement.v1", "last", "settlement produced (Position)"),
    ("order.updated.v1", "last", "FILLED update produced (Order's relay)"),
]


def table_writes(libpq_url: str) -> dict[str, int]:
    with psycopg.connect(libpq_url) as conn:
        rows = conn.execute("SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del "
                            "FROM pg_stat_user_tables").fetchall()
    return dict(rows)


def reset_statements(libpq_url: str) -> None:
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")


def statements(libpq_url: str) -> list[tuple[int, str]]:
    """(calls, query text) of every statement since the reset, most called first. PostgreSQL
    counts the same statement text on the services' schemas as one (e.g. every outbox INSERT)."""
    with psycopg.connect(libpq_url) as conn:
        rows = conn.execute("SELECT calls, query FROM pg_stat_statements "
                            "WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC").fetchall()
    return [(int(calls), " ".join(query.split())) for calls, query in rows]


def produced_at(bootstrap: str, order_ids: set[str]) -> dict[tuple[str, str, str], float]:
    """(order id, topic, first|last) -> CreateTime in seconds, for records mentioning the order."""
    found: dict[tuple[str, str, str], float] = {}
    for topic, _, _ in STAGES:
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"order-path-{os.getpid()}",
                             "enable.auto.commit": False, "isolation.level": "read_uncommitted"})
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        empty_polls = 0
        while empty_polls < 4:
            record = consumer.poll(0.5)
            if record is None:
                empty_polls += 1
                continue
            if record.error():
                continue
            value = record.value() or b""
            at = record.timestamp()[1] / 1000
            for order_id in order_ids:
                if order_id.encode() in value:
                    found.setdefault((order_id, topic, "first"), at)
                    found[(order_id, topic, "last")] = at
        consumer.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=60)
    args = parser.parse_args()
    os.environ.update(BENCH_ENV)
    os.environ[STAT_STATEMENTS_ENV] = "1"
    root = Path(tempfile.mkdtemp(prefix="tradex-order-path-"))
    with Exchange(root, http_port=0, extra_env=BENCH_ENV) as exchange:
        exchange.start()
        base = exchange.http_url
        creds = ensure_admins(exchange.stack.database_url, exchange.root)
        database = exchange.stack.postgres.libpq_url  # the bench's own server
        seed_instruments(base, login(base, **creds["maker"]), login(base, **creds["checker"]))
        stop_price_walks(exchange.spot_sim_url)  # no price traffic in the writes
        api = Http(exchange.http_port)
        maker, taker = signup(api), signup(api)
        fund(api, maker, "1000")
        fund(api, taker, "1000")
        price = reference_price(api)
        timings: list[tuple[str, float, float, float]] = []  # order id, POST began, answered, FILLED seen
        warm_up = 6
        before: dict[str, int] = {}
        for i in range(warm_up + args.pairs):
            if i == warm_up:
                time.sleep(3)  # the warm-up's settlements and syncs are done
                before = table_writes(database)
                reset_statements(database)
            maker_side, taker_side = ("SELL", "BUY") if i % 2 == 0 else ("BUY", "SELL")
            place(api, maker, new_order(maker_side, price))
            began = time.time()
            order_id = place(api, taker, new_order(taker_side, price))["order_id"]
            answered = time.time()
            while api.call("GET", f"/v1/orders/{order_id}", token=taker.token)[1]["order"]["status"] \
                    != "ORDER_STATUS_FILLED":
                time.sleep(0.001)
            if i >= warm_up:
                timings.append((order_id, began, answered, time.time()))
            time.sleep(0.2)  # one pair at a time, with its background work (syncs) done
        time.sleep(3)
        after = table_writes(database)
        ran = statements(database)
        stamps = produced_at(exchange.stack.kafka_bootstrap, {t[0] for t in timings})

    stages: dict[str, list[float]] = defaultdict(list)
    for order_id, began, answered, filled in timings:
        stages["POST answered"].append((answered - began) * 1000)
        for topic, which, name in STAGES:
            at = stamps.get((order_id, topic, which))
            if at is not None:
                stages[name].append((at - began) * 1000)
        stages["FILLED visible through GET"].append((filled - began) * 1000)
    orders = 2 * len(timings)
    lines = [f"## One order's path, {len(timings)} crossing pairs one at a time, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             "ms after the taker's POST began (Kafka CreateTime of each record; same machine clock)", "",
             "| stage | n | p50 | p90 |", "| --- | --- | --- | --- |"]
    for name, samples in sorted(stages.items(), key=lambda kv: percentile(kv[1], 0.5)):
        lines.append(f"| {name} | {len(samples)} | {percentile(samples, 0.5):.1f} | {percentile(samples, 0.9):.1f} |")
    deltas = {table: after.get(table, 0) - before.get(table, 0) for table in after}
    total = sum(d for d in deltas.values() if d > 0)
    lines += ["", f"Rows written per order (inserted + updated + deleted, both orders of each pair counted): "
              f"**{total / orders:.1f}**", "", "| table | rows per order |", "| --- | --- |"]
    for table, delta in sorted(deltas.items(), key=lambda kv: -kv[1]):
        if delta / orders >= 0.05:
            lines.append(f"| {table} | {delta / orders:.2f} |")
    lines += ["", f"Statements per order (every service, the bench's GET polling included): "
              f"**{sum(c for c, _ in ran) / orders:.1f}**; the most frequent:", "",
              "| per order | statement |", "| --- | --- |"]
    for calls, query in ran[:25]:
        lines.append(f"| {calls / orders:.2f} | `{query[:110]}` |")
    emit(lines)


if __name__ == "__main__":
    main()
