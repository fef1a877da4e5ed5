"""Kafka record <-> protobuf event, with the headers every TradeX topic carries."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from google.protobuf.message import DecodeError, Message

HEADER_EVENT_ID = "event_id"
HEADER_EVENT_TYPE = "event_type"
HEADER_OCCURRED_AT = "occurred_at_unix_ms"


def event_headers(event_id: str, event_type: str, occurred_at_unix_ms: int) -> list[tuple[str, bytes]]:
    return [
        (HEADER_EVENT_ID, event_id.encode()),
        (HEADER_EVENT_TYPE, event_type.encode()),
        (HEADER_OCCURRED_AT, str(occurred_at_unix_ms).encode()),
    ]


@dataclass(frozen=True)
class ReceivedEvent:
    topic: str
    partition: int
    offset: int
    key: str
    event_id: str
    event_type: str
    occurred_at_unix_ms: int
    payload: bytes

    def decode(self, message_class: type[Message]) -> Message:
        return message_class.FromString(self.payload)


class MalformedEvent(ValueError):
    pass


def from_kafka(record) -> ReceivedEvent:
    headers = {key: value.decode() for key, value in (record.headers() or [])}
    missing = [h for h in (HEADER_EVENT_ID, HEADER_EVENT_TYPE) if h not in headers]
    if missing:
        raise MalformedEvent(f"record {record.topic()}/{record.partition()}@{record.offset()} "
                             f"lacks headers {missing}")
    return ReceivedEvent(
        topic=record.topic(), partition=record.partition(), offset=record.offset(),
        key=(record.key() or b"").decode(), event_id=headers[HEADER_EVENT_ID],
        event_type=headers[HEADER_EVENT_TYPE],
        occurred_at_unix_ms=int(headers.get(HEADER_OCCURRED_AT, "0")),
        payload=record.value() or b"",
    )


def oneof_filter(message_class: type[Message], oneof: str, kinds: Iterable[str]) -> Callable[[ReceivedEvent], bool]:
    """A consumer's `relevant` predicate: only events of `message_class` whose `oneof` is set to
    one of `kinds` reach the database (engine.event.v1 is mostly book deltas, which many
    consumers do not need: skipping them before the transaction saves an inbox row each)."""
    wanted, full_name = frozenset(kinds), message_class.DESCRIPTOR.full_name

    def relevant(received: ReceivedEvent) -> bool:
        if received.event_type != full_name:
            return False
        try:
            event = message_class.FromString(received.payload)
        except DecodeError as exc:
            raise MalformedEvent(f"{full_name} {received.event_id} does not parse: {exc}") from exc
        return event.WhichOneof(oneof) in wanted

    return relevant
