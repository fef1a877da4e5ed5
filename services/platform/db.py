"""PostgreSQL access: async SQLAlchemy 2 Core over psycopg 3, one schema per service.

Every service schema carries the same two tables: `outbox` (events written in the same
transaction as the state change, relayed to Kafka) and `inbox` (event ids already applied
by a consumer, written in the same transaction as the effect).
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable

import psycopg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def make_engine(database_url: str, pool_size: int = 10, *, lock_timeout_ms: int | None = None) -> AsyncEngine:
    """`lock_timeout_ms` bounds every lock wait of the service's transactions (set once per
    connection, not by a statement in each transaction)."""
    # No pool_pre_ping: it costs a round trip (SELECT 1) on every checkout, i.e. on every
    # transaction of every service. A connection the server dropped fails its statement instead;
    # SQLAlchemy then invalidates the pool and the caller's retry (a consumer's redelivery, a
    # client's retry on UNAVAILABLE) gets a fresh connection.
    connect_args = {"options": f"-c lock_timeout={int(lock_timeout_ms)}"} if lock_timeout_ms else {}
    return create_async_engine(database_url, pool_size=pool_size, max_overflow=pool_size,
                               connect_args=connect_args)


@contextlib.asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A pooled connection in autocommit, for a read of ONE statement (a GET, a page of a list),
    or a write of one statement that needs no other beside it (Order's placement claim).

    Why: `engine.connect()` begins a transaction on the first statement and rolls it back on
    close, so a one-statement read was three round trips (BEGIN, SELECT, ROLLBACK), a write
    through `engine.begin()` three too (BEGIN, the statement, COMMIT); clients poll these reads.
    A single statement sees the same snapshot either way (READ COMMITTED takes one per statement)
    and commits alone. Statements that must agree or commit together stay in a transaction."""
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


async def driver_connection(conn: AsyncConnection) -> psycopg.AsyncConnection:
    """The psycopg connection under a SQLAlchemy one, inside the same transaction. For the platform's
    fixed statements that run on every event and every command (inbox claim, outbox insert, relay):
    plain SQL skips SQLAlchemy's statement building and result machinery, and psycopg prepares a
    statement it has run five times. Measured on the project machine: an inbox claim plus an outbox
    insert in one transaction, 2.07 ms of CPU through SQLAlchemy Core, 0.90 ms this way."""
    return (await conn.get_raw_connection()).driver_connection


def qualified(table: sa.Table) -> str:
    """`"schema"."name"` for plain SQL."""
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'


# Plain SQL on the transaction's psycopg connection, for the statements every order or event runs
# (py-spy at 10 orders/s: 55-70 % of each service's CPU was SQLAlchemy's statement building,
# its greenlet bridge and result machinery around psycopg). Write the SQL once, at module level,
# with %s placeholders; rows come back as tuples in the SELECT's column order. Errors are raised
# as SQLAlchemy's (DBAPIError and its IntegrityError, OperationalError ... with `.orig.sqlstate`),
# like the Core statements they replace: callers that retry a lost race or turn a lock timeout
# into ABORTED look for those.

def insert_sql(table: sa.Table, columns) -> str:
    """`INSERT INTO "schema"."table" (a, b) VALUES (%s, %s)`, for the statements below."""
    return f"INSERT INTO {qualified(table)} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


def set_excluded(columns) -> str:
    """`a = EXCLUDED.a, b = EXCLUDED.b`: an upsert's DO UPDATE SET list."""
    return ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)


def _as_sqlalchemy(exc: psycopg.Error, sql: str, params) -> sa.exc.DBAPIError:
    return sa.exc.DBAPIError.instance(sql, params, exc, psycopg.Error)


async def _execute(conn: AsyncConnection, sql: str, params) -> psycopg.AsyncCursor:
    raw = await driver_connection(conn)
    try:
        return await raw.execute(sql, params)
    except psycopg.Error as exc:
        raise _as_sqlalchemy(exc, sql, params) from exc


async def _fetched(conn: AsyncConnection, sql: str, params, fetch: Callable[[psycopg.AsyncCursor], Awaitable]):
    cursor = await _execute(conn, sql, params)
    try:
        return await fetch(cursor)
    except psycopg.Error as exc:  # inside sent_together, an earlier statement's error arrives here
        raise _as_sqlalchemy(exc, sql, params) from exc


async def sql_all(conn: AsyncConnection, sql: str, params: tuple | list | dict = ()) -> list[tuple]:
    return await _fetched(conn, sql, params, psycopg.AsyncCursor.fetchall)


async def sql_one(conn: AsyncConnection, sql: str, params: tuple | list | dict = ()) -> tuple | None:
    return await _fetched(conn, sql, params, psycopg.AsyncCursor.fetchone)


async def sql_run(conn: AsyncConnection, sql: str, params: tuple | list | dict = ()) -> int:
    """Returns the row count (UPDATE/DELETE/INSERT without RETURNING); -1 inside `sent_together`,
    where the count is not known yet: a write whose count matters uses `sql_run_expecting`."""
    return (await _execute(conn, sql, params)).rowcount


# A write's expected row count, checked when its `sent_together` block ends (before any commit).
_Check = tuple[psycopg.AsyncCursor, int, Callable[[], Exception]]
_deferred_checks: contextvars.ContextVar[list[_Check] | None] = contextvars.ContextVar(
    "tradex_deferred_row_checks", default=None)


async def sql_run_expecting(conn: AsyncConnection, sql: str, params: tuple | list | dict, *, rows: int,
                            error: Callable[[], Exception]) -> None:
    """A write that must change exactly `rows` rows (an optimistic version check, say); else
    `error()` is raised -- at once, or, inside `sent_together`, when that block ends, which is
    before the transaction can commit."""
    cursor = await _execute(conn, sql, params)
    checks = _deferred_checks.get()
    if checks is not None:
        checks.append((cursor, rows, error))
    elif cursor.rowcount != rows:
        raise error()


@contextlib.asynccontextmanager
async def sent_together(conn: AsyncConnection) -> AsyncIterator[None]:
    """The plain-SQL statements inside go to PostgreSQL without waiting for each answer
    (psycopg's pipeline mode): a write whose result nothing reads costs no round trip of its
    own, and it travels with the next statement whose rows are read (a fetch waits for
    everything sent before it) or with the block's end. The transaction's BEGIN travels with
    its first statement. Errors are raised as SQLAlchemy's, like the sql_* functions', at the
    fetch or block end that received them; row counts are known only at the end
    (`sql_run_expecting`).

    Only for plain SQL (sql_*, the driver connection): a SQLAlchemy statement inside would see
    no result. Why: the Order service's engine-event transaction -- the FILLED path -- was 15
    round trips, each ~1 ms of wall time while five services answer the same trade (see
    docs/ARCHITECTURE.md, "Efficiency")."""
    raw = await driver_connection(conn)
    checks: list[_Check] = []
    token = _deferred_checks.set(checks)
    try:
        async with raw.pipeline():
            yield
    except psycopg.Error as exc:
        raise _as_sqlalchemy(exc, "(statements sent together)", None) from exc
    finally:
        _deferred_checks.reset(token)
    for cursor, rows, error in checks:
        if cursor.rowcount != rows:
            raise error()


def _outbox_columns() -> list:
    # Fresh Column objects each call: a Column belongs to one Table.
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Text, nullable=False, unique=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("occurred_at_unix_ms", sa.BigInteger, nullable=False),
        sa.Column("published_at_unix_ms", sa.BigInteger, nullable=True),
    ]


def _inbox_columns() -> list:
    return [
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("applied_at_unix_ms", sa.BigInteger, nullable=False),
    ]


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table("outbox", metadata, *_outbox_columns())


def inbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table("inbox", metadata, *_inbox_columns())


def create_outbox_and_inbox(op, schema: str) -> None:
    """For a service's first Alembic migration. (Shared by every schema and never changed in
    place: a change to these tables gets its own migration in each service.)"""
    op.create_table("outbox", *_outbox_columns(), schema=schema)
    op.create_index("outbox_unpublished", "outbox", ["id"], schema=schema,
                    postgresql_where=sa.text("published_at_unix_ms IS NULL"))
    op.create_table("inbox", *_inbox_columns(), schema=schema)
