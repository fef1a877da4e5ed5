"""Deposits: validation, the PENDING -> CONFIRMED lifecycle, KYC deposit caps. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from services.platform.decimals import parse_decimal
from services.platform.errors import FailedPrecondition, InvalidArgument
from services.wallet.domain.ledger import ASSETS

# The smallest unit each rail moves: USDT (TRC20) has 6 decimals, INR is paise.
ASSET_DECIMALS = {"USDT": 6, "INR": 2}
MAX_CLIENT_REQUEST_ID = 64
DAY_MS = 24 * 3600 * 1000


class DepositStatus(Enum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    EXPIRED = "EXPIRED"


class Rail(Enum):
    CHAIN = "CHAIN"
    BANK = "BANK"


RAIL_OF_ASSET = {"USDT": Rail.CHAIN, "INR": Rail.BANK}


@dataclass(frozen=True)
class Deposit:
    deposit_id: str
    user_id: str
    asset: str
    amount: Decimal
    status: DepositStatus
    rail: Rail
    client_request_id: str
    created_at_unix_ms: int
    expires_at_unix_ms: int
    deposit_address: str = ""
    network: str = ""
    payment_reference: str = ""
    rail_reference: str = ""
    confirmed_at_unix_ms: int = 0

    @property
    def has_instructions(self) -> bool:
        return bool(self.deposit_address or self.payment_reference)

    def status_at(self, now_ms: int) -> DepositStatus:
        """A PENDING deposit past its expiry reads as EXPIRED (and can no longer be confirmed)."""
        if self.status is DepositStatus.PENDING and now_ms >= self.expires_at_unix_ms:
            return DepositStatus.EXPIRED
        return self.status


def parse_asset(field: str, text: str) -> str:
    if text not in ASSETS:
        raise InvalidArgument(f"{field} must be one of {', '.join(ASSETS)}, got {text!r}")
    return text


def parse_deposit_amount(asset: str, text: str, field: str = "amount") -> Decimal:
    amount = parse_decimal(field, text, positive=True)
    decimals = ASSET_DECIMALS[asset]
    if -amount.as_tuple().exponent > decimals and amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        raise InvalidArgument(f"{field} has more than {decimals} decimals, the precision of {asset}")
    return amount


def parse_client_request_id(text: str) -> str:
    if not text or not text.strip():
        raise InvalidArgument("client_request_id is required (the caller's idempotency key)")
    if len(text) > MAX_CLIENT_REQUEST_ID:
        raise InvalidArgument(f"client_request_id must be at most {MAX_CLIENT_REQUEST_ID} characters")
    return text


def utc_day_start(now_ms: int) -> int:
    return now_ms - now_ms % DAY_MS


def check_daily_cap(asset: str, cap: Decimal, used_today: Decimal, amount: Decimal, tier: int) -> None:
    """`used_today`: the user's deposits of `asset` opened this UTC day that are not expired."""
    if used_today + amount > cap:
        raise FailedPrecondition(
            f"deposit of {amount.normalize():f} {asset} exceeds the KYC tier {tier} daily cap of "
            f"{cap.normalize():f} ({used_today.normalize():f} already deposited or pending today)",
            reason="DEPOSIT_CAP_EXCEEDED")


def check_confirmation(deposit: Deposit, asset: str, amount: Decimal) -> None:
    """The rail must confirm exactly what was announced."""
    if asset != deposit.asset:
        raise FailedPrecondition(f"asset {asset!r} differs from the deposit's {deposit.asset}",
                                 reason="DEPOSIT_MISMATCH")
    if amount != deposit.amount:
        raise FailedPrecondition(
            f"amount {amount.normalize():f} differs from the deposit's {deposit.amount.normalize():f}",
            reason="DEPOSIT_MISMATCH")
