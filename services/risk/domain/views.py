"""What one check or one account query reads from RiskState, restricted to one user and one
margin asset. Pure."""
from __future__ import annotations

from decimal import Decimal

from services.risk.domain import cover, margin
from services.risk.domain.account_risk import AccountFigures, account_figures
from services.risk.domain.orders import OrderIntent, WorkingOrder
from services.risk.domain.positions import Position, ValuedPosition
from services.risk.domain.pretrade import PreTradeView
from services.risk.domain.prices import band_reference, reference_price, valuation_price
from services.risk.domain.state import RiskState

ZERO = Decimal(0)


def valued_position(state: RiskState, position: Position) -> ValuedPosition:
    # Risk's own latest mark, else the one Position valued it at, else its entry price.
    mark = valuation_price(state.prices.get(position.symbol))
    if mark is None:
        mark = position.mark_price if position.mark_price > 0 else position.entry_price
    return ValuedPosition(symbol=position.symbol, size=position.size, entry_price=position.entry_price,
                          mark_price=mark)


def _asset_of(state: RiskState, symbol: str) -> str | None:
    instrument = state.instruments.get(symbol)
    return instrument.quote_asset if instrument else None


def user_positions(state: RiskState, user_id: str, asset: str) -> list[Position]:
    exposure = state.exposures.get(user_id)
    if exposure is None:
        return []
    return [p for p in exposure.positions if (p.asset or _asset_of(state, p.symbol)) == asset and p.size != 0]


def working_orders(state: RiskState, user_id: str, asset: str, exclude_order_id: str = "") -> list[WorkingOrder]:
    """Open orders from the engine, plus approvals the engine has not seen yet. When both exist
    for one id (an amend in flight), the larger is counted: either may be the live one."""
    candidates: dict[str, WorkingOrder] = {}
    pending = [r.order for r in state.user_reservations(user_id) if not r.engine_seen]
    for order in [*state.user_open_orders(user_id), *pending]:
        if order.order_id == exclude_order_id or _asset_of(state, order.symbol) != asset:
            continue
        priced = _priced(state, order)
        if priced is None:
            continue
        other = candidates.get(order.order_id)
        if other is None or _notional(priced) > _notional(other):
            candidates[order.order_id] = priced
    return list(candidates.values())


def _priced(state: RiskState, order: WorkingOrder) -> WorkingOrder | None:
    """A MARKET order without a protection price is valued at the mark (None if none is known:
    such an order is IOC and gone within its own command anyway)."""
    if order.price is not None:
        return order
    mark = valuation_price(state.prices.get(order.symbol))
    if mark is None:
        return None
    return WorkingOrder(order.order_id, order.user_id, order.symbol, order.side, mark, order.remaining,
                        order.leverage, order.reduce_only)


def _notional(order: WorkingOrder) -> Decimal:
    return margin.notional(order.price, order.remaining)


def _taker_fee_rate(state: RiskState, symbol: str) -> Decimal:
    instrument = state.instruments.get(symbol)
    return instrument.taker_fee_rate if instrument else ZERO


def pretrade_view(state: RiskState, intent: OrderIntent, now_unix_ms: int, price_max_age_ms: int) -> PreTradeView:
    instrument = state.instruments.get(intent.symbol)
    account = state.accounts.get(intent.user_id)
    tier = state.tiers.get(account.kyc_tier) if account else None
    if instrument is None:
        return PreTradeView(instrument=None, account=account, tier=tier, balance=None)
    asset = instrument.quote_asset
    balance = state.balances.get((intent.user_id, asset))
    positions = tuple(valued_position(state, p) for p in user_positions(state, intent.user_id, asset))
    others = tuple(working_orders(state, intent.user_id, asset, intent.order_id))
    return PreTradeView(
        instrument=instrument, account=account, tier=tier, balance=balance, positions=positions,
        working_orders=others,
        reference_price=reference_price(state.prices.get(intent.symbol), now_unix_ms, price_max_age_ms),
        band_reference=band_reference(state.prices.get(intent.symbol), now_unix_ms, price_max_age_ms),
        uncovered_order_margin=cover.uncovered(balance, positions, others, lambda s: _taker_fee_rate(state, s)),
        own_booked=_own_booked(state, intent, balance, positions, others),
    )


def _own_booked(state: RiskState, intent: OrderIntent, balance, positions, others) -> Decimal:
    """What the Wallet already holds for the order being checked as it is open on the book (an
    amend re-checks it), from the same view as the check: domain/cover.py."""
    order = state.open_orders.get(intent.order_id)
    if order is None or order.symbol != intent.symbol or order.leverage <= 0:
        return ZERO
    return cover.own_booked(balance, order, positions, others, _taker_fee_rate(state, order.symbol))


def account_assets(state: RiskState, user_id: str) -> list[str]:
    assets = {asset for (user, asset) in state.balances if user == user_id}
    exposure = state.exposures.get(user_id)
    for position in exposure.positions if exposure else ():
        asset = position.asset or _asset_of(state, position.symbol)
        if asset:
            assets.add(asset)
    return sorted(assets)


def account_view(state: RiskState, user_id: str, asset: str) -> AccountFigures:
    positions = []
    for position in user_positions(state, user_id, asset):
        instrument = state.instruments.get(position.symbol)
        rate = instrument.maintenance_margin_rate if instrument else ZERO
        positions.append((valued_position(state, position), rate))
    balance = state.balances.get((user_id, asset))
    uncovered = cover.uncovered(balance, [p for p, _ in positions], working_orders(state, user_id, asset),
                                lambda s: _taker_fee_rate(state, s))
    return account_figures(asset, balance, tuple(positions), uncovered)
