"""SubmitLiquidationOrder: the IOC order that closes a liquidated position.

No Risk check and no margin lock, by design: a liquidation order only reduces a position, and it
must go through precisely when the account has no margin left to lock. Its fills therefore move
no margin (SettleTrade margin "0") and it owes no ReleaseFunds. Idempotent by liquidation_id: the
unique index on it makes two concurrent submissions store one order.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from services.order.adapters import order_store, publisher
from services.order.adapters.instruments import InstrumentDirectory
from services.order.domain.model import Order, OrderType, SelfTradePrevention, Side, TimeInForce
from services.order.domain.validation import check_liquidation
from services.platform.errors import AlreadyExists, InvalidArgument
from services.platform.ids import new_id, now_ms


def _same(order: Order, liquidation_id: str, fingerprint: str) -> Order:
    if order.request_fingerprint != fingerprint:
        raise AlreadyExists(f"liquidation {liquidation_id} already has a different order ({order.order_id})")
    return order


@dataclass
class LiquidationUseCases:
    engine: AsyncEngine
    instruments: InstrumentDirectory
    on_events_committed: Callable[[], None] = lambda: None

    async def submit(self, *, liquidation_id: str, user_id: str, symbol: str, side: Side, quantity: str,
                     price: str) -> Order:
        if not liquidation_id or not user_id:
            raise InvalidArgument("liquidation_id and user_id are required")
        fingerprint = hashlib.sha256("|".join((user_id, symbol, side.value, quantity, price)).encode()).hexdigest()
        async with self.engine.connect() as conn:
            existing = await order_store.get_by_liquidation_id(conn, liquidation_id)
        if existing is not None:
            return _same(existing, liquidation_id, fingerprint)
        instrument = await self.instruments.get(symbol)
        parsed_price, parsed_quantity = check_liquidation(price, quantity, instrument)
        now = now_ms()
        order = Order(
            order_id=new_id(), client_order_id=f"liq:{liquidation_id}", user_id=user_id, symbol=symbol, side=side,
            order_type=OrderType.LIMIT, time_in_force=TimeInForce.IOC, price=parsed_price, quantity=parsed_quantity,
            leverage=Decimal(1), reduce_only=True, self_trade_prevention=SelfTradePrevention.DEFAULT,
            margin_asset=instrument.quote_asset, tick_size=instrument.tick_size, lot_size=instrument.lot_size,
            maker_fee_rate=instrument.maker_fee_rate, taker_fee_rate=instrument.taker_fee_rate,
            request_fingerprint=fingerprint, created_at_unix_ms=now, updated_at_unix_ms=now, is_liquidation=True,
            liquidation_id=liquidation_id)
        async with self.engine.begin() as conn:
            inserted = await order_store.insert(conn, order)
            if inserted:
                await publisher.new_order(conn, order)
                await publisher.order_updated(conn, order)
            else:
                existing = await order_store.get_by_liquidation_id(conn, liquidation_id)
        if not inserted:
            return _same(existing, liquidation_id, fingerprint)
        self.on_events_committed()
        return order
