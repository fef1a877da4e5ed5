"""Instrument use cases: each is one database transaction holding the change and its event."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from services.metadata.adapters import publisher, repository
from services.metadata.domain.instrument import (
    Instrument,
    InstrumentSpec,
    InstrumentStatus,
    Review,
    propose,
    review,
    validate_spec,
)
from services.platform.errors import AlreadyExists, NotFound
from services.platform.ids import now_ms
from services.platform.paging import decode_token, encode_token, page_limit


@dataclass
class InstrumentUseCases:
    engine: AsyncEngine
    on_events_committed: Callable[[], None] = lambda: None

    async def create(self, spec: InstrumentSpec, maker: str) -> Instrument:
        validate_spec(spec)
        async with self.engine.begin() as conn:
            existing = await repository.get(conn, spec.symbol)
            if existing is None:
                instrument = propose(spec, maker, now_ms())
                if await repository.insert(conn, instrument):
                    await publisher.record_lifecycle_event(conn, instrument)
                    created = instrument
                else:
                    existing = await repository.get(conn, spec.symbol)
            if existing is not None:
                if existing.spec != spec:
                    raise AlreadyExists(
                        f"instrument {spec.symbol} already exists with different parameters")
                return existing  # an idempotent replay of the same proposal
        self.on_events_committed()
        return created

    async def review(self, symbol: str, decision: Review, checker: str, reason: str = "") -> Instrument:
        async with self.engine.begin() as conn:
            current = await repository.get(conn, symbol, for_update=True)
            if current is None:
                raise NotFound(f"instrument {symbol} does not exist")
            changed = review(current, decision, checker, now_ms(), reason)
            await repository.update(conn, changed)
            await publisher.record_lifecycle_event(conn, changed)
        self.on_events_committed()
        return changed

    async def get(self, symbol: str) -> Instrument:
        async with self.engine.connect() as conn:
            instrument = await repository.get(conn, symbol)
        if instrument is None:
            raise NotFound(f"instrument {symbol} does not exist")
        return instrument

    async def list(self, status: InstrumentStatus | None, page_size: int,
                   page_token: str) -> tuple[list[Instrument], str]:
        limit = page_limit(page_size)
        after = str(decode_token(page_token).get("after", ""))
        async with self.engine.connect() as conn:
            page = await repository.list_page(conn, status=status, after_symbol=after, limit=limit + 1)
        next_token = encode_token({"after": page[limit - 1].symbol}) if len(page) > limit else ""
        return page[:limit], next_token
