"""The demo market maker's quote ladder (mesh/market_maker.py)."""
from decimal import Decimal as D

from mesh.market_maker import quotes


def test_ladder_is_on_the_tick_grid_around_the_index_and_sized_by_notional():
    ladder = quotes(D("100.004"), tick=D("0.01"), lot=D("0.1"), min_notional=D("10"), levels=2, step=D("0.01"),
                    level_notional=D("250"))
    assert ladder == [
        ("BUY", D("99.00"), D("2.6")), ("SELL", D("101.01"), D("2.5")),   # floor / ceil to the tick
        ("BUY", D("98.00"), D("2.6")), ("SELL", D("102.01"), D("2.5")),
    ]
    for _side, price, quantity in ladder:
        assert price % D("0.01") == 0 and quantity % D("0.1") == 0 and price * quantity >= 250


def test_minimum_notional_wins_over_a_smaller_level_notional():
    ((_, price, quantity), *_) = quotes(D("100"), tick=D("1"), lot=D("0.001"), min_notional=D("500"), levels=1,
                                        step=D("0.001"))
    assert price * quantity >= 1000
