"""What the sync and async clients share: request building (decimals, enums), the session (tokens
and refresh before expiry), retry policy, and the namespaces (`auth`, `orders`, ...), which only
build requests and say how to read answers; a transport (sync or asyncio) runs them."""
from __future__ import annotations

import enum
import random
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import grpc
from google.protobuf import descriptor_pool, message_factory
from tradex.auth.v1 import auth_pb2
from tradex.common.v1 import trading_pb2
from tradex.funding.v1 import funding_pb2
from tradex.marketdata.v1 import marketdata_pb2
from tradex.metadata.v1 import metadata_pb2
from tradex.order.v1 import order_pb2
from tradex.position.v1 import position_pb2
from tradex.risk.v1 import risk_pb2
from tradex.settlement.v1 import settlement_pb2
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import wallet_pb2

from tradex_sdk.errors import InvalidArgumentError
from tradex_sdk.models import to_model

_MODULES = (auth_pb2, funding_pb2, marketdata_pb2, metadata_pb2, order_pb2, position_pb2, risk_pb2,
            settlement_pb2, user_pb2, wallet_pb2, trading_pb2)

Money = Decimal | str | int


class FloatRefused(InvalidArgumentError, TypeError):
    """A float was passed where money or a quantity is expected: use Decimal or a decimal string."""


def money(name: str, value: Money | None) -> str:
    """The wire text of a decimal argument; floats are refused (they cannot hold 0.1 exactly)."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, float):
        raise FloatRefused(f"{name} must be a Decimal or a decimal string, not a float")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise InvalidArgumentError(f"{name} must be a decimal, got {value!r}") from None
    else:
        raise FloatRefused(f"{name} must be a Decimal or a decimal string, not {type(value).__name__}")
    if not number.is_finite():
        raise InvalidArgumentError(f"{name} must be finite, got {value!r}")
    return format(number, "f")


def choice(name: str, enum_cls, value: Any, prefix: str) -> int:
    """An enum argument: a generated enum member, its number, or its name with or without the
    prefix ("BUY" or "SIDE_BUY")."""
    if value is None:
        return 0
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, int):
        return value
    text = str(value).upper()
    names = enum_cls.keys()
    for candidate in (text, f"{prefix}_{text}"):
        if candidate in names:
            return enum_cls.Value(candidate)
    short = sorted(n.removeprefix(prefix + "_") for n in names if not n.endswith("_UNSPECIFIED"))
    raise InvalidArgumentError(f"{name} must be one of {short}, got {value!r}")


def new_key() -> str:
    """A fresh idempotency key (fixed once per logical request, reused by every retry)."""
    return uuid.uuid4().hex


def message_class(full_name: str):
    """A message class by its full name (for messages newer than the modules imported here)."""
    return message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(full_name))


def output_class(method: str):
    """The response message class of a full method path ("/pkg.Service/Method")."""
    service, name = method.lstrip("/").split("/")
    desc = descriptor_pool.Default().FindMethodByName(f"{service}.{name}")
    return message_factory.GetMessageClass(desc.output_type)


@dataclass
class RetryPolicy:
    """Retries UNAVAILABLE answers of calls that are safe to repeat (reads, and writes whose
    idempotency key is fixed before the first try), with exponential backoff and jitter."""

    attempts: int = 3
    initial_backoff_s: float = 0.2
    max_backoff_s: float = 2.0
    retry_codes: frozenset = field(default_factory=lambda: frozenset({grpc.StatusCode.UNAVAILABLE}))
    # Refusals the server marks as passing right after sign-up (the wallet or the risk account
    # opens from an event a moment later): nothing was done, so a call safe to repeat is retried
    # for up to `transient_wait_s`.
    transient_reasons: frozenset = field(default_factory=lambda: frozenset({"WALLET_NOT_OPEN", "UNKNOWN_ACCOUNT"}))
    transient_wait_s: float = 5.0

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff_s, self.initial_backoff_s * (2 ** attempt)) * random.uniform(0.5, 1.0)

    def should_retry(self, error, attempt: int, started: float) -> bool:
        """Whether a failed call that is safe to repeat is tried again (`error` a TradexError)."""
        if error.code in self.retry_codes:
            return attempt + 1 < self.attempts
        return error.reason in self.transient_reasons and time.monotonic() - started < self.transient_wait_s


@dataclass
class Session:
    """The tokens of the signed-in user. `refresh_margin_s` before the access token expires, the
    client refreshes it by itself (rotating the refresh token)."""

    access_token: str | None = None
    refresh_token: str | None = None
    access_expires_at_unix_ms: int = 0
    refresh_margin_s: float = 30.0

    def keep(self, tokens) -> None:
        self.access_token = tokens.access_token or None
        self.refresh_token = tokens.refresh_token or None
        self.access_expires_at_unix_ms = tokens.access_token_expires_at_unix_ms

    def clear(self) -> None:
        self.access_token = self.refresh_token = None
        self.access_expires_at_unix_ms = 0

    def needs_refresh(self) -> bool:
        return bool(self.refresh_token and self.access_expires_at_unix_ms
                    and time.time() * 1000 >= self.access_expires_at_unix_ms - self.refresh_margin_s * 1000)

    def metadata(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.access_token}")] if self.access_token else []


@dataclass(frozen=True)
class Call:
    """One unary RPC to run: method path, request, how to read the answer, whether it may be
    retried, and (for lists) the repeated field to page through."""

    method: str
    request: Any
    unwrap: Any = None
    retry: bool = False
    pages: str | None = None
    limit: int | None = None


def field_of(name: str):
    """Reads one field of the answer as a model."""
    def read(response):
        return to_model(getattr(response, name))
    return read


def whole(response):
    return to_model(response)


REFRESH = "/tradex.auth.v1.AuthService/Refresh"
