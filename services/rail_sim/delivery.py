"""Delivering the signed webhook to the Wallet (through Envoy), with retries.

A 2xx answer ends the intent (DELIVERED); another 4xx is final too (FAILED: the Wallet refused
it, and sending the same thing again would not change its mind); no answer or a 5xx is
retried with exponential backoff, because a gateway must not lose a confirmed payment.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request

from services.rail_sim.intents import Intent, IntentBook
from services.rail_sim.signing import signed_callback

log = logging.getLogger(__name__)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Deliverer:
    def __init__(self, book: IntentBook, secret: bytes, webhook_url: str, *, max_attempts: int = 10,
                 timeout_s: float = 10.0) -> None:
        self.book = book
        self.secret = secret
        self.webhook_url = webhook_url
        self.max_attempts = max_attempts
        self.timeout_s = timeout_s
        self._stop = threading.Event()

    def callback_for(self, intent: Intent) -> dict:
        return signed_callback(self.secret, deposit_id=intent.deposit_id, rail_reference=intent.rail_reference,
                               asset=intent.asset, amount=intent.amount, timestamp_unix_ms=now_ms())

    def deliver(self, intent: Intent) -> tuple[int, str]:
        """One attempt; returns the HTTP status (0: no answer) and the body."""
        with intent.lock:  # one attempt per intent at a time
            if intent.status not in ("PENDING", "HELD"):
                return intent.last_response_status, intent.last_response_body
            body = json.dumps(self.callback_for(intent)).encode()
            request = urllib.request.Request(self.webhook_url, data=body, method="POST",
                                             headers={"content-type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    status, text = response.status, response.read().decode(errors="replace")
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode(errors="replace")
            except OSError as error:
                status, text = 0, str(error)
            intent.attempts += 1
            intent.last_response_status, intent.last_response_body = status, text[:2000]
            if 200 <= status < 300:
                intent.status = "DELIVERED"
                log.info("webhook delivered", extra={"deposit_id": intent.deposit_id, "attempts": intent.attempts})
            elif 400 <= status < 500 or intent.attempts >= self.max_attempts:
                intent.status = "FAILED"
                log.error("webhook refused or undeliverable", extra={
                    "deposit_id": intent.deposit_id, "status": status, "body": text[:500]})
            elif intent.status == "PENDING":
                backoff_ms = min(1000 * 2 ** (intent.attempts - 1), 30_000)
                intent.confirm_at_unix_ms = now_ms() + backoff_ms
                log.warning("webhook failed; retrying", extra={
                    "deposit_id": intent.deposit_id, "status": status, "retry_in_ms": backoff_ms})
            return status, text

    def run(self) -> None:
        """The background confirmer: delivers each intent when its delay has passed."""
        while not self._stop.is_set():
            ready, next_due = self.book.due(now_ms())
            for intent in ready:
                try:
                    self.deliver(intent)
                except Exception:  # one bad intent must not stop the confirmer
                    log.exception("delivery crashed", extra={"deposit_id": intent.deposit_id})
                    self._stop.wait(0.5)
            if ready:
                continue
            wait_s = 1.0 if next_due is None else max(0.0, min(1.0, (next_due - now_ms()) / 1000))
            with self.book.changed:
                self.book.changed.wait(wait_s)

    def stop(self) -> None:
        self._stop.set()
