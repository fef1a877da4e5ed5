"""Risk's in-memory state: what the event feed built (loaded from the schema's last checkpoint at
start-up, then changed by each event; app/checkpoint.py) plus the reservations of recent
approvals, which live only here.

Pure and synchronous: a check reads a consistent state because nothing here awaits, so a
consumer can never update it half-way through a check on the same event loop.

Reservations are not persisted: they last seconds (see Reservation), until the engine's events
show the order; after a restart an order the engine has not shown yet is not counted, and its
symbol's order margin is set by the Order service's SYNC as far as the balance goes. They are
per process, so Risk runs as one replica (or with order ids routed to a fixed replica).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from services.risk.domain.accounts import (
    Account,
    Balance,
    TierLimits,
    newer_balance,
    newer_tier_limits,
    with_booked,
)
from services.risk.domain.instruments import InstrumentCache
from services.risk.domain.orders import Reservation, WorkingOrder
from services.risk.domain.positions import Exposure, newer_exposure
from services.risk.domain.prices import Quote, SymbolPrices, newer_quote


@dataclass
class RiskState:
    instruments: InstrumentCache = field(default_factory=InstrumentCache)
    tiers: dict[int, TierLimits] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    balances: dict[tuple[str, str], Balance] = field(default_factory=dict)
    exposures: dict[str, Exposure] = field(default_factory=dict)
    prices: dict[str, SymbolPrices] = field(default_factory=dict)
    open_orders: dict[str, WorkingOrder] = field(default_factory=dict)
    orders_by_user: dict[str, set[str]] = field(default_factory=dict)
    # In creation order (a replacement moves to the end), so expiry only looks at the oldest.
    reservations: dict[str, Reservation] = field(default_factory=dict)
    reservations_by_user: dict[str, set[str]] = field(default_factory=dict)
    # False until the start-up warm-up loaded the schema: checks before that would judge an
    # empty state, so they are refused as UNAVAILABLE instead.
    ready: bool = False

    # --- tiers, accounts, balances ---------------------------------------------------------

    def put_tier(self, limits: TierLimits) -> None:
        if newer_tier_limits(self.tiers.get(limits.tier), limits):
            self.tiers[limits.tier] = limits

    def put_account(self, account: Account) -> None:
        self.accounts[account.user_id] = account

    def put_balance(self, balance: Balance, booked: dict[str, Decimal] | None = None) -> bool:
        """`booked`: the order-margin levels (symbol -> level) the balance's entry changed; None
        for a balance that carries all of them (a checkpoint's). False: an older version."""
        key = (balance.user_id, balance.asset)
        current = self.balances.get(key)
        if not newer_balance(current, balance):
            return False
        self.balances[key] = with_booked(current, balance, booked) if booked is not None else balance
        return True

    # --- positions and prices --------------------------------------------------------------

    def put_exposure(self, exposure: Exposure) -> None:
        if newer_exposure(self.exposures.get(exposure.user_id), exposure):
            self.exposures[exposure.user_id] = exposure

    def put_mark(self, symbol: str, quote: Quote) -> None:
        current = self.prices.get(symbol, SymbolPrices(symbol))
        if newer_quote(current.mark, quote):
            self.prices[symbol] = SymbolPrices(symbol, mark=quote, index=current.index)

    def put_index(self, symbol: str, quote: Quote) -> None:
        current = self.prices.get(symbol, SymbolPrices(symbol))
        if newer_quote(current.index, quote):
            self.prices[symbol] = SymbolPrices(symbol, mark=current.mark, index=quote)

    # --- working orders --------------------------------------------------------------------

    def put_open_order(self, order: WorkingOrder) -> None:
        self.open_orders[order.order_id] = order
        self.orders_by_user.setdefault(order.user_id, set()).add(order.order_id)

    def remove_open_order(self, order_id: str) -> None:
        order = self.open_orders.pop(order_id, None)
        if order is not None:
            ids = self.orders_by_user.get(order.user_id)
            if ids is not None:
                ids.discard(order_id)
                if not ids:
                    del self.orders_by_user[order.user_id]

    def user_open_orders(self, user_id: str) -> list[WorkingOrder]:
        return [self.open_orders[i] for i in self.orders_by_user.get(user_id, ())]

    def engine_saw(self, order_id: str) -> None:
        """The engine accepted, rejected or amended the order: its book state now comes from
        engine.event.v1, so the reservation stops counting it as a working order."""
        reservation = self.reservations.get(order_id)
        if reservation is not None:
            reservation.engine_seen = True
            self._drop_if_settled(order_id)

    # --- reservations ----------------------------------------------------------------------

    def reserve(self, reservation: Reservation) -> None:
        """Replaces any earlier reservation of the same order id (a retry or an amend)."""
        order_id = reservation.order.order_id
        self._drop(order_id)
        self.reservations[order_id] = reservation
        self.reservations_by_user.setdefault(reservation.order.user_id, set()).add(order_id)
        self._drop_if_settled(order_id)

    def expire_reservations(self, now_unix_ms: int, ttl_ms: int) -> int:
        """Cost proportional to what expires: the oldest come first."""
        expired = 0
        while self.reservations:
            order_id, oldest = next(iter(self.reservations.items()))
            if now_unix_ms - oldest.created_at_unix_ms <= ttl_ms:
                break
            self._drop(order_id)
            expired += 1
        return expired

    def user_reservations(self, user_id: str) -> list[Reservation]:
        return [self.reservations[i] for i in self.reservations_by_user.get(user_id, ())]

    def _drop_if_settled(self, order_id: str) -> None:
        reservation = self.reservations.get(order_id)
        if reservation is not None and reservation.settled:
            self._drop(order_id)

    def _drop(self, order_id: str) -> None:
        reservation = self.reservations.pop(order_id, None)
        if reservation is None:
            return
        ids = self.reservations_by_user.get(reservation.order.user_id)
        if ids is not None:
            ids.discard(order_id)
            if not ids:
                del self.reservations_by_user[reservation.order.user_id]
