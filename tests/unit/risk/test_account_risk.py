"""GetAccountRisk's figures (services/risk/domain/account_risk.py)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from services.risk.domain.account_risk import account_figures, liquidation_price
from tests.unit.risk.helpers import BALANCE, ETH, position


def test_figures_for_a_cross_margined_account():
    balance = replace(BALANCE, available=D("8000"), locked=D("500"), position_margin=D("1500"), total=D("10000"))
    long_btc = position("0.3", entry="50000", mark="49000")   # upnl -300, notional 14700
    short_eth = position("-5", symbol=ETH, entry="3000", mark="2900")  # upnl +500, notional 14500
    figures = account_figures("USDT", balance, ((long_btc, D("0.005")), (short_eth, D("0.01"))),
                              uncovered_order_margin=D("100"))
    assert figures.wallet_balance == D("10000")
    assert figures.unrealized_pnl == D("200")
    assert figures.equity == D("10200")
    assert (figures.order_margin, figures.position_margin) == (D("500"), D("1500"))
    assert figures.maintenance_margin == D("73.5") + D("145")
    assert figures.margin_ratio == D("0.02142157")  # 218.5 / 10200, rounded up
    # A net profit adds nothing to what can be locked; pending approvals are taken off.
    assert figures.available_margin == D("7900")


def test_no_position_means_no_margin_ratio():
    figures = account_figures("USDT", BALANCE, ())
    assert figures.margin_ratio is None and figures.maintenance_margin == 0
    assert figures.available_margin == D("10000")


def test_unknown_balance_is_all_zero_and_never_negative():
    figures = account_figures("INR", None, (), uncovered_order_margin=D("5"))
    assert figures.wallet_balance == 0 and figures.available_margin == 0


def test_liquidation_price_of_a_single_long_and_short():
    # Long 1 at mark 100 with equity 20 and rate 0.01: 20 + (m - 100) = 0.01 m  ->  m = 80 / 0.99
    long = position("1", entry="100", mark="100")
    assert liquidation_price(long, D("0.01"), D("20"), D("0")) == D("80.80808081")
    # Short 1: 20 - (m - 100) = 0.01 m  ->  m = 120 / 1.01
    short = position("-1", entry="100", mark="100")
    assert liquidation_price(short, D("0.01"), D("20"), D("0")) == D("118.81188119")


def test_liquidation_price_is_none_when_it_cannot_be_reached():
    over_collateralised = position("1", entry="100", mark="100")
    assert liquidation_price(over_collateralised, D("0.01"), D("150"), D("0")) is None
