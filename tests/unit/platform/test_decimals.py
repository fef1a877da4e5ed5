from decimal import Decimal

import pytest

from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument


@pytest.mark.parametrize("text,value", [("1", Decimal(1)), ("0.5", Decimal("0.5")), ("-2.25", Decimal("-2.25")),
                                        ("12345.6789", Decimal("12345.6789"))])
def test_parses_plain_decimals(text, value):
    assert parse_decimal("price", text) == value


@pytest.mark.parametrize("text", ["1e5", "NaN", "inf", "abc", " 1", "1_000", "0x10", "1.2.3"])
def test_refuses_non_plain_spellings_naming_the_field(text):
    with pytest.raises(InvalidArgument, match="price"):
        parse_decimal("price", text)


def test_refuses_more_precision_than_numeric_38_18():
    with pytest.raises(InvalidArgument, match="too many digits"):
        parse_decimal("quantity", "0." + "1" * 19)
    with pytest.raises(InvalidArgument, match="too many digits"):
        parse_decimal("quantity", "1" * 21)


def test_sign_rules():
    with pytest.raises(InvalidArgument, match="greater than 0"):
        parse_decimal("tick_size", "0", positive=True)
    with pytest.raises(InvalidArgument, match="not be negative"):
        parse_decimal("fee", "-0.1", non_negative=True)
    assert parse_decimal("x", "", allow_empty=True) is None
    with pytest.raises(InvalidArgument, match="x is required"):
        parse_decimal("x", "")


@pytest.mark.parametrize("value,text", [(Decimal("1.50"), "1.5"), (Decimal("1E+1"), "10"), (Decimal("0.000"), "0"),
                                        (Decimal("-0.00010"), "-0.0001")])
def test_formats_canonically(value, text):
    assert format_decimal(value) == text
    assert Decimal(format_decimal(value)) == value
