"""Alembic, one version table per service schema, run programmatically at service start.

Each service keeps `adapters/migrations/` with an env.py that calls `run_env()` and a
`versions/` folder; `upgrade()` applies them. The migration scripts receive the schema name
through `context.config.attributes["schema"]` so they never hard-code it twice.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config


def _sync_url(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg", "postgresql+psycopg")


def upgrade(database_url: str, schema: str, script_location: str | Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", _sync_url(database_url).replace("%", "%%"))
    config.attributes["schema"] = schema
    command.upgrade(config, "head")


def run_env() -> None:
    """The body of every service's migrations/env.py."""
    config = context.config
    schema = config.attributes["schema"]
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        # Serialise concurrent migrators (two replicas starting at once).
        connection.execute(sa.text("SELECT pg_advisory_lock(hashtext(:s))"), {"s": "migrate:" + schema})
        connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()
        context.configure(connection=connection, version_table_schema=schema,
                          include_schemas=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:s))"), {"s": "migrate:" + schema})
        connection.commit()
    engine.dispose()


def schema_name() -> str:
    """Inside a migration script: the schema it migrates."""
    return context.config.attributes["schema"]
