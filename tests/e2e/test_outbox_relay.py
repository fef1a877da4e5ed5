"""The outbox relay (services/platform/outbox.py) on the real PostgreSQL and broker: every committed
event reaches Kafka once while the relay runs, though it marks them published only once per
MARK_EVERY_S; what it had not marked when it stopped uncleanly is sent again by the next relay
(at least once; the consumers' inboxes drop the repeat)."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from google.protobuf.wrappers_pb2 import StringValue
from sqlalchemy.ext.asyncio import create_async_engine

from mesh.servers.kafka import create_topics
from services.platform import outbox
from services.platform.db import create_outbox_and_inbox
from services.platform.kafka_clients import make_producer
from tests.e2e.kafka_support import all_records

pytestmark = pytest.mark.e2e


class _Op:  # what create_outbox_and_inbox needs of Alembic's `op`, on a plain connection
    def __init__(self, conn) -> None:
        self._conn = conn

    def create_table(self, name, *columns, schema):
        sa.Table(name, sa.MetaData(), *columns, schema=schema).create(self._conn)

    def create_index(self, name, table, columns, *, schema, **kw):
        meta = sa.MetaData()
        sa.Table(table, meta, autoload_with=self._conn, schema=schema)
        sa.Index(name, *(meta.tables[f"{schema}.{table}"].c[c] for c in columns), **kw).create(self._conn)


def _event_ids(bootstrap: str, topic: str) -> list[str]:
    return [dict(r.headers())["event_id"].decode() for r in all_records(bootstrap, topic)]


def test_relay_sends_each_event_once_marks_them_in_batches_and_resends_what_it_had_not_marked(exchange):
    bootstrap = exchange.stack.kafka_bootstrap
    schema = "relaytest_" + uuid.uuid4().hex[:8]
    topic = f"relay-test.{schema}"
    create_topics(bootstrap, [topic])
    sync_engine = sa.create_engine(exchange.stack.database_url)
    with sync_engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        create_outbox_and_inbox(_Op(conn), schema)
    table = sa.Table("outbox", sa.MetaData(), autoload_with=sync_engine, schema=schema)

    async def scenario() -> None:
        engine = create_async_engine(exchange.stack.database_url)
        producer = make_producer(bootstrap)

        async def add(ids: list[str]) -> None:
            async with engine.begin() as conn:
                for event_id in ids:
                    await outbox.add_event(conn, table, topic=topic, key="k", event=StringValue(value=event_id),
                                           event_id=event_id)

        async def unmarked() -> int:
            async with engine.connect() as conn:
                return await conn.scalar(sa.select(sa.func.count()).select_from(table)
                                         .where(table.c.published_at_unix_ms.is_(None)))

        # Marks held back for a minute: the test sees what is sent before anything is marked.
        relay = outbox.OutboxRelay(engine, table, producer, mark_every_s=60)
        running = asyncio.create_task(relay.run())
        try:
            first = [f"a{i}" for i in range(5)]
            await add(first)
            relay.wake()
            async with asyncio.timeout(20):
                while len(_event_ids(bootstrap, topic)) < 5:
                    await asyncio.sleep(0.05)
            # Passes for later commits leave the acknowledged-but-unmarked ones alone ...
            for i in range(3):
                await add([f"b{i}"])
                relay.wake()
                await asyncio.sleep(0.05)
            async with asyncio.timeout(20):
                while len(_event_ids(bootstrap, topic)) < 8:
                    await asyncio.sleep(0.05)
            # ... so nothing was sent twice, and none is marked yet.
            assert _event_ids(bootstrap, topic) == first + ["b0", "b1", "b2"]
            assert await unmarked() == 8
            running.cancel()  # a clean stop marks what was sent
            await asyncio.gather(running, return_exceptions=True)
            assert await unmarked() == 0
            assert _event_ids(bootstrap, topic) == first + ["b0", "b1", "b2"]
            relay = outbox.OutboxRelay(engine, table, producer)
            running = asyncio.create_task(relay.run())

            # Sent and marked by the default relay; a relay that died before marking them leaves
            # them unmarked, and the next relay sends them again -- at least once, never lost.
            await add(["c0", "c1"])
            relay.wake()
            async with asyncio.timeout(20):
                while len(_event_ids(bootstrap, topic)) < 10:
                    await asyncio.sleep(0.01)
            async with asyncio.timeout(outbox.MARK_EVERY_S * 10):  # marked within about MARK_EVERY_S
                while await unmarked():
                    await asyncio.sleep(0.05)
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            async with engine.begin() as conn:  # unmarked, as a relay that died before marking leaves them
                await conn.execute(table.update().where(table.c.event_id.in_(["c0", "c1"]))
                                   .values(published_at_unix_ms=None))
            running = asyncio.create_task(outbox.OutboxRelay(engine, table, producer).run())
            async with asyncio.timeout(20):
                while len(_event_ids(bootstrap, topic)) < 12:
                    await asyncio.sleep(0.05)
            assert _event_ids(bootstrap, topic)[8:] == ["c0", "c1", "c0", "c1"]
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await engine.dispose()

    try:
        asyncio.run(scenario())
    finally:
        with sync_engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        sync_engine.dispose()
