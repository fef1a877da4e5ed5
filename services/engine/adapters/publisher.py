"""Produces the engine's outputs with an idempotent producer and the standard headers.

A failed delivery is remembered and raised by ``check()``: the apply loop then stops and
recovers from the topics (it never continues past a hole in its own output)."""
from __future__ import annotations

from google.protobuf.message import Message

from services.platform.events import event_headers
from services.platform.kafka import make_producer

TOPIC_EVENTS = "engine.event.v1"
TOPIC_SNAPSHOTS = "engine.snapshot.v1"
TOPIC_HASHES = "engine.bookhash.v1"


class DeliveryFailed(RuntimeError):
    pass


class Publisher:
    def __init__(self, bootstrap: str) -> None:
        # Deep books make big snapshots: allow up to 16 MiB per message (the topic is raised too).
        self._producer = make_producer(bootstrap, **{"message.max.bytes": 16 * 1024 * 1024})
        self._error: str | None = None

    def _on_delivery(self, err, _msg) -> None:
        if err is not None and self._error is None:
            self._error = str(err)

    def send(self, topic: str, key: str, message: Message, event_id: str, occurred_at_unix_ms: int) -> None:
        headers = event_headers(event_id, message.DESCRIPTOR.full_name, occurred_at_unix_ms)
        while True:
            try:
                self._producer.produce(topic, key=key.encode(), value=message.SerializeToString(),
                                       headers=headers, on_delivery=self._on_delivery)
                break
            except BufferError:  # local queue full: let deliveries drain
                self._producer.poll(0.1)
        self._producer.poll(0)

    def flush(self, timeout: float = 30.0) -> None:
        if self._producer.flush(timeout) > 0:
            raise DeliveryFailed("timed out flushing engine output")
        self.check()

    def check(self) -> None:
        if self._error is not None:
            raise DeliveryFailed(self._error)

    def abandon(self) -> None:
        """Drop anything unsent (recovery will re-derive it)."""
        self._producer.purge()
        self._producer.flush(5)
