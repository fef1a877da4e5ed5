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

from services.platform.db import make_engine, sql_one, sql_run

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
