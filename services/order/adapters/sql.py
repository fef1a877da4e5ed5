"""The platform's plain-SQL helpers (services/platform/db.py) for the Order service's per-order
statements, raising what the SQLAlchemy Core statements they replace raised.

psycopg's own errors would pass SQLAlchemy by: app/placement.py and app/commands.py turn a lock
wait that outlived lock_timeout into ABORTED ("retry") by catching sqlalchemy.exc.DBAPIError and
reading its `orig.sqlstate`, and a bare psycopg.errors.LockNotAvailable would reach the client as
INTERNAL instead.
"""
from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.platform import db


def _wrapped(sql: str, params: tuple | list, exc: psycopg.Error) -> BaseException:
    return DBAPIError.instance(sql, params, exc, psycopg.Error)


async def sql_all(conn: AsyncConnection, sql: str, params: tuple | list = ()) -> list[tuple]:
    try:
        return await db.sql_all(conn, sql, params)
    except psycopg.Error as exc:
        raise _wrapped(sql, params, exc) from exc


async def sql_one(conn: AsyncConnection, sql: str, params: tuple | list = ()) -> tuple | None:
    try:
        return await db.sql_one(conn, sql, params)
    except psycopg.Error as exc:
        raise _wrapped(sql, params, exc) from exc


async def sql_run(conn: AsyncConnection, sql: str, params: tuple | list = ()) -> int:
    """Returns the row count (UPDATE/DELETE/INSERT without RETURNING)."""
    try:
        return await db.sql_run(conn, sql, params)
    except psycopg.Error as exc:
        raise _wrapped(sql, params, exc) from exc
