"""The pre-trade check: one order against a snapshot of Risk's state. Pure, Decimal only.

`evaluate(intent, view)` applies the rules below in this order and returns the first refusal,
or an approval with the amount to lock (formulas in services/risk/domain/margin.py):

 1. INSTRUMENT_NOT_ACTIVE        the symbol is not an ACTIVE instrument Risk knows.
 2. UNKNOWN_ACCOUNT              no profile yet (user.created.v1 not seen).
 3. ACCOUNT_SUSPENDED            a SUSPENDED account, unless the order is reduce-only.
 4. LEVERAGE_ABOVE_INSTRUMENT_MAX leverage > instrument.max_leverage.
 5. LEVERAGE_ABOVE_TIER_MAX      leverage > the KYC tier's max_leverage (a tier without limits
                                 for the margin asset is KYC_TIER_LIMIT: fail closed).
 6. NO_REFERENCE_PRICE           a MARKET order with no trusted mark/index: no protection price;
                                 a LIMIT order with no mark and no index ever seen: no band.
    PRICE_OUTSIDE_BAND           a LIMIT price outside reference * (1 -/+ price_band_rate)
                                 (bounds inclusive; the reference is the trusted mark/index, else
                                 the latest one however old: domain/prices.py band_reference).
 7. REDUCE_ONLY_WOULD_INCREASE   a reduce-only order larger than what the position leaves after
                                 the user's other reduce-only orders on the same side (or against
                                 a flat position / on the position's own side).
 8. KYC_TIER_LIMIT               notional > the tier's max_order_notional.
 9. POSITION_LIMIT_EXCEEDED      the symbol's worst-case position after this order (position plus
                                 every same-direction working order plus this one), valued at the
                                 order's price, > the tier's max_position_notional. An order that
                                 only shrinks that position is never refused by this rule.
10. EXPOSURE_LIMIT_EXCEEDED      the account's gross exposure in the asset after this order >
                                 account_exposure_multiple * the tier's max_position_notional.
                                 Gross exposure sums, per symbol, the larger of its long and short
                                 legs: position at mark + working orders at their prices (+ this
                                 order at its price on its side). Reduce-only orders add nothing.
11. INSUFFICIENT_MARGIN          lock_amount > available margin (lock_amount: what the order adds
                                 to its symbol's order margin, the larger side net of the position:
                                 domain/netting.py), where available margin =
                                 wallet available - order margin the working orders require beyond
                                 what the Wallet's buckets booked (per symbol: domain/cover.py) -
                                 unrealized loss in the asset + what the Wallet holds for this very
                                 order as it is open now (an amend replaces it).

Reduce-only orders skip the rules that protect margin or cap growth (3, 4, 5, 8-11): they can
only shrink a position, they lock nothing, and refusing them would stop a suspended or
downgraded user from de-risking. The price rules (6) still apply to them.

This is the check on funds: the Order service books the order margin into the Wallet after the
order's commit (a SYNC sets the bucket, never refused), so what Risk approves is what gets
locked. Its state is built from events and may lag; it errs on the safe side (domain/cover.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from services.platform.decimals import format_decimal
from services.risk.domain import margin
from services.risk.domain.accounts import Account, AccountStatus, Balance, TierLimits
from services.risk.domain.instruments import InstrumentLimits
from services.risk.domain.netting import increment
from services.risk.domain.orders import OrderIntent, OrderType, Side, WorkingOrder
from services.risk.domain.positions import ValuedPosition

ZERO = Decimal(0)


class RejectReason(Enum):
    """Names as in tradex.risk.v1.RejectReason without the REJECT_REASON_ prefix."""

    LEVERAGE_ABOVE_INSTRUMENT_MAX = "LEVERAGE_ABOVE_INSTRUMENT_MAX"
    LEVERAGE_ABOVE_TIER_MAX = "LEVERAGE_ABOVE_TIER_MAX"
    INSUFFICIENT_MARGIN = "INSUFFICIENT_MARGIN"
    POSITION_LIMIT_EXCEEDED = "POSITION_LIMIT_EXCEEDED"
    EXPOSURE_LIMIT_EXCEEDED = "EXPOSURE_LIMIT_EXCEEDED"
    PRICE_OUTSIDE_BAND = "PRICE_OUTSIDE_BAND"
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED"
    KYC_TIER_LIMIT = "KYC_TIER_LIMIT"
    INSTRUMENT_NOT_ACTIVE = "INSTRUMENT_NOT_ACTIVE"
    REDUCE_ONLY_WOULD_INCREASE = "REDUCE_ONLY_WOULD_INCREASE"
    NO_REFERENCE_PRICE = "NO_REFERENCE_PRICE"
    UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"


@dataclass(frozen=True)
class RiskPolicy:
    """Risk's own settings (configuration, not tier data)."""

    # The account-wide cap on gross exposure per asset, as a multiple of the tier's per-symbol
    # max_position_notional: the tier table (User service) has no account-wide figure yet.
    account_exposure_multiple: Decimal = Decimal(3)


@dataclass(frozen=True)
class PreTradeView:
    """Everything a check reads, taken from Risk's state at one instant.

    `positions` and `working_orders` are the user's, restricted to the instrument's margin
    asset; working orders exclude the order being checked and all carry a price.
    """

    instrument: InstrumentLimits | None
    account: Account | None
    tier: TierLimits | None
    balance: Balance | None
    positions: tuple[ValuedPosition, ...] = ()
    working_orders: tuple[WorkingOrder, ...] = ()
    # Trusted mark, else index, of the order's symbol (None: unknown).
    reference_price: Decimal | None = None
    # A LIMIT order's band centre: reference_price, else the latest mark or index however old
    # (None: no price was ever seen for the symbol).
    band_reference: Decimal | None = None
    # The order margin the other working orders require beyond what the Wallet's buckets hold
    # (domain/cover.py): `available` does not show it yet.
    uncovered_order_margin: Decimal = ZERO
    # What the Wallet already holds for this order id as it is open now (an amend).
    own_booked: Decimal = ZERO


@dataclass(frozen=True)
class Decision:
    approved: bool
    reason: RejectReason | None = None
    message: str = ""
    asset: str = ""
    initial_margin: Decimal = ZERO
    fee_reserve: Decimal = ZERO
    lock_amount: Decimal = ZERO
    # The price the margin was computed at: the limit price, or the protection price.
    price: Decimal | None = None
    protection_price: Decimal | None = None
    notional: Decimal = field(default=ZERO)


class _Rejected(Exception):
    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _d(value: Decimal) -> str:
    return format_decimal(value)


def evaluate(intent: OrderIntent, view: PreTradeView, policy: RiskPolicy = RiskPolicy()) -> Decision:
    asset = view.instrument.quote_asset if view.instrument else ""
    try:
        return _evaluate(intent, view, policy)
    except _Rejected as rejected:
        return Decision(approved=False, reason=rejected.reason, message=rejected.message, asset=asset)


def _evaluate(intent: OrderIntent, view: PreTradeView, policy: RiskPolicy) -> Decision:
    instrument = _require_instrument(intent, view)
    account = _require_account(intent, view)
    asset = instrument.quote_asset
    if not intent.reduce_only:
        _check_status(account)
        _check_leverage(intent, instrument, view.tier, asset, account)
    price, protection = _order_price(intent, instrument, view.reference_price, view.band_reference)
    if intent.reduce_only:
        _check_reduce_only(intent, view)
        return Decision(approved=True, asset=asset, price=price, protection_price=protection,
                        notional=margin.notional(price, intent.quantity))

    limits = view.tier.for_asset(asset)  # present: _check_leverage failed closed otherwise
    order_notional = margin.notional(price, intent.quantity)
    if order_notional > limits.max_order_notional:
        raise _Rejected(RejectReason.KYC_TIER_LIMIT,
                        f"order notional {_d(order_notional)} {asset} above tier {view.tier.tier} maximum "
                        f"{_d(limits.max_order_notional)}")
    _check_position_limit(intent, view, price, limits.max_position_notional, view.tier.tier, asset)
    _check_exposure_limit(intent, view, price, policy.account_exposure_multiple * limits.max_position_notional,
                          asset)

    # Netting (domain/netting.py): the order's lock is what it adds to its symbol's order margin,
    # the larger side's net of the position. A part that closes the position, or a quote on the
    # other side within the larger side, adds nothing.
    this = WorkingOrder(order_id=intent.order_id, user_id=intent.user_id, symbol=intent.symbol, side=intent.side,
                        price=price, remaining=intent.quantity, leverage=intent.leverage, reduce_only=False)
    added = increment(this, view.positions, view.working_orders, instrument.taker_fee_rate)
    im, fee, lock = added.initial_margin, added.fee_reserve, added.lock
    available = available_margin(view)
    if lock > available:
        raise _Rejected(RejectReason.INSUFFICIENT_MARGIN,
                        f"order needs {_d(lock)} {asset} (margin {_d(im)} + fee reserve {_d(fee)}), "
                        f"available margin is {_d(max(available, ZERO))} {asset}")
    return Decision(approved=True, asset=asset, initial_margin=im, fee_reserve=fee, lock_amount=lock,
                    price=price, protection_price=protection, notional=order_notional)


def _require_instrument(intent: OrderIntent, view: PreTradeView) -> InstrumentLimits:
    if view.instrument is None:
        raise _Rejected(RejectReason.INSTRUMENT_NOT_ACTIVE, f"instrument {intent.symbol} is unknown or not active")
    return view.instrument


def _require_account(intent: OrderIntent, view: PreTradeView) -> Account:
    if view.account is None:
        raise _Rejected(RejectReason.UNKNOWN_ACCOUNT,
                        f"risk has no profile for user {intent.user_id} yet; retry in a moment")
    return view.account


def _check_status(account: Account) -> None:
    if account.status is AccountStatus.SUSPENDED:
        raise _Rejected(RejectReason.ACCOUNT_SUSPENDED,
                        "account is suspended: only reduce-only orders are accepted")


def _check_leverage(intent: OrderIntent, instrument: InstrumentLimits, tier: TierLimits | None, asset: str,
                    account: Account) -> None:
    if intent.leverage > instrument.max_leverage:
        raise _Rejected(RejectReason.LEVERAGE_ABOVE_INSTRUMENT_MAX,
                        f"leverage {_d(intent.leverage)} above {instrument.symbol} maximum "
                        f"{_d(instrument.max_leverage)}")
    if tier is None or tier.for_asset(asset) is None:
        raise _Rejected(RejectReason.KYC_TIER_LIMIT,
                        f"no limits are known for KYC tier {account.kyc_tier} in {asset}")
    if intent.leverage > tier.max_leverage:
        raise _Rejected(RejectReason.LEVERAGE_ABOVE_TIER_MAX,
                        f"leverage {_d(intent.leverage)} above tier {tier.tier} maximum {_d(tier.max_leverage)}")


def _order_price(intent: OrderIntent, instrument: InstrumentLimits, reference: Decimal | None,
                 band_reference: Decimal | None) -> tuple[Decimal, Decimal | None]:
    """(price to compute margin at, protection price for MARKET orders)."""
    band = instrument.price_band_rate
    if intent.order_type is OrderType.MARKET:
        if reference is None:
            raise _Rejected(RejectReason.NO_REFERENCE_PRICE,
                            f"no trusted mark or index price for {intent.symbol}: a MARKET order cannot be "
                            f"protected; send a LIMIT order")
        protection = margin.protection_price(intent.side, reference, band, instrument.tick_size)
        return protection, protection
    price = intent.price
    if band_reference is None:
        raise _Rejected(RejectReason.NO_REFERENCE_PRICE,
                        f"no mark or index price is known for {intent.symbol}: a LIMIT order cannot be checked "
                        f"against the price band; retry once the market has a price")
    if not margin.inside_band(price, band_reference, band):
        low, high = margin.band_limits(band_reference, band)
        raise _Rejected(RejectReason.PRICE_OUTSIDE_BAND,
                        f"price {_d(price)} outside the {_d(band * 100)}% band around the reference price "
                        f"{_d(band_reference)} ({_d(low)} to {_d(high)})")
    return price, None


def position_size(positions: Iterable[ValuedPosition], symbol: str) -> Decimal:
    return sum((p.size for p in positions if p.symbol == symbol), ZERO)


def open_quantity(orders: Iterable[WorkingOrder], symbol: str, side: Side, *, reduce_only: bool) -> Decimal:
    return sum((o.remaining for o in orders
                if o.symbol == symbol and o.side is side and o.reduce_only == reduce_only), ZERO)


def _check_reduce_only(intent: OrderIntent, view: PreTradeView) -> None:
    position = position_size(view.positions, intent.symbol)
    # How much an order of this side can close: positive only against an opposite position.
    closable = -position * intent.side.sign
    pending = open_quantity(view.working_orders, intent.symbol, intent.side, reduce_only=True)
    if closable <= 0 or intent.quantity + pending > closable:
        raise _Rejected(RejectReason.REDUCE_ONLY_WOULD_INCREASE,
                        f"reduce-only {intent.side.value} {_d(intent.quantity)} would open or increase the "
                        f"position (position {_d(position)}, other reduce-only {intent.side.value} orders "
                        f"{_d(pending)})")


def _check_position_limit(intent: OrderIntent, view: PreTradeView, price: Decimal, limit: Decimal, tier: int,
                          asset: str) -> None:
    position = position_size(view.positions, intent.symbol)
    same_side = open_quantity(view.working_orders, intent.symbol, intent.side, reduce_only=False)
    # Signed worst case if this order and every working order on its side fill.
    after = position + intent.side.sign * (same_side + intent.quantity)
    grows_in_order_direction = after * intent.side.sign > 0
    worst = abs(after) * price
    if grows_in_order_direction and worst > limit:
        raise _Rejected(RejectReason.POSITION_LIMIT_EXCEEDED,
                        f"{intent.symbol} position could reach {_d(worst)} {asset} (size {_d(abs(after))}), above "
                        f"tier {tier} maximum {_d(limit)}")


def gross_exposure(positions: Iterable[ValuedPosition], orders: Iterable[WorkingOrder]) -> Decimal:
    """Sum over symbols of max(long leg, short leg); reduce-only orders excluded."""
    legs: dict[str, list[Decimal]] = {}
    for position in positions:
        leg = legs.setdefault(position.symbol, [ZERO, ZERO])
        leg[0 if position.size > 0 else 1] += position.notional
    for order in orders:
        if order.reduce_only or order.price is None:
            continue
        leg = legs.setdefault(order.symbol, [ZERO, ZERO])
        leg[0 if order.side is Side.BUY else 1] += margin.notional(order.price, order.remaining)
    return sum((max(long, short) for long, short in legs.values()), ZERO)


def _check_exposure_limit(intent: OrderIntent, view: PreTradeView, price: Decimal, limit: Decimal,
                          asset: str) -> None:
    this = WorkingOrder(order_id=intent.order_id, user_id=intent.user_id, symbol=intent.symbol, side=intent.side,
                        price=price, remaining=intent.quantity, leverage=intent.leverage, reduce_only=False)
    gross = gross_exposure(view.positions, (*view.working_orders, this))
    if gross > limit:
        raise _Rejected(RejectReason.EXPOSURE_LIMIT_EXCEEDED,
                        f"account exposure in {asset} would reach {_d(gross)}, above the limit {_d(limit)}")


def unrealized_pnl(positions: Iterable[ValuedPosition]) -> Decimal:
    return sum((p.unrealized_pnl for p in positions), ZERO)


def available_margin(view: PreTradeView) -> Decimal:
    """What a new order may lock (may be negative: then nothing fits)."""
    available = view.balance.available if view.balance else ZERO
    loss = max(-unrealized_pnl(view.positions), ZERO)
    return available - view.uncovered_order_margin - loss + view.own_booked
