"""services/platform/db.py's plain-SQL helpers raise SQLAlchemy's errors, as the Core statements
they replaced did: the Wallet retries a lost race on IntegrityError / sqlstate 40001, and Order
turns a lock wait past lock_timeout (OperationalError, sqlstate 55P03) into ABORTED. Against the
exchange's PostgreSQL, in a scratch table."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from services.platform.db import make_engine, sent_together, sql_all, sql_one, sql_run, sql_run_expecting

pytestmark = pytest.mark.e2e


async def _scenario(database_url: str) -> tuple[BaseException, BaseException, int]:
    table = f"public.plain_sql_{uuid.uuid4().hex[:8]}"
    engine = make_engine(database_url, pool_size=2, lock_timeout_ms=200)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(f"CREATE TABLE {table} (id text PRIMARY KEY)"))
            await sql_run(conn, f"INSERT INTO {table} VALUES (%s)", ("a",))
        with pytest.raises(IntegrityError) as duplicate:
            async with engine.begin() as conn:
                await sql_run(conn, f"INSERT INTO {table} VALUES (%s)", ("a",))
        async with engine.begin() as holder:
            await sql_one(holder, f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", ("a",))
            with pytest.raises(OperationalError) as timeout:
                async with engine.begin() as waiter:
                    await sql_one(waiter, f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", ("a",))
        async with engine.begin() as conn:
            # The failed transactions changed nothing; the connection pool still works.
            count = (await sql_one(conn, f"SELECT count(*) FROM {table}"))[0]
            await conn.execute(sa.text(f"DROP TABLE {table}"))
        return duplicate.value, timeout.value, count
    finally:
        await engine.dispose()


def test_plain_sql_raises_sqlalchemy_errors_with_the_sqlstate(exchange):
    duplicate, timeout, count = asyncio.run(_scenario(exchange.stack.database_url))
    assert duplicate.orig.sqlstate == "23505"
    assert timeout.orig.sqlstate == "55P03"
    assert count == 1


async def _sent_together_scenario(database_url: str) -> dict:
    table = f"public.sent_together_{uuid.uuid4().hex[:8]}"
    engine = make_engine(database_url, pool_size=2)
    seen: dict = {}

    class Stale(Exception):
        pass

    async def ids() -> list[str]:
        async with engine.begin() as conn:
            return [row[0] for row in await sql_all(conn, f"SELECT id FROM {table} ORDER BY id")]

    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(f"CREATE TABLE {table} (id text PRIMARY KEY, version int NOT NULL)"))
            await sql_run(conn, f"INSERT INTO {table} VALUES ('a', 1)")
        # Writes nothing reads are sent without waiting; a read in between sees them; a version
        # check that holds lets the transaction commit.
        async with engine.begin() as conn:
            async with sent_together(conn):
                assert await sql_run(conn, f"INSERT INTO {table} VALUES ('b', 1)") == -1  # not known yet
                await sql_run(conn, f"INSERT INTO {table} VALUES ('c', 1)")
                seen["read_inside"] = (await sql_one(conn, f"SELECT count(*) FROM {table}"))[0]
                await sql_run_expecting(conn, f"UPDATE {table} SET version = 2 WHERE id = 'a' AND version = 1",
                                        (), rows=1, error=Stale)
        seen["after_commit"] = await ids()
        # A version check that fails is raised when the block ends, before COMMIT: nothing stays.
        with pytest.raises(Stale):
            async with engine.begin() as conn:
                async with sent_together(conn):
                    await sql_run(conn, f"INSERT INTO {table} VALUES ('d', 1)")
                    await sql_run_expecting(conn, f"UPDATE {table} SET version = 3 WHERE id = 'a' AND version = 1",
                                            (), rows=1, error=Stale)
        seen["after_stale"] = await ids()
        # A statement's error arrives with the next read (or the block's end), as SQLAlchemy's.
        with pytest.raises(IntegrityError) as duplicate:
            async with engine.begin() as conn:
                async with sent_together(conn):
                    await sql_run(conn, f"INSERT INTO {table} VALUES ('e', 1)")
                    await sql_run(conn, f"INSERT INTO {table} VALUES ('a', 1)")
                    await sql_one(conn, "SELECT 1")
        seen["duplicate_sqlstate"] = duplicate.value.orig.sqlstate
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                async with sent_together(conn):
                    await sql_run(conn, f"INSERT INTO {table} VALUES ('f', 1)")
                    await sql_run(conn, f"INSERT INTO {table} VALUES ('a', 1)")
        seen["after_errors"] = await ids()
        async with engine.begin() as conn:
            seen["version"] = (await sql_one(conn, f"SELECT version FROM {table} WHERE id = 'a'"))[0]
            await conn.execute(sa.text(f"DROP TABLE {table}"))
        return seen
    finally:
        await engine.dispose()


def test_statements_sent_together_apply_in_order_check_row_counts_before_commit_and_raise_sqlalchemy_errors(
        exchange):
    seen = asyncio.run(_sent_together_scenario(exchange.stack.database_url))
    assert seen["read_inside"] == 3
    assert seen["after_commit"] == ["a", "b", "c"]
    assert seen["after_stale"] == ["a", "b", "c"]
    assert seen["duplicate_sqlstate"] == "23505"
    assert seen["after_errors"] == ["a", "b", "c"]
    assert seen["version"] == 2
