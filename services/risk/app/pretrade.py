"""Use cases of RiskService: a pre-trade check (and the reservation an approval leaves), and
the account view. Both read only the in-memory state: no database or network on the order path."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from services.platform.ids import now_ms
from services.risk.app.leverage import LeverageSettings
from services.risk.config import RiskSettings
from services.risk.domain.account_risk import AccountFigures
from services.risk.domain.leverage import resolve
from services.risk.domain.orders import OrderIntent, Reservation, WorkingOrder
from services.risk.domain.pretrade import Decision, evaluate
from services.risk.domain.state import RiskState
from services.risk.domain.views import account_assets, account_view, pretrade_view


@dataclass
class RiskUseCases:
    state: RiskState
    settings: RiskSettings
    clock: Callable[[], int] = now_ms
    # Per-(user, symbol) leverage for orders that carry none (app/leverage.py); None: default 1.
    leverage: LeverageSettings | None = None

    def with_leverage(self, intent: OrderIntent) -> OrderIntent:
        resolved = self.leverage.resolve(intent) if self.leverage else resolve(intent.leverage, None)
        return replace(intent, leverage=resolved)

    def check(self, intent: OrderIntent) -> Decision:
        now = self.clock()
        self.state.expire_reservations(now, self.settings.reservation_ttl_ms)
        view = pretrade_view(self.state, intent, now, self.settings.price_max_age_ms)
        decision = evaluate(intent, view, self.settings.policy)
        if decision.approved:
            # Counted among the working orders (and so in its symbol's order-margin requirement)
            # until the engine shows it; a retry or an amend replaces the earlier approval.
            self.state.reserve(Reservation(
                order=WorkingOrder(order_id=intent.order_id, user_id=intent.user_id, symbol=intent.symbol,
                                   side=intent.side, price=decision.price, remaining=intent.quantity,
                                   leverage=intent.leverage, reduce_only=intent.reduce_only),
                asset=decision.asset, created_at_unix_ms=now))
        return decision

    def account(self, user_id: str, asset: str = "") -> list[AccountFigures]:
        self.state.expire_reservations(self.clock(), self.settings.reservation_ttl_ms)
        assets = [asset] if asset else account_assets(self.state, user_id)
        return [account_view(self.state, user_id, a) for a in assets]
