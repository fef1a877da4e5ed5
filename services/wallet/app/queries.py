"""Read-only use cases: balances and the caller's ledger lines."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.db import reading
from services.platform.errors import InvalidArgument, NotFound
from services.platform.paging import decode_token, encode_token, page_limit
from services.wallet.adapters import ledger_store
from services.wallet.domain.balances import Balance, SystemBalance
from services.wallet.domain.deposits import parse_asset
from services.wallet.domain.ledger import AccountKind, EntryKind


@dataclass
class WalletQueries:
    engine: AsyncEngine

    async def balances(self, user_id: str, asset: str = "", *, must_exist: bool = False) -> list[Balance]:
        if asset:
            parse_asset("asset", asset)
        async with reading(self.engine) as conn:
            found = await ledger_store.list_balances(conn, user_id, asset)
        if must_exist and not found:
            raise NotFound(f"user {user_id} has no wallet")
        return found

    async def system_balances(self, kind: AccountKind | None, asset: str) -> list[SystemBalance]:
        if kind is not None and kind.is_user:
            raise InvalidArgument(f"account_kind must be a system account kind, got {kind.value}")
        if asset:
            parse_asset("asset", asset)
        async with reading(self.engine) as conn:
            return await ledger_store.list_system_balances(conn, kind, asset)

    async def settlement_outcomes(self, settlement_ids: list[str]) -> list[ledger_store.SettlementOutcome]:
        """What the ledger did with these settlement.v1 ids (the Funding sealer's zero-sum input)."""
        if len(settlement_ids) > 1000:
            raise InvalidArgument("at most 1000 settlement_ids")
        async with self.engine.connect() as conn:  # two statements that must agree: one transaction
            return await ledger_store.settlement_outcomes(conn, settlement_ids)

    async def ledger_lines(self, user_id: str, *, asset: str, kind: EntryKind | None, start_ms: int, end_ms: int,
                           page_size: int, page_token: str):
        if asset:
            parse_asset("asset", asset)
        if start_ms < 0 or end_ms < 0:
            raise InvalidArgument("start_unix_ms and end_unix_ms must not be negative")
        if start_ms and end_ms and end_ms <= start_ms:
            raise InvalidArgument("end_unix_ms must be after start_unix_ms")
        limit = page_limit(page_size)
        cursor = decode_token(page_token).get("before")
        if cursor is not None and not isinstance(cursor, int):
            raise InvalidArgument("page_token is not a token this API issued")
        async with reading(self.engine) as conn:
            rows = await ledger_store.list_user_postings(conn, user_id, asset=asset, kind=kind, start_ms=start_ms,
                                                         end_ms=end_ms, before_posting_id=cursor, limit=limit + 1)
        next_token = encode_token({"before": rows[limit - 1].posting_id}) if len(rows) > limit else ""
        return rows[:limit], next_token
