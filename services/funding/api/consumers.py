"""md.funding.v1 warms the in-memory rate cache (GetFundingRate's estimate). It never triggers a
settlement: the scheduler fetches the values it freezes synchronously. No database row per
event: the cache is best-effort and rebuilt by the next estimate."""
from __future__ import annotations

import logging

from tradex.marketdata.v1 import events_pb2 as md_pb

from services.platform.kafka_clients import PolledClient, make_consumer, poll_on_thread

log = logging.getLogger(__name__)
TOPIC = "md.funding.v1"


class RateCache:
    def __init__(self, bootstrap: str, group: str) -> None:
        # Every replica sees every estimate (a group of its own) and only new ones (nothing committed).
        self._client = PolledClient(make_consumer(bootstrap, group, **{"auto.offset.reset": "latest"}), group)
        self.estimates: dict[str, md_pb.FundingRateUpdated] = {}

    async def run(self) -> None:
        self._client.call("subscribe", lambda consumer: consumer.subscribe([TOPIC]))
        await poll_on_thread(self._client, self._apply)

    def _apply(self, messages: list) -> None:
        for message in messages:
            try:
                event = md_pb.FundingRateUpdated.FromString(message.value())
            except Exception:  # noqa: BLE001 - another event type or garbage: not ours
                continue
            rate = event.funding_rate
            known = self.estimates.get(rate.symbol)
            if rate.symbol and (known is None or
                                known.funding_rate.computed_at_unix_ms <= rate.computed_at_unix_ms):
                self.estimates[rate.symbol] = event
