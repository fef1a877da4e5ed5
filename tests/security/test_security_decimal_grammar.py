"""Issue 8 item 3: one strict decimal grammar for every money and quantity field.

``services.platform.decimals.parse_decimal`` is the grammar; every service parses request and event
decimals through it (Order's quantity/price/leverage, Risk's PreTradeCheck and event reader, Wallet's
deposits and internal calls, Metadata's instruments, the engine's command units). These tests pin the
grammar itself and its use by the places a client's text reaches first.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.engine.api.commands import to_units
from services.order.domain.validation import parse_amend, parse_new_order
from services.platform.decimals import is_plain_decimal, parse_decimal
from services.platform.errors import InvalidArgument

GRAMMAR = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# Spellings Python's Decimal accepts (or nearly) that the grammar refuses.
REFUSED = [
    "٠.٢",            # Arabic-Indic digits
    "５０",            # full-width digits
    "۱۲",             # extended Arabic-Indic
    "१",              # Devanagari
    "1٠",             # mixed
    "𝟙",              # mathematical bold digit one
    "1e5", "1E-3", "NaN", "nan", "sNaN", "Infinity", "-inf",
    "+1", "++1", "--1", "-", ".", ".5", "5.", "1.2.3", "1,5", "0x10", "1_000",
    " 1", "1 ", "\t1", "1\n", "\u00a01", "1\u2009",
    "", "abc", "½",
]


@pytest.mark.parametrize("text", [t for t in REFUSED if t])
def test_refuses_everything_but_ascii_digits_and_one_dot_naming_the_field(text):
    with pytest.raises(InvalidArgument) as refused:
        parse_decimal("quantity", text)
    assert refused.value.message.startswith("quantity ")
    assert not is_plain_decimal(text)


@pytest.mark.parametrize("text", ["-1", "-0.5", "-0"])
def test_no_sign_where_a_positive_or_non_negative_value_is_required(text):
    assert parse_decimal("fee", text) == Decimal(text)
    with pytest.raises(InvalidArgument, match="^amount must be greater than 0"):
        parse_decimal("amount", text, positive=True)
    with pytest.raises(InvalidArgument, match="^margin must not be negative"):
        parse_decimal("margin", text, non_negative=True)


def test_maximum_precision_per_field():
    assert parse_decimal("leverage", "12.25", max_fraction_digits=2) == Decimal("12.25")
    with pytest.raises(InvalidArgument, match="^leverage has too many digits.*2 after"):
        parse_decimal("leverage", "12.255", max_fraction_digits=2)
    assert parse_decimal("quantity", "0." + "1" * 18) == Decimal("0." + "1" * 18)
    with pytest.raises(InvalidArgument, match="^quantity has too many digits"):
        parse_decimal("quantity", "0." + "1" * 19)
    with pytest.raises(InvalidArgument, match="^quantity has too many digits"):
        parse_decimal("quantity", "1" * 21)


@given(st.text(max_size=12))
def test_any_text_is_either_the_grammar_or_invalid_argument(text):
    try:
        value = parse_decimal("price", text)
    except InvalidArgument as exc:
        assert exc.message.startswith("price ")
        return
    assert GRAMMAR.fullmatch(text) and text.isascii()
    assert value == Decimal(text)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**12, max_value=10**12))
def test_every_plain_decimal_round_trips(value):
    text = format(value, "f")
    assert parse_decimal("amount", text) == value


ORDER = dict(symbol="BTC-USDT-PERP", side=None, order_type=None, time_in_force=None, price="", quantity="",
             client_order_id="", reduce_only=False, leverage="", self_trade_prevention=None)


def _new_order(**changes):
    from services.order.domain.model import OrderType, Side
    args = {**ORDER, "side": Side.BUY, "order_type": OrderType.LIMIT, "price": "50000", "quantity": "0.1"}
    args.update(changes)
    return parse_new_order(**args)


@pytest.mark.parametrize("field,text", [
    ("quantity", "٠.٢"), ("price", "５０"), ("leverage", "١٠"), ("quantity", "0.1e0"), ("price", "+50000"),
    ("leverage", "-2"), ("leverage", "2.555"), ("quantity", "-0.1"),
])
def test_order_fields_refuse_non_grammar_text_naming_the_field(field, text):
    with pytest.raises(InvalidArgument) as refused:
        _new_order(**{field: text})
    assert refused.value.message.startswith(f"{field} ")


def test_order_amend_refuses_non_ascii_digits():
    with pytest.raises(InvalidArgument, match="^quantity "):
        parse_amend(price="", quantity="٠.٢", current_price=Decimal(1), current_quantity=Decimal(1),
                    filled_quantity=Decimal(0), instrument=None)


@pytest.mark.parametrize("text", ["٠.٢", "５０", "1e1", "NaN", "+1", " 1"])
def test_engine_command_units_use_the_grammar(text):
    assert to_units(text, Decimal("0.1")) == 0
    assert to_units("0.2", Decimal("0.1")) == 2
