"""What a new order must satisfy before anything is asked of Risk or the Wallet. Pure.

Syntax (`parse_new_order`) first, then the instrument's rules (`check_instrument_rules`): each
refusal names the field and the rule, so the client can fix exactly that.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from services.order.domain import money
from services.order.domain.model import InstrumentRules, OrderType, SelfTradePrevention, Side, TimeInForce
from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import FailedPrecondition, InvalidArgument

CLIENT_ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
SYMBOL = re.compile(r"^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}-PERP$")
ONE = Decimal(1)


@dataclass(frozen=True)
class NewOrderRequest:
    """A syntactically valid order, not yet checked against its instrument."""

    symbol: str
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    price: Decimal | None  # None for MARKET
    quantity: Decimal
    client_order_id: str
    reduce_only: bool
    leverage: Decimal
    self_trade_prevention: SelfTradePrevention

    def fingerprint(self) -> str:
        """Identifies the body for client_order_id idempotency: equal decimals in any spelling
        ("1.50" and "1.5") are the same request."""
        parts = (self.symbol, self.side.value, self.order_type.value, self.time_in_force.value,
                 format_decimal(self.price) if self.price is not None else "", format_decimal(self.quantity),
                 str(self.reduce_only), format_decimal(self.leverage), self.self_trade_prevention.value)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def parse_symbol(text: str) -> str:
    symbol = (text or "").strip().upper()
    if not symbol:
        raise InvalidArgument("symbol is required, e.g. \"BTC-USDT-PERP\"")
    if not SYMBOL.match(symbol):
        raise InvalidArgument(f"symbol must look like BASE-QUOTE-PERP, got {text!r}")
    return symbol


def parse_client_order_id(text: str) -> str:
    if not text:
        raise InvalidArgument("client_order_id is required (1 to 36 characters of A-Z, a-z, 0-9, _ and -)")
    if not CLIENT_ORDER_ID.match(text):
        raise InvalidArgument(f"client_order_id must be 1 to 36 characters of A-Z, a-z, 0-9, _ and -, got {text!r}")
    return text


def effective_time_in_force(order_type: OrderType, time_in_force: TimeInForce | None) -> TimeInForce:
    if order_type is OrderType.MARKET:
        if time_in_force not in (None, TimeInForce.IOC):
            raise InvalidArgument(
                f"time_in_force {time_in_force.value} is not allowed for a MARKET order (always IOC)")
        return TimeInForce.IOC
    return time_in_force or TimeInForce.GTC


# Leverage is quoted to hundredths ("12.5", "2.25"); more digits are refused, not rounded.
LEVERAGE_FRACTION_DIGITS = 2


def parse_new_order(*, symbol: str, side: Side | None, order_type: OrderType | None,
                    time_in_force: TimeInForce | None, price: str, quantity: str, client_order_id: str,
                    reduce_only: bool, leverage: str,
                    self_trade_prevention: SelfTradePrevention) -> NewOrderRequest:
    """Enum arguments are None when the client left them UNSPECIFIED."""
    symbol = parse_symbol(symbol)
    if side is None:
        raise InvalidArgument("side is required (SIDE_BUY or SIDE_SELL)")
    if order_type is None:
        raise InvalidArgument("order_type is required (ORDER_TYPE_LIMIT or ORDER_TYPE_MARKET)")
    tif = effective_time_in_force(order_type, time_in_force)
    if order_type is OrderType.LIMIT:
        parsed_price = parse_decimal("price", price, positive=True)
    else:
        if price:
            raise InvalidArgument("price must be empty for a MARKET order")
        parsed_price = None
    parsed_quantity = parse_decimal("quantity", quantity, positive=True)
    # Empty: the user's per-symbol setting, which Risk resolves (PreTradeCheckResponse.leverage).
    parsed_leverage = (parse_decimal("leverage", leverage, non_negative=True, max_fraction_digits=LEVERAGE_FRACTION_DIGITS)
                       if leverage else Decimal(0))
    if 0 < parsed_leverage < ONE:
        raise InvalidArgument(f"leverage must be at least 1, got {leverage!r}")
    return NewOrderRequest(
        symbol=symbol, side=side, order_type=order_type, time_in_force=tif, price=parsed_price,
        quantity=parsed_quantity, client_order_id=parse_client_order_id(client_order_id),
        reduce_only=bool(reduce_only), leverage=parsed_leverage, self_trade_prevention=self_trade_prevention)


def require_active(instrument: InstrumentRules) -> None:
    if not instrument.active:
        raise FailedPrecondition(
            f"INSTRUMENT_NOT_ACTIVE: instrument {instrument.symbol} is {instrument.status}, not ACTIVE; "
            "it cannot be traded", reason="INSTRUMENT_NOT_ACTIVE")


def check_price(field: str, price: Decimal, instrument: InstrumentRules) -> None:
    if price % instrument.tick_size != 0:
        raise InvalidArgument(
            f"{field} {format_decimal(price)} breaks the tick size rule: it must be a multiple of "
            f"{format_decimal(instrument.tick_size)} for {instrument.symbol}")


def check_quantity(field: str, quantity: Decimal, instrument: InstrumentRules) -> None:
    if quantity % instrument.lot_size != 0:
        raise InvalidArgument(
            f"{field} {format_decimal(quantity)} breaks the lot size rule: it must be a multiple of "
            f"{format_decimal(instrument.lot_size)} for {instrument.symbol}")
    if quantity > instrument.max_order_quantity:
        raise InvalidArgument(
            f"{field} {format_decimal(quantity)} breaks the max order quantity rule: at most "
            f"{format_decimal(instrument.max_order_quantity)} for {instrument.symbol}")


def check_min_notional(price: Decimal, quantity: Decimal, instrument: InstrumentRules) -> None:
    value = money.notional(price, quantity)
    if value < instrument.min_notional:
        raise InvalidArgument(
            f"price * quantity = {format_decimal(value)} breaks the min notional rule: at least "
            f"{format_decimal(instrument.min_notional)} {instrument.quote_asset} for {instrument.symbol}")


def check_instrument_rules(order: NewOrderRequest, instrument: InstrumentRules) -> None:
    """A MARKET order's min notional is checked later, at Risk's reference price."""
    require_active(instrument)
    if order.price is not None:
        check_price("price", order.price, instrument)
    check_quantity("quantity", order.quantity, instrument)
    if order.price is not None:
        check_min_notional(order.price, order.quantity, instrument)


@dataclass(frozen=True)
class AmendTarget:
    price: Decimal
    quantity: Decimal


def parse_amend(*, price: str, quantity: str, current_price: Decimal, current_quantity: Decimal,
                filled_quantity: Decimal, instrument: InstrumentRules) -> AmendTarget:
    """The order's price and total quantity after the amend; each rule names its field."""
    if not price and not quantity:
        raise InvalidArgument("at least one of price and quantity is required to amend an order")
    new_price = parse_decimal("price", price, positive=True) if price else current_price
    new_quantity = parse_decimal("quantity", quantity, positive=True) if quantity else current_quantity
    if price:
        check_price("price", new_price, instrument)
    if quantity:
        check_quantity("quantity", new_quantity, instrument)
        if new_quantity <= filled_quantity:
            raise InvalidArgument(
                f"quantity {format_decimal(new_quantity)} must be above the filled quantity "
                f"{format_decimal(filled_quantity)}")
    check_min_notional(new_price, new_quantity, instrument)
    return AmendTarget(price=new_price, quantity=new_quantity)


def check_liquidation(price: str, quantity: str, instrument: InstrumentRules) -> tuple[Decimal, Decimal]:
    """A liquidation order must fit the book (tick and lot) but not the client limits (min
    notional, max order quantity): it has to close whatever the position is."""
    parsed_price = parse_decimal("price", price, positive=True)
    parsed_quantity = parse_decimal("quantity", quantity, positive=True)
    check_price("price", parsed_price, instrument)
    if parsed_quantity % instrument.lot_size != 0:
        raise InvalidArgument(
            f"quantity {format_decimal(parsed_quantity)} breaks the lot size rule: it must be a multiple of "
            f"{format_decimal(instrument.lot_size)} for {instrument.symbol}")
    return parsed_price, parsed_quantity
