"""Deposit intents the rail knows about, in memory (the simulator keeps no state across
restarts; the Wallet re-opens an intent when a client retries its deposit)."""
from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field, fields

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]+)?$")
ASSETS = ("USDT", "INR")


class IntentError(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("|".join(parts).encode()).digest()


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return out


@dataclass
class Intent:
    deposit_id: str
    user_id: str
    asset: str
    amount: str
    rail: str
    deposit_address: str
    network: str
    payment_reference: str
    rail_reference: str
    created_at_unix_ms: int
    confirm_at_unix_ms: int
    status: str = "PENDING"  # PENDING (or HELD: only an explicit confirm delivers) -> DELIVERED | FAILED
    attempts: int = 0
    last_response_status: int = 0
    last_response_body: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def public(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "lock"}


def new_intent(body: dict, now_ms: int, delay_ms: int) -> Intent:
    deposit_id = str(body.get("deposit_id", ""))
    asset = str(body.get("asset", ""))
    amount = str(body.get("amount", ""))
    if not deposit_id:
        raise IntentError(400, "deposit_id is required")
    if asset not in ASSETS:
        raise IntentError(400, f"asset must be one of {ASSETS}")
    if not _AMOUNT.match(amount):
        raise IntentError(400, "amount must be a positive decimal string")
    # Deterministic per deposit, as a real watcher would report the same transfer every time.
    if asset == "USDT":
        rail, network = "CHAIN", "TRC20"
        address = "T" + _base58(_digest("address", deposit_id))[:33]
        reference = ""
        rail_reference = "0x" + _digest("tx", deposit_id).hex()
    else:
        rail, network, address = "BANK", "", ""
        reference = "TXPAY" + _digest("ref", deposit_id).hex()[:12].upper()
        rail_reference = "UTR" + str(int.from_bytes(_digest("utr", deposit_id)[:8], "big"))[:12]
    return Intent(deposit_id=deposit_id, user_id=str(body.get("user_id", "")), asset=asset, amount=amount,
                  rail=rail, deposit_address=address, network=network, payment_reference=reference,
                  rail_reference=rail_reference, created_at_unix_ms=now_ms, confirm_at_unix_ms=now_ms + delay_ms)


class IntentBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._intents: dict[str, Intent] = {}
        self.changed = threading.Condition(self._lock)

    def open(self, body: dict, delay_ms: int) -> Intent:
        """Idempotent by deposit_id: the same request returns the same intent."""
        candidate = new_intent(body, int(time.time() * 1000), delay_ms)
        with self._lock:
            existing = self._intents.get(candidate.deposit_id)
            if existing is not None:
                if (existing.asset, existing.amount, existing.user_id) != (
                        candidate.asset, candidate.amount, candidate.user_id):
                    raise IntentError(409, f"deposit {candidate.deposit_id} was opened with another asset or amount")
                return existing
            self._intents[candidate.deposit_id] = candidate
            self.changed.notify_all()
            return candidate

    def get(self, deposit_id: str) -> Intent:
        with self._lock:
            intent = self._intents.get(deposit_id)
        if intent is None:
            raise IntentError(404, f"no intent for deposit {deposit_id}")
        return intent

    def hold(self, deposit_id: str) -> Intent:
        intent = self.get(deposit_id)
        with intent.lock:
            if intent.status == "PENDING":
                intent.status = "HELD"
        return intent

    def due(self, now_ms: int) -> tuple[list[Intent], int | None]:
        """Intents to deliver now, and when the next one falls due."""
        with self._lock:
            pending = [i for i in self._intents.values() if i.status == "PENDING"]
        ready = [i for i in pending if i.confirm_at_unix_ms <= now_ms]
        later = [i.confirm_at_unix_ms for i in pending if i.confirm_at_unix_ms > now_ms]
        return ready, (min(later) if later else None)
