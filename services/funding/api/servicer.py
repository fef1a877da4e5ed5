"""FundingService: public rate, history, statements; the caller's payments and statement lines
(trader, the JWT `sub` is the user); admin cycles, settlements and the override seal
(admin:checker, enforced by the access guard from the contract)."""
from __future__ import annotations

import base64
import json

from tradex.funding.v1 import funding_pb2 as pb
from tradex.funding.v1 import funding_pb2_grpc

from services.funding.adapters import store
from services.funding.adapters.clients import Upstreams
from services.funding.adapters.mappers import (
    CYCLE_STATUS_FROM_PB,
    SETTLEMENT_STATUS_FROM_PB,
    cycle_to_pb,
    line_to_pb,
    payment_to_pb,
    record_to_pb,
    settlement_to_pb,
)
from services.funding.api.consumers import RateCache
from services.funding.app.queries import FundingQueries
from services.funding.config import FundingSettings
from services.funding.domain import model
from services.platform.auth import require_principal
from services.platform.decimals import format_decimal
from services.platform.errors import InvalidArgument
from services.platform.ids import now_ms


def _token(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


def _parse_token(token: str, *types: type) -> list:
    """The parts of a token _token() made, each of the given type (a forged one is refused)."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(token.encode()))
        if (not isinstance(parts, list) or len(parts) != len(types)
                or not all(type(p) is t for p, t in zip(parts, types, strict=True))):
            raise ValueError
        if any(t is int and not 0 <= p < 2**63 for p, t in zip(parts, types, strict=True)):
            raise ValueError
        if any(t is str and ("\x00" in p or len(p) > 400) for p, t in zip(parts, types, strict=True)):
            raise ValueError
        return parts
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidArgument("page_token is not one this service issued") from None


def _page(size: int, default: int, maximum: int) -> int:
    if size < 0:
        raise InvalidArgument("page_size must not be negative")
    return min(size or default, maximum)


def _text(field: str, value: str) -> str:
    """PostgreSQL text cannot hold NUL; such input is invalid, not an internal error."""
    if "\x00" in value or len(value) > 200:
        raise InvalidArgument(f"{field} is not a valid value")
    return value


def _symbol(symbol: str) -> str:
    if not symbol:
        raise InvalidArgument("symbol is required")
    return _text("symbol", symbol)


def _bounds(start: int, end: int) -> None:
    if start < 0 or end < 0:
        raise InvalidArgument("start_unix_ms and end_unix_ms must not be negative")


class FundingServicer(funding_pb2_grpc.FundingServiceServicer):
    def __init__(self, queries: FundingQueries, upstreams: Upstreams, rates: RateCache,
                 settings: FundingSettings) -> None:
        self._queries = queries
        self._upstreams = upstreams
        self._rates = rates
        self._settings = settings

    async def GetFundingRate(self, request: pb.GetFundingRateRequest, context) -> pb.GetFundingRateResponse:
        symbol = _symbol(request.symbol)
        async with self._queries.engine.connect() as conn:
            last = await store.last_cycle(conn, symbol)
        interval = self._settings.interval_ms
        rate = pb.FundingRate(symbol=symbol, interval_ms=interval,
                              next_funding_unix_ms=model.boundary_at_or_before(now_ms(), interval) + interval)
        cached = self._rates.estimates.get(symbol)
        if cached is not None:
            f = cached.funding_rate
            rate.estimated_rate, rate.mark_price, rate.index_price = f.funding_rate, f.mark_price, f.index_price
            rate.updated_at_unix_ms = f.computed_at_unix_ms
        else:  # a cold cache: ask pricing (best effort; the rate stays empty if it has none)
            try:
                prices = await self._upstreams.prices(symbol)
            except Exception:  # noqa: BLE001 - the estimate is optional in this answer
                prices = None
            if prices is not None:
                rate.estimated_rate, rate.mark_price = format_decimal(prices.rate), format_decimal(prices.mark)
                rate.index_price, rate.updated_at_unix_ms = format_decimal(prices.index), prices.computed_at_ms
        if last is not None:
            rate.last_rate, rate.last_funding_unix_ms = format_decimal(last.rate), last.cycle_ts_unix_ms
        return pb.GetFundingRateResponse(funding_rate=rate)

    async def ListFundingRateHistory(self, request: pb.ListFundingRateHistoryRequest,
                                     context) -> pb.ListFundingRateHistoryResponse:
        symbol = _symbol(request.symbol)
        _bounds(request.start_unix_ms, request.end_unix_ms)
        size = _page(request.page_size, 100, 1000)
        before = _parse_token(request.page_token, int)[0] if request.page_token else 0
        async with self._queries.engine.connect() as conn:
            rows = await store.history(conn, symbol, start=request.start_unix_ms, end=request.end_unix_ms,
                                       before=int(before), limit=size + 1)
        token = _token(rows[size - 1].cycle_ts_unix_ms) if len(rows) > size else ""
        return pb.ListFundingRateHistoryResponse(records=[record_to_pb(r) for r in rows[:size]],
                                                 next_page_token=token)

    async def ListFundingPayments(self, request: pb.ListFundingPaymentsRequest,
                                  context) -> pb.ListFundingPaymentsResponse:
        caller = require_principal()
        _bounds(request.start_unix_ms, request.end_unix_ms)
        size = _page(request.page_size, 100, 500)
        before = tuple(_parse_token(request.page_token, int, str)) if request.page_token else None
        async with self._queries.engine.connect() as conn:
            rows = await store.user_payments(conn, caller.subject, symbol=_text("symbol", request.symbol),
                                             start=request.start_unix_ms, end=request.end_unix_ms,
                                             before=before, limit=size + 1)
        last = rows[size - 1] if len(rows) > size else None
        return pb.ListFundingPaymentsResponse(
            payments=[payment_to_pb(r) for r in rows[:size]],
            next_page_token=_token(last.cycle_ts_unix_ms, last.funding_id) if last else "")

    async def ListFundingCycles(self, request: pb.ListFundingCyclesRequest, context) -> pb.ListFundingCyclesResponse:
        if request.status and request.status not in CYCLE_STATUS_FROM_PB:
            raise InvalidArgument(f"status {request.status} is not a known value")
        size = _page(request.page_size, 100, 500)
        before_ts, before_symbol = _parse_token(request.page_token, int, str) if request.page_token else (0, "")
        async with self._queries.engine.connect() as conn:
            rows = await store.list_cycles(conn, symbol=_text("symbol", request.symbol),
                                           status=CYCLE_STATUS_FROM_PB.get(request.status, ""),
                                           before_ts=int(before_ts), before_symbol=str(before_symbol),
                                           limit=size + 1)
            cycles = [cycle_to_pb(r, await store.counts(conn, r.cycle_id)) for r in rows[:size]]
        last = rows[size - 1] if len(rows) > size else None
        return pb.ListFundingCyclesResponse(
            cycles=cycles, next_page_token=_token(last.cycle_ts_unix_ms, last.symbol) if last else "")

    async def GetFundingCycle(self, request: pb.GetFundingCycleRequest, context) -> pb.GetFundingCycleResponse:
        row, counts = await self._queries.cycle(request.cycle_id)
        return pb.GetFundingCycleResponse(cycle=cycle_to_pb(row, counts))

    async def ListFundingSettlements(self, request: pb.ListFundingSettlementsRequest,
                                     context) -> pb.ListFundingSettlementsResponse:
        if request.status and request.status not in SETTLEMENT_STATUS_FROM_PB:
            raise InvalidArgument(f"status {request.status} is not a known value")
        await self._queries.cycle(request.cycle_id)
        size = _page(request.page_size, 100, 1000)
        after = _parse_token(request.page_token, str)[0] if request.page_token else ""
        async with self._queries.engine.connect() as conn:
            rows = await store.settlements_of(conn, request.cycle_id,
                                              status=SETTLEMENT_STATUS_FROM_PB.get(request.status, ""),
                                              after=str(after), limit=size + 1)
        token = _token(rows[size - 1].funding_id) if len(rows) > size else ""
        return pb.ListFundingSettlementsResponse(settlements=[settlement_to_pb(r) for r in rows[:size]],
                                                 next_page_token=token)

    async def SealFundingCycle(self, request: pb.SealFundingCycleRequest, context) -> pb.SealFundingCycleResponse:
        caller = require_principal()
        if not request.cycle_id:
            raise InvalidArgument("cycle_id is required")
        row, counts = await self._queries.seal_by_admin(request.cycle_id, actor=caller.subject,
                                                        reason=request.reason)
        return pb.SealFundingCycleResponse(cycle=cycle_to_pb(row, counts))

    async def GetFundingStatement(self, request: pb.GetFundingStatementRequest,
                                  context) -> pb.GetFundingStatementResponse:
        statement = await self._queries.statement(request.cycle_id)
        async with self._queries.engine.connect() as conn:
            counts = await store.counts(conn, request.cycle_id)
        return pb.GetFundingStatementResponse(statement=pb.FundingStatement(
            cycle=cycle_to_pb(statement.cycle, counts), positions=len(statement.lines),
            line_hashes=statement.line_hashes, statement_hash=statement.statement_hash))

    async def GetMyFundingStatementLines(self, request: pb.GetMyFundingStatementLinesRequest,
                                         context) -> pb.GetMyFundingStatementLinesResponse:
        caller = require_principal()
        statement = await self._queries.statement(request.cycle_id)
        mine = [e for e in statement.lines if e.row.user_id == caller.subject]
        return pb.GetMyFundingStatementLinesResponse(lines=[line_to_pb(e) for e in mine],
                                                     statement_hash=statement.statement_hash)
