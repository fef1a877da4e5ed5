"""python -m services.auth.admin create --email E --password P --role admin:maker

Creates accounts directly in the auth schema (the first admins cannot be created through an
API that needs an admin). The account-created event goes through the outbox like a signup's;
the running Auth service relays it.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from services.auth.adapters.tables import SCHEMA
from services.auth.app.accounts import AuthUseCases
from services.platform import migrations
from services.platform.db import make_engine
from services.platform.errors import DomainError


async def create(database_url: str, email: str, password: str, roles: list[str],
                 bcrypt_cost: int = 12) -> str:
    migrations.upgrade(database_url, SCHEMA, Path(__file__).parent / "adapters" / "migrations")
    engine = make_engine(database_url, pool_size=1)
    try:
        return await AuthUseCases(engine=engine, minter=None, bcrypt_cost=bcrypt_cost).create_account(
            email, password, roles)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradex admin")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="create an account with the given roles")
    make.add_argument("--email", required=True)
    make.add_argument("--password", default=os.environ.get("TRADEX_ADMIN_PASSWORD"),
                      help="or set TRADEX_ADMIN_PASSWORD")
    make.add_argument("--role", action="append", required=True, dest="roles",
                      help="admin:maker, admin:checker or trader; repeatable")
    args = parser.parse_args(argv)
    if not args.password:
        parser.error("--password or TRADEX_ADMIN_PASSWORD is required")
    try:
        account_id = asyncio.run(create(os.environ["DATABASE_URL"], args.email, args.password, args.roles))
    except KeyError as missing:
        print(f"environment variable {missing} is required", file=sys.stderr)
        return 2
    except DomainError as refused:
        print(f"refused: {refused.message}", file=sys.stderr)
        return 1
    print(account_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
