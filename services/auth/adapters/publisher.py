"""Auth events, written to the outbox in the caller's transaction."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection
from tradex.auth.v1 import events_pb2

from services.auth.adapters.tables import outbox
from services.platform.outbox import add_event

TOPIC_ACCOUNT_CREATED = "auth.account.created.v1"
TOPIC_LOGIN = "auth.login.v1"

FAILURE_REASONS = {
    "UNKNOWN_ACCOUNT": events_pb2.LOGIN_FAILURE_REASON_UNKNOWN_ACCOUNT,
    "WRONG_PASSWORD": events_pb2.LOGIN_FAILURE_REASON_WRONG_PASSWORD,
    "ACCOUNT_DISABLED": events_pb2.LOGIN_FAILURE_REASON_ACCOUNT_DISABLED,
    "RATE_LIMITED": events_pb2.LOGIN_FAILURE_REASON_RATE_LIMITED,
}


async def account_created(conn: AsyncConnection, account_id: str, email: str, roles: list[str],
                          at_ms: int) -> None:
    await add_event(conn, outbox, topic=TOPIC_ACCOUNT_CREATED, key=account_id,
                    event=events_pb2.AccountCreated(account_id=account_id, email=email, roles=roles,
                                                    created_at_unix_ms=at_ms),
                    event_id=f"account-created:{account_id}", occurred_at_unix_ms=at_ms)


async def login_attempted(conn: AsyncConnection, *, email: str, account_id: str, failure: str | None,
                          ip: str, user_agent: str, at_ms: int) -> None:
    await add_event(conn, outbox, topic=TOPIC_LOGIN, key=account_id or email,
                    event=events_pb2.LoginAttempted(
                        email=email, account_id=account_id, success=failure is None,
                        failure_reason=FAILURE_REASONS.get(failure or "", 0), ip=ip,
                        user_agent=user_agent[:256], attempted_at_unix_ms=at_ms),
                    occurred_at_unix_ms=at_ms)
