"""Leverage as a per-(user, symbol) setting: bounds and the under-margin refusal."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from services.platform.errors import FailedPrecondition, InvalidArgument
from services.risk.domain.account_risk import account_figures
from services.risk.domain.leverage import check_setting, resolve
from services.risk.domain.positions import Position
from tests.unit.risk.helpers import BALANCE, BTC, INSTRUMENT, TIER, position


def test_an_orders_own_leverage_wins_then_the_setting_then_one():
    assert resolve(D(3), D(7)) == 3 and resolve(D(0), D(7)) == 7 and resolve(D(0), None) == 1


def figures(total: str):
    # long 0.1 BTC at 50000 (notional 5000), holding 500 of margin
    return account_figures("USDT", replace(BALANCE, total=D(total)), ((position("0.1"), D("0.005")),))


POSITIONS = [Position(symbol=BTC, asset="USDT", size=D("0.1"), entry_price=D("50000"), mark_price=D("50000"),
                      margin=D("500"))]


@pytest.mark.parametrize("leverage,reason", [("51", "LEVERAGE_ABOVE_INSTRUMENT_MAX"), ("21", "LEVERAGE_ABOVE_TIER_MAX")])
def test_bounded_by_instrument_and_tier(leverage, reason):
    with pytest.raises(FailedPrecondition) as refused:
        check_setting(BTC, D(leverage), INSTRUMENT, TIER, figures("10000"), POSITIONS)
    assert refused.value.reason == reason


def test_refused_while_it_would_under_margin_the_account():
    check_setting(BTC, D(10), INSTRUMENT, TIER, figures("500"), POSITIONS)  # needs 500, equity 500
    with pytest.raises(FailedPrecondition) as refused:
        check_setting(BTC, D(9), INSTRUMENT, TIER, figures("500"), POSITIONS)  # needs 555.56
    assert refused.value.reason == "LEVERAGE_WOULD_UNDER_MARGIN"
    with pytest.raises(InvalidArgument):
        check_setting(BTC, D("0.5"), INSTRUMENT, TIER, figures("500"), POSITIONS)
