"""Auth use cases: signup, login, refresh with rotation and reuse detection, logout, admins."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.auth.adapters import publisher
from services.auth.adapters.passwords import dummy_hash, hash_password, verify_password
from services.auth.adapters.rate_limit import FailureLimiter, RateLimiter
from services.auth.adapters.tables import accounts, refresh_tokens
from services.auth.adapters.tokens import REFRESH_TTL_MS, TokenMinter, hash_refresh_secret, new_refresh_secret
from services.auth.domain.credentials import (
    TRADER,
    check_password_length,
    check_password_policy,
    check_roles,
    normalize_email,
)
from services.auth.domain.refresh_tokens import RefreshOutcome, TokenStatus, on_presented
from services.platform.errors import AlreadyExists, InvalidArgument, ResourceExhausted, Unauthenticated
from services.platform.ids import new_id, now_ms

BAD_CREDENTIALS = "email or password is incorrect"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    access_expires_at_unix_ms: int
    refresh_token: str
    refresh_expires_at_unix_ms: int
    account_id: str
    roles: list[str]


@dataclass(frozen=True)
class ClientInfo:
    ip: str = ""
    user_agent: str = ""


@dataclass
class AuthUseCases:
    engine: AsyncEngine
    minter: TokenMinter | None  # None in the admin CLI, which only creates accounts
    signup_limiter: RateLimiter | None = None
    login_limiter: RateLimiter | None = None
    on_events_committed: Callable[[], None] = lambda: None
    bcrypt_cost: int = 12
    login_failure_limiter: FailureLimiter | None = None

    def __post_init__(self) -> None:
        # The unknown-email dummy hash has the real cost and is computed once, now, not on the first login.
        dummy_hash(self.bcrypt_cost)

    async def create_account(self, email: str, password: str, roles: list[str]) -> str:
        """Used by signup and by the admin CLI. Returns the new account id."""
        email = normalize_email(email)
        check_password_policy(password)
        roles = check_roles(roles)
        password_hash = await hash_password(password, self.bcrypt_cost)
        account_id, at = new_id(), now_ms()
        async with self.engine.begin() as conn:
            inserted = await conn.execute(
                insert(accounts).values(account_id=account_id, email=email, password_hash=password_hash,
                                        roles=roles, created_at_unix_ms=at)
                .on_conflict_do_nothing(index_elements=["email"]).returning(accounts.c.account_id))
            if inserted.first() is None:
                raise AlreadyExists(f"an account with email {email} already exists")
            await publisher.account_created(conn, account_id, email, roles, at)
        self.on_events_committed()
        return account_id

    async def signup(self, email: str, password: str, client: ClientInfo) -> Tokens:
        if self.signup_limiter:
            await self.signup_limiter.hit(client.ip, (email or "").strip().lower())
        account_id = await self.create_account(email, password, [TRADER])
        async with self.engine.begin() as conn:
            return await self._issue(conn, account_id, normalize_email(email), [TRADER], new_id())

    async def login(self, email: str, password: str, client: ClientInfo) -> Tokens:
        email_key = (email or "").strip().lower()
        if not email_key or not password:
            raise InvalidArgument("email and password are required")
        if "\x00" in email_key or len(email_key) > 254:
            # No account can have such an email (signup refuses it), and PostgreSQL text cannot hold NUL.
            raise InvalidArgument(f"email {email!r} is not a valid address")
        # Same answer whether or not the account exists (no account's password can be this long).
        check_password_length(password)
        try:
            if self.login_limiter:
                await self.login_limiter.hit(client.ip, email_key)
            if self.login_failure_limiter:
                await self.login_failure_limiter.begin(client.ip)
        except ResourceExhausted:
            await self._audit(email_key, "", "RATE_LIMITED", client)
            raise
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(accounts).where(accounts.c.email == email_key))).first()
        # An unknown email is checked against a dummy hash of the same cost: the same work either way.
        matched = await verify_password(password, row.password_hash if row else None, self.bcrypt_cost)
        failure = ("UNKNOWN_ACCOUNT" if row is None else "WRONG_PASSWORD" if not matched
                   else "ACCOUNT_DISABLED" if row.disabled else None)
        if failure:
            await self._audit(email_key, row.account_id if row else "", failure, client)
            raise Unauthenticated(BAD_CREDENTIALS)
        if self.login_failure_limiter:
            await self.login_failure_limiter.succeeded(client.ip)
        async with self.engine.begin() as conn:
            tokens = await self._issue(conn, row.account_id, row.email, list(row.roles), new_id())
            await publisher.login_attempted(conn, email=email_key, account_id=row.account_id, failure=None,
                                            ip=client.ip, user_agent=client.user_agent, at_ms=now_ms())
        self.on_events_committed()
        return tokens

    async def refresh(self, refresh_token: str) -> Tokens:
        if not refresh_token:
            raise InvalidArgument("refresh_token is required")
        token_hash = hash_refresh_secret(refresh_token)
        async with self.engine.begin() as conn:
            row = (await conn.execute(sa.select(refresh_tokens).where(
                refresh_tokens.c.token_hash == token_hash).with_for_update())).first()
            if row is None:
                raise Unauthenticated("refresh token is not valid")
            outcome = on_presented(TokenStatus(row.status), row.expires_at_unix_ms, now_ms())
            if outcome is RefreshOutcome.REUSE_DETECTED:
                await self._revoke_family(conn, row.family_id)
        # The revocation above must commit even though the caller gets an error.
        if outcome is not RefreshOutcome.ROTATE:
            raise Unauthenticated({
                RefreshOutcome.REUSE_DETECTED: "refresh token was already used; all sessions of this login are revoked",
                RefreshOutcome.EXPIRED: "refresh token expired; sign in again",
                RefreshOutcome.REVOKED: "refresh token was revoked; sign in again",
            }[outcome])
        async with self.engine.begin() as conn:
            spent = await conn.execute(refresh_tokens.update().where(
                refresh_tokens.c.token_hash == token_hash,
                refresh_tokens.c.status == TokenStatus.ACTIVE.value).values(status=TokenStatus.ROTATED.value))
            if spent.rowcount != 1:
                raise Unauthenticated("refresh token was used concurrently; sign in again")
            account = (await conn.execute(sa.select(accounts).where(
                accounts.c.account_id == row.account_id))).one()
            if account.disabled:
                raise Unauthenticated("account is disabled")
            return await self._issue(conn, account.account_id, account.email, list(account.roles), row.family_id)

    async def logout(self, account_id: str, refresh_token: str, all_sessions: bool) -> None:
        async with self.engine.begin() as conn:
            if all_sessions:
                await conn.execute(refresh_tokens.update().where(
                    refresh_tokens.c.account_id == account_id).values(status=TokenStatus.REVOKED.value))
                return
            if not refresh_token:
                raise InvalidArgument("refresh_token is required unless all_sessions is set")
            row = (await conn.execute(sa.select(refresh_tokens).where(
                refresh_tokens.c.token_hash == hash_refresh_secret(refresh_token)))).first()
            if row is None or row.account_id != account_id:
                raise InvalidArgument("refresh_token does not belong to the caller")
            await self._revoke_family(conn, row.family_id)

    async def _issue(self, conn: AsyncConnection, account_id: str, email: str, roles: list[str],
                     family_id: str) -> Tokens:
        at = now_ms()
        access = self.minter.access_token(account_id, email, roles, at)
        secret = new_refresh_secret()
        await conn.execute(refresh_tokens.insert().values(
            token_hash=hash_refresh_secret(secret), family_id=family_id, account_id=account_id,
            status=TokenStatus.ACTIVE.value, issued_at_unix_ms=at, expires_at_unix_ms=at + REFRESH_TTL_MS))
        return Tokens(access.token, access.expires_at_unix_ms, secret, at + REFRESH_TTL_MS, account_id, roles)

    async def _revoke_family(self, conn: AsyncConnection, family_id: str) -> None:
        await conn.execute(refresh_tokens.update().where(refresh_tokens.c.family_id == family_id)
                           .values(status=TokenStatus.REVOKED.value))

    async def _audit(self, email: str, account_id: str, failure: str, client: ClientInfo) -> None:
        async with self.engine.begin() as conn:
            await publisher.login_attempted(conn, email=email, account_id=account_id, failure=failure,
                                            ip=client.ip, user_agent=client.user_agent, at_ms=now_ms())
        self.on_events_committed()
