"""Leverage settings: kept in memory for the pre-trade check (which never waits on the
database), written to the risk schema first. Risk runs as one replica (see domain/state.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.ids import now_ms
from services.risk.adapters import leverage_store
from services.risk.domain.leverage import check_setting, resolve
from services.risk.domain.orders import OrderIntent
from services.risk.domain.state import RiskState
from services.risk.domain.views import account_view, user_positions


@dataclass
class LeverageSettings:
    engine: AsyncEngine
    state: RiskState
    settings: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    async def load(self) -> None:
        async with self.engine.connect() as conn:
            self.settings.update(await leverage_store.load_all(conn))

    def resolve(self, intent: OrderIntent) -> Decimal:
        return resolve(intent.leverage, self.settings.get((intent.user_id, intent.symbol)))

    async def set(self, user_id: str, symbol: str, leverage: Decimal) -> int:
        instrument = self.state.instruments.get(symbol)
        account = self.state.accounts.get(user_id)
        tier = self.state.tiers.get(account.kyc_tier) if account else None
        asset = instrument.quote_asset if instrument else ""
        check_setting(symbol, leverage, instrument, tier, account_view(self.state, user_id, asset),
                      user_positions(self.state, user_id, asset))
        at = now_ms()
        async with self.engine.begin() as conn:
            await leverage_store.upsert(conn, user_id, symbol, leverage, at)
        self.settings[(user_id, symbol)] = leverage
        return at
