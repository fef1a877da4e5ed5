"""The simulator's HTTP API (stdlib http.server, one thread per request).

  GET  /healthz                            200 "ok"
  POST /v1/intents                         {deposit_id, user_id, asset, amount} -> the intent, with
                                           deposit_address + network (USDT) or payment_reference (INR);
                                           idempotent by deposit_id (another body: 409)
  GET  /v1/intents/{deposit_id}            the intent and its delivery status
  GET  /v1/intents/{deposit_id}/callback   a freshly signed webhook body for it (what the rail would
                                           send now), so tests can replay the rail's own callback
  POST /v1/intents/{deposit_id}/confirm    deliver now instead of after the delay; returns the
                                           Wallet's answer
  POST /v1/intents/{deposit_id}/hold       never deliver it by itself (a payment that does not
                                           arrive); /confirm still delivers it
"""
from __future__ import annotations

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services.rail_sim.delivery import Deliverer
from services.rail_sim.intents import IntentBook, IntentError

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


class RailServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, book: IntentBook, deliverer: Deliverer, delay_ms: int) -> None:
        super().__init__(address, RailHandler)
        self.book = book
        self.deliverer = deliverer
        self.delay_ms = delay_ms


class RailHandler(BaseHTTPRequestHandler):
    server: RailServer
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args) -> None:  # the JSON logs say what matters
        log.debug(fmt, *args)

    def _send(self, status: int, payload) -> None:
        body = (json.dumps(payload) if not isinstance(payload, str) else payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json" if not isinstance(payload, str) else "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _parts(self) -> list[str]:
        return [p for p in self.path.split("?", 1)[0].split("/") if p]

    def do_GET(self) -> None:
        parts = self._parts()
        try:
            if parts == ["healthz"]:
                return self._send(200, "ok")
            if len(parts) == 3 and parts[:2] == ["v1", "intents"]:
                return self._send(200, self.server.book.get(parts[2]).public())
            if len(parts) == 4 and parts[:2] == ["v1", "intents"] and parts[3] == "callback":
                intent = self.server.book.get(parts[2])
                return self._send(200, self.server.deliverer.callback_for(intent))
            return self._send(404, {"message": "no such endpoint"})
        except IntentError as exc:
            return self._send(exc.status, {"message": str(exc)})

    def do_POST(self) -> None:
        parts = self._parts()
        try:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                return self._send(413, {"message": "body too large"})
            raw = self.rfile.read(length) if length else b""
            if parts == ["v1", "intents"]:
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self._send(400, {"message": "body must be JSON"})
                if not isinstance(body, dict):
                    return self._send(400, {"message": "body must be a JSON object"})
                intent = self.server.book.open(body, self.server.delay_ms)
                log.info("intent opened", extra={"deposit_id": intent.deposit_id, "asset": intent.asset,
                                                 "amount": intent.amount})
                return self._send(200, intent.public())
            if len(parts) == 4 and parts[:2] == ["v1", "intents"] and parts[3] == "hold":
                return self._send(200, self.server.book.hold(parts[2]).public())
            if len(parts) == 4 and parts[:2] == ["v1", "intents"] and parts[3] == "confirm":
                intent = self.server.book.get(parts[2])
                status, text = self.server.deliverer.deliver(intent)
                return self._send(HTTPStatus.OK, {"webhook_status": status, "webhook_body": text,
                                                  "intent": intent.public()})
            return self._send(404, {"message": "no such endpoint"})
        except IntentError as exc:
            return self._send(exc.status, {"message": str(exc)})
