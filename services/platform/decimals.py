"""Decimal strings on the wire, Decimal in Python: parsing that names the field that failed."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from services.platform.errors import InvalidArgument

# NUMERIC(38, 18) in PostgreSQL: 20 integer digits, 18 fractional.
MAX_FRACTION_DIGITS = 18
MAX_INTEGER_DIGITS = 20


def parse_decimal(field: str, text: str, *, positive: bool = False,
                  non_negative: bool = False, allow_empty: bool = False) -> Decimal | None:
    """Parses a decimal string such as "12345.6789". Refuses floats' spellings like "1e5",
    NaN and infinity, and anything NUMERIC(38,18) cannot hold exactly."""
    if text is None or text == "":
        if allow_empty:
            return None
        raise InvalidArgument(f"{field} is required (a decimal string such as \"1.5\")")
    stripped = text.strip()
    if stripped != text or any(ch in text for ch in "eEnN_ "):
        raise InvalidArgument(f"{field} must be a plain decimal string, got {text!r}")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidArgument(f"{field} must be a decimal string, got {text!r}") from None
    if not value.is_finite():
        raise InvalidArgument(f"{field} must be finite, got {text!r}")
    sign, digits, exponent = value.as_tuple()
    fraction_digits = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if fraction_digits > MAX_FRACTION_DIGITS or integer_digits > MAX_INTEGER_DIGITS:
        raise InvalidArgument(
            f"{field} has too many digits (at most {MAX_INTEGER_DIGITS} before and "
            f"{MAX_FRACTION_DIGITS} after the point), got {text!r}")
    if positive and value <= 0:
        raise InvalidArgument(f"{field} must be greater than 0, got {text!r}")
    if non_negative and value < 0:
        raise InvalidArgument(f"{field} must not be negative, got {text!r}")
    return value


def format_decimal(value: Decimal) -> str:
    """The canonical wire form: no exponent, no trailing zeros ("1.50" -> "1.5", "1E+1" -> "10")."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def is_multiple(value: Decimal, step: Decimal) -> bool:
    return step > 0 and (value % step) == 0
