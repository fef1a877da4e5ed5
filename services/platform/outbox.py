"""Transactional outbox: write the event with the state change, relay it to Kafka after.

`add_event()` inserts into the service's outbox inside the caller's transaction, so the
event exists iff the change committed. `OutboxRelay` publishes unpublished rows in id order
with an idempotent producer and marks them published only after Kafka acknowledged them: a
crash in between republishes the same event id, which consumers' inboxes drop.

The relay sleeps until there is work: the committing code wakes it in-process (`wake()`), and a
statement trigger on the outbox table NOTIFYs `outbox_<schema>` at commit, which wakes the relay
of any process (replicas, admin tools) through a LISTEN connection. A slow timer is only the
safety net for a lost notification, so an idle relay costs nothing.

One relay per schema publishes at a time (per-key order across replicas): it holds the schema's
relay lock, a session-level advisory lock, on a connection of its own for as long as that
connection lives, and runs its passes there in autocommit -- a pass is one SELECT and one UPDATE.
Why not a transaction per pass holding a transaction-level lock (as before): that was BEGIN,
the lock, the SELECT, the UPDATE and COMMIT -- five statements and a pool checkout per pass,
about five passes per order, a sixth of every statement the mesh ran per order
(`bench/order_path.py` with pg_stat_statements). Nothing about delivery changed: rows are
marked published only after Kafka acknowledged them, and a relay that dies in between (or
loses its connection, and with it the lock, to a standby that takes over) sends them again.

Marking published is batched too: the relay remembers what Kafka acknowledged (and leaves it
out of its next SELECTs) and records it with one UPDATE once a second or once 64 are waiting
(`MARK_EVERY_S`, `MARK_AFTER_EVENTS`; the SELECT compares each unpublished row with that list,
so it stays short), not one per pass -- at one UPDATE per pass that was about five statements
per order. What a crash or a lost connection forgets is at most those events, sent again and
dropped by the inboxes, as for a relay that dies between Kafka's acknowledgement and its UPDATE.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

import psycopg
import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.platform.db import driver_connection, qualified
from services.platform.events import event_headers
from services.platform.ids import new_id, now_ms
from services.platform.wakeup import Wakeup, run_passes

log = logging.getLogger(__name__)


async def add_event(conn: AsyncConnection, outbox: sa.Table, *, topic: str, key: str,
                    event: Message, event_id: str | None = None,
                    occurred_at_unix_ms: int | None = None) -> str:
    """Plain SQL on the transaction's psycopg connection (db.driver_connection): every command
    and many consumed events write here."""
    event_id = event_id or new_id()
    raw = await driver_connection(conn)
    await raw.execute(_insert_sql(outbox), (event_id, topic, key, event.DESCRIPTOR.full_name,
                                            event.SerializeToString(), occurred_at_unix_ms or now_ms()))
    return event_id


@functools.cache  # built once per table
def _insert_sql(outbox: sa.Table) -> str:
    return (f"INSERT INTO {qualified(outbox)} (event_id, topic, key, event_type, payload, occurred_at_unix_ms) "
            "VALUES (%s, %s, %s, %s, %s, %s)")


def notify_channel(schema: str) -> str:
    return f"outbox_{schema}"


def notify_trigger_ddl(schema: str, table: str = "outbox") -> list[str]:
    """NOTIFY the relay at commit of any transaction that added outbox rows (once per statement;
    PostgreSQL folds repeats within one transaction). Idempotent, so every relay installs it at
    start for its own schema: no service can forget it in a migration."""
    return [
        f"""CREATE OR REPLACE FUNCTION "{schema}".{table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{notify_channel(schema)}', ''); RETURN NULL; END $$""",
        f"""CREATE OR REPLACE TRIGGER {table}_notify AFTER INSERT ON "{schema}".{table}
            FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".{table}_notify()""",
    ]


def libpq_url(engine: AsyncEngine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(url: str, channel: str, on_notify: Callable[[], None], *,
                 on_lost: Callable[[], None] = lambda: None, retry_s: float = 1.0) -> None:
    """Calls `on_notify` for every NOTIFY on `channel` (and once after each (re)connect, for
    whatever was committed while nobody listened). Runs until cancelled.

    It waits on the socket itself (loop.add_reader) rather than psycopg's `notifies()`, whose
    wait wakes every 100 ms to check for cancellation: ten wake-ups a second per relay, forever."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(f'LISTEN "{channel}"')
                pgconn, readable = conn.pgconn, asyncio.Event()
                loop.add_reader(pgconn.socket, readable.set)
                try:
                    on_notify()
                    while True:
                        await readable.wait()
                        readable.clear()
                        pgconn.consume_input()  # raises once the server is gone
                        got = False
                        while pgconn.notifies() is not None:
                            got = True
                        if got:
                            on_notify()
                finally:
                    loop.remove_reader(pgconn.socket)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the safety timer covers the gap
            log.warning("LISTEN %s lost (%s); reconnecting", channel, exc)
        on_lost()
        await asyncio.sleep(retry_s)


# The relay's safety timer while its LISTEN connection is up.
LISTENING_SAFETY_S = 30.0
# How long acknowledged events may wait to be marked published (one UPDATE for all of them), and
# how many: every SELECT compares each unpublished row with the list of those not yet marked.
MARK_EVERY_S = 1.0
MARK_AFTER_EVENTS = 64


class OutboxRelay:
    def __init__(self, engine: AsyncEngine, outbox: sa.Table, producer, *,
                 batch_size: int = 500, safety_interval_s: float = 2.0, listen: bool = True,
                 mark_every_s: float = MARK_EVERY_S) -> None:
        self._engine = engine
        self._outbox = outbox
        self._producer = producer
        self._batch_size = batch_size
        self._safety_interval_s = safety_interval_s
        self._listen = listen
        self._mark_every_s = mark_every_s
        self._lock_key = f"outbox:{outbox.schema}"
        self._wake = Wakeup()
        self._listening = False
        self._conn: psycopg.AsyncConnection | None = None  # ours alone; holds the lock once leading
        self._leading = False
        self._acknowledged: list[int] = []  # published to Kafka, not yet marked in the table
        self._mark_due_at = 0.0  # loop time by which they are marked

    def _lost(self) -> None:
        self._listening = False
        self._wake.set()

    def wake(self) -> None:
        """Called after a commit that added events, to skip the idle sleep. While the LISTEN
        connection is up, the commit's own NOTIFY does that, and a second wake-up would only
        cost an empty pass."""
        if not self._listening:
            self._wake.set()

    def _notified(self) -> None:
        self._listening = True
        self._wake.set()

    async def _install_notify_trigger(self) -> None:
        schema = self._outbox.schema
        async with self._engine.begin() as conn:
            # The same lock as migrations: replicas starting together do not race on the DDL.
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": "migrate:" + schema})
            for statement in notify_trigger_ddl(schema, self._outbox.name):
                await conn.execute(sa.text(statement))

    async def run(self) -> None:
        self._listening = False
        listener = None
        if self._listen:
            await self._install_notify_trigger()
            listener = asyncio.create_task(listen(libpq_url(self._engine), notify_channel(self._outbox.schema),
                                                  self._notified, on_lost=self._lost))
        try:
            await self._relay_forever()
        finally:
            if listener is not None:
                listener.cancel()
            try:
                await self._mark_acknowledged()
            except Exception:  # noqa: BLE001 - unmarked events are sent again, which the inboxes drop
                log.warning("marking the last published events failed; they will be sent again", exc_info=True)
            await self._drop_connection()

    async def _relay_forever(self) -> None:
        loop = asyncio.get_running_loop()

        async def one_pass() -> float:
            sent = await self.relay_once()
            if sent >= self._batch_size:
                return 0  # a full batch: more may be waiting
            # While LISTEN is up every commit's NOTIFY wakes us and none is lost (a dropped
            # connection wakes us too, and turns the short timer back on).
            pause = LISTENING_SAFETY_S if self._listening else self._safety_interval_s
            if self._acknowledged:  # come back to mark them even if nothing else arrives
                pause = min(pause, max(self._mark_due_at - loop.time(), 0.001))
            return pause

        await run_passes(f"outbox relay {self._outbox.schema}", one_pass, self._wake, log)

    async def relay_once(self) -> int:
        """Publishes one batch; returns how many events it published (0 while another relay of
        this schema leads)."""
        try:
            conn = await self._leading_connection()
            if conn is None:
                return 0
            rows = await (await conn.execute(
                f"SELECT id, event_id, topic, key, event_type, payload, occurred_at_unix_ms FROM "
                f"{qualified(self._outbox)} WHERE published_at_unix_ms IS NULL AND NOT (id = ANY(%s)) "
                "ORDER BY id LIMIT %s", (self._acknowledged, self._batch_size))).fetchall()
            if rows:
                await publish_all(self._producer, [
                    (topic, key, bytes(payload), event_headers(event_id, event_type, occurred_at))
                    for _, event_id, topic, key, event_type, payload, occurred_at in rows
                ])
                if not self._acknowledged:
                    self._mark_due_at = asyncio.get_running_loop().time() + self._mark_every_s
                self._acknowledged.extend(row[0] for row in rows)
            if self._acknowledged and (asyncio.get_running_loop().time() >= self._mark_due_at
                                       or len(self._acknowledged) >= MARK_AFTER_EVENTS):
                await self._mark_acknowledged()
            return len(rows)
        except psycopg.Error:
            # The lock may be gone with the connection: start over on a new one.
            await self._drop_connection()
            raise

    async def _mark_acknowledged(self) -> None:
        if not self._acknowledged or self._conn is None or not self._leading:
            return
        await self._conn.execute(f"UPDATE {qualified(self._outbox)} SET published_at_unix_ms = %s "
                                 "WHERE id = ANY(%s)", (now_ms(), self._acknowledged))
        self._acknowledged = []

    async def _leading_connection(self) -> psycopg.AsyncConnection | None:
        """Our connection, once it holds the schema's relay lock; None while another has it."""
        if self._conn is None or self._conn.closed:
            self._leading = False
            self._conn = await psycopg.AsyncConnection.connect(libpq_url(self._engine), autocommit=True)
        if not self._leading:
            got = await (await self._conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))",
                                                  (self._lock_key,))).fetchone()
            self._leading = bool(got[0])
        return self._conn if self._leading else None

    async def _drop_connection(self) -> None:
        # Whoever leads next sends the unmarked ones again (the inboxes drop them).
        conn, self._conn, self._leading, self._acknowledged = self._conn, None, False, []
        if conn is not None:
            try:
                await conn.close()  # releases the lock
            except Exception:  # noqa: BLE001 - already broken: nothing to release
                log.debug("closing the relay connection failed", exc_info=True)


async def publish_all(producer, records) -> None:
    """Produces records and waits until Kafka acknowledged every one; raises on any failure."""
    errors: list[str] = []

    def on_delivery(err, msg) -> None:
        if err is not None:
            errors.append(f"{msg.topic()}: {err}")

    for topic, key, value, headers in records:
        while True:
            try:
                producer.produce(topic, key=key.encode(), value=value, headers=headers,
                                 on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
    remaining = await asyncio.to_thread(producer.flush, 30)
    if remaining:
        raise RuntimeError(f"{remaining} events not acknowledged by Kafka within 30 s")
    if errors:
        raise RuntimeError("Kafka refused events: " + "; ".join(errors[:5]))
