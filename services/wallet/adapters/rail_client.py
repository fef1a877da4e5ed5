"""HTTP client of the external rail (the rail simulator locally): opens a deposit intent and
gets back where the user must send the money. The rail is idempotent by deposit_id, so a
retried CreateDeposit asks again safely."""
from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from services.platform.decimals import format_decimal
from services.platform.errors import Unavailable
from services.wallet.domain.deposits import Deposit

log = logging.getLogger(__name__)


class RailUnavailable(Unavailable):
    """The rail did not answer usefully; the deposit stays PENDING and a retry asks again."""


@dataclass(frozen=True)
class RailInstructions:
    deposit_address: str = ""
    network: str = ""
    payment_reference: str = ""


class RailClient:
    def __init__(self, base_url: str, timeout_s: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    async def open_intent(self, deposit: Deposit) -> RailInstructions:
        if not self.base_url:
            raise RailUnavailable("no deposit rail is configured (TRADEX_RAIL_URL)")
        body = {"deposit_id": deposit.deposit_id, "user_id": deposit.user_id, "asset": deposit.asset,
                "amount": format_decimal(deposit.amount)}
        try:
            answer = await asyncio.to_thread(self._post, "/v1/intents", body)
        except (OSError, ValueError) as exc:
            log.warning("rail refused or unreachable", extra={"deposit_id": deposit.deposit_id, "error": str(exc)})
            raise RailUnavailable("the deposit rail is unavailable; retry with the same client_request_id") from None
        return RailInstructions(deposit_address=answer.get("deposit_address", ""),
                                network=answer.get("network", ""),
                                payment_reference=answer.get("payment_reference", ""))

    def _post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            return json.loads(response.read())
