"""Decimal strings on the wire, Decimal in Python: THE decimal grammar of every money and quantity
field of every service, with errors that name the field that failed.

Grammar (``parse_decimal``), one for all::

    decimal  = [ "-" ] digits [ "." digits ]      ; "-" only where the field may be negative
    digits   = 1*( "0" / "1" / ... / "9" )         ; ASCII digits only

Nothing else: no "+", no exponent ("1e5"), no NaN/Infinity, no spaces or "_", no ".5" or "5.", and
no non-ASCII digits -- Python's ``Decimal`` reads "٠.٢" (Arabic-Indic) and "５０" (full-width); this
grammar refuses them. At most 20 integer digits and ``max_fraction_digits`` (18 unless the field says
fewer) fractional digits as written: NUMERIC(38, 18) in PostgreSQL holds every accepted value exactly.
Anything else is INVALID_ARGUMENT naming the field.
"""
from __future__ import annotations

import re
from decimal import Decimal

from services.platform.errors import InvalidArgument

# NUMERIC(38, 18) in PostgreSQL: 20 integer digits, 18 fractional.
MAX_FRACTION_DIGITS = 18
MAX_INTEGER_DIGITS = 20
# [0-9] is the ASCII range (unlike \d, which matches every Unicode decimal digit).
_GRAMMAR = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


def parse_decimal(field: str, text: str, *, positive: bool = False, non_negative: bool = False,
                  allow_empty: bool = False, max_fraction_digits: int = MAX_FRACTION_DIGITS) -> Decimal | None:
    """Parses a decimal string such as "12345.6789" by the grammar above.

    ``positive``: > 0 and no sign; ``non_negative``: >= 0 and no sign; neither: a leading "-" is
    allowed. ``max_fraction_digits``: the field's precision (at most 18)."""
    if text is None or text == "":
        if allow_empty:
            return None
        raise InvalidArgument(f"{field} is required (a decimal string such as \"1.5\")")
    if not isinstance(text, str):
        raise InvalidArgument(f"{field} must be a decimal string, got {type(text).__name__}")
    match = _GRAMMAR.fullmatch(text)
    if match is None:
        if any(ch in text for ch in "eEnN_+") or any(ch.isspace() for ch in text):
            raise InvalidArgument(f"{field} must be a plain decimal string (no exponent, NaN, infinity, "
                                  f"'+', '_' or spaces), got {text!r}")
        raise InvalidArgument(
            f"{field} must be a decimal string (ASCII digits 0-9 with at most one '.' between digits), "
            f"got {text!r}")
    sign, whole, fraction = match.groups()
    if sign and positive:
        raise InvalidArgument(f"{field} must be greater than 0 (no sign), got {text!r}")
    if sign and non_negative:
        raise InvalidArgument(f"{field} must not be negative (no sign), got {text!r}")
    fraction_digits = len(fraction or "")
    limit = min(max_fraction_digits, MAX_FRACTION_DIGITS)
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or fraction_digits > limit:
        raise InvalidArgument(
            f"{field} has too many digits (at most {MAX_INTEGER_DIGITS} before and "
            f"{limit} after the point), got {text!r}")
    value = Decimal(text)
    if positive and value <= 0:
        raise InvalidArgument(f"{field} must be greater than 0, got {text!r}")
    return value


def is_plain_decimal(text: str) -> bool:
    """Whether ``text`` is a decimal string by the grammar (either sign, up to 18 fractional digits)."""
    try:
        parse_decimal("value", text)
    except InvalidArgument:
        return False
    return True


def format_decimal(value: Decimal) -> str:
    """The canonical wire form: no exponent, no trailing zeros ("1.50" -> "1.5", "1E+1" -> "10")."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def is_multiple(value: Decimal, step: Decimal) -> bool:
    return step > 0 and (value % step) == 0
