"""Reads of the caller's own orders and fills. Another user's order is NOT_FOUND."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from services.order.adapters import fill_store, order_store
from services.order.domain.model import Fill, Order
from services.platform.db import reading
from services.platform.errors import InvalidArgument, NotFound
from services.platform.paging import decode_token, encode_token, page_limit


def _time_range(start_unix_ms: int, end_unix_ms: int) -> None:
    if start_unix_ms < 0 or end_unix_ms < 0:
        raise InvalidArgument("start_unix_ms and end_unix_ms must not be negative")
    if start_unix_ms and end_unix_ms and end_unix_ms <= start_unix_ms:
        raise InvalidArgument("end_unix_ms must be after start_unix_ms")


@dataclass
class OrderQueries:
    engine: AsyncEngine

    async def get(self, user_id: str, order_id: str) -> Order:
        async with reading(self.engine) as conn:
            order = await order_store.get(conn, order_id)
        if order is None or order.user_id != user_id:
            raise NotFound(f"order {order_id} does not exist")
        return order

    async def list_orders(self, user_id: str, *, symbol: str, state: str, client_order_id: str,
                          start_unix_ms: int, end_unix_ms: int, page_size: int,
                          page_token: str) -> tuple[list[Order], str]:
        _time_range(start_unix_ms, end_unix_ms)
        limit = page_limit(page_size)
        before = str(decode_token(page_token).get("before", ""))
        async with reading(self.engine) as conn:
            page = await order_store.list_page(
                conn, user_id=user_id, symbol=symbol, state=state, client_order_id=client_order_id,
                start_unix_ms=start_unix_ms, end_unix_ms=end_unix_ms, before_order_id=before, limit=limit + 1)
        next_token = encode_token({"before": page[limit - 1].order_id}) if len(page) > limit else ""
        return page[:limit], next_token

    async def list_fills(self, user_id: str, *, symbol: str, order_id: str, start_unix_ms: int,
                         end_unix_ms: int, page_size: int, page_token: str) -> tuple[list[Fill], str]:
        _time_range(start_unix_ms, end_unix_ms)
        limit = page_limit(page_size)
        raw = decode_token(page_token).get("before")
        if raw is not None and not isinstance(raw, int):
            raise InvalidArgument("page_token is not a token this API issued")
        async with reading(self.engine) as conn:
            page = await fill_store.list_page(
                conn, user_id=user_id, symbol=symbol, order_id=order_id, start_unix_ms=start_unix_ms,
                end_unix_ms=end_unix_ms, before_id=raw, limit=limit + 1)
        next_token = encode_token({"before": page[limit - 1][0]}) if len(page) > limit else ""
        return [fill for _, fill in page[:limit]], next_token
