"""Reading other services' event payloads. A payload no retry can fix (a missing id, a number
that is not a decimal) raises MalformedEvent: the consumer logs and skips it instead of
blocking its partition forever."""
from __future__ import annotations

from decimal import Decimal

from tradex.common.v1 import positions_pb2, trading_pb2

from services.platform.decimals import parse_decimal
from services.platform.errors import InvalidArgument
from services.platform.events import MalformedEvent, ReceivedEvent
from services.risk.domain.orders import Side

SIDES = {trading_pb2.SIDE_BUY: Side.BUY, trading_pb2.SIDE_SELL: Side.SELL}
POSITION_SIGNS = {positions_pb2.POSITION_SIDE_LONG: 1, positions_pb2.POSITION_SIDE_SHORT: -1}


class EventReader:
    """Field access for one received event, naming the event in every complaint."""

    def __init__(self, received: ReceivedEvent) -> None:
        self.received = received

    def fail(self, problem: str) -> MalformedEvent:
        return MalformedEvent(f"{self.received.event_type} {self.received.event_id}: {problem}")

    def required(self, name: str, value: str) -> str:
        if not value:
            raise self.fail(f"{name} is required")
        return value

    def decimal(self, name: str, text: str, *, default: Decimal | None = None, **rules) -> Decimal:
        if not text and default is not None:
            return default
        try:
            return parse_decimal(name, text, **rules)
        except InvalidArgument as exc:
            raise self.fail(exc.message) from None

    def side(self, name: str, value: int) -> Side:
        if value not in SIDES:
            raise self.fail(f"{name} must be BUY or SELL")
        return SIDES[value]

    def at(self, unix_ms: int) -> int:
        """The event's own time, else the time in its headers."""
        return unix_ms or self.received.occurred_at_unix_ms
