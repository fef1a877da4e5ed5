"""Reads for the API (public rate, history, a user's payments, statements; admin cycles and
settlements) and the admin override seal."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from services.funding.adapters import store
from services.funding.domain import model
from services.funding.domain.model import CycleStatus
from services.platform.errors import FailedPrecondition, InvalidArgument, NotFound
from services.platform.ids import now_ms

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatementLine:
    row: object
    line: model.Line
    canonical: str
    line_hash: str
    index: int


@dataclass(frozen=True)
class Statement:
    cycle: object
    lines: list[StatementLine]
    line_hashes: list[str]
    statement_hash: str


def _check_cycle_id(cycle_id: str) -> None:
    if not cycle_id:
        raise InvalidArgument("cycle_id is required")
    if "\x00" in cycle_id or len(cycle_id) > 300:
        raise InvalidArgument("cycle_id is not a valid value")


class FundingQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def cycle(self, cycle_id: str):
        _check_cycle_id(cycle_id)
        async with self.engine.connect() as conn:
            row = await store.get_cycle(conn, cycle_id)
            counts = await store.counts(conn, cycle_id) if row else {}
        if row is None:
            raise NotFound(f"funding cycle {cycle_id} not found")
        return row, counts

    async def statement(self, cycle_id: str) -> Statement:
        row, _ = await self.cycle(cycle_id)
        if row.status not in (CycleStatus.SEALED.value, CycleStatus.NEEDS_REVIEW.value):
            raise FailedPrecondition(f"funding cycle {cycle_id} is {row.status}: its statement exists once sealed")
        async with self.engine.connect() as conn:
            rows = await store.settlements_of(conn, cycle_id)
        entries = []
        for r in rows:
            line = model.Line(r.funding_id, model.Side(r.side), r.size, r.mark_price, r.rate, r.amount)
            entries.append((model.line_hash(line), model.canonical(line), line, r))
        entries.sort(key=lambda e: e[0])
        hashes = [e[0] for e in entries]
        lines = [StatementLine(r, line, text, h, i) for i, (h, text, line, r) in enumerate(entries)]
        return Statement(row, lines, hashes, model.statement_hash(hashes))

    async def seal_by_admin(self, cycle_id: str, *, actor: str, reason: str):
        _check_cycle_id(cycle_id)
        if not reason.strip():
            raise InvalidArgument("reason is required")
        if "\x00" in reason or len(reason) > 2000:
            raise InvalidArgument("reason must be text of at most 2000 characters")
        async with self.engine.begin() as conn:
            row = await store.lock_cycle(conn, cycle_id)
            if row is None:
                raise NotFound(f"funding cycle {cycle_id} not found")
            if row.status == CycleStatus.SEALED.value:
                return await self.cycle(cycle_id)
            if row.status != CycleStatus.NEEDS_REVIEW.value:
                raise FailedPrecondition(f"funding cycle {cycle_id} is {row.status}; only NEEDS_REVIEW can be sealed")
            now = now_ms()
            await store.set_status(conn, cycle_id, CycleStatus.SEALED, now, manually_sealed=True, sealed_by=actor,
                                   seal_reason=reason, sealed_at_unix_ms=now)
            await store.audit(conn, cycle_id=cycle_id, action="SEAL", actor=actor, reason=reason,
                              previous_status=row.status, now=now)
        log.warning("funding cycle sealed by an admin", extra={"cycle_id": cycle_id, "actor": actor,
                                                               "reason": reason})
        return await self.cycle(cycle_id)
