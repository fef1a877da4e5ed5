"""The live margin watch's rule: one trigger per breach, re-armed only after recovery."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from services.risk.domain.account_risk import account_figures
from services.risk.domain.margin_watch import Transition, breached, liquidations, transition
from tests.unit.risk.helpers import BALANCE, ETH, position


def figures_at(mark: str, total: str = "1000"):
    balance = replace(BALANCE, available=D(0), locked=D(0), position_margin=D(total), total=D(total))
    # long 1 @ 10000: equity = total + (mark - 10000), MM = mark * 0.01
    return account_figures("USDT", balance, ((position("1", entry="10000", mark=mark), D("0.01")),))


def test_breach_is_equity_at_or_below_maintenance_margin():
    assert not breached(figures_at("9100"))  # equity 100, MM 91
    assert breached(figures_at("9090"))  # equity 90, MM 90.9
    assert not breached(account_figures("USDT", replace(BALANCE, total=D(0)), ()))  # no positions, no breach


def test_one_trigger_per_breach_and_rearmed_after_recovery():
    marks = ["9500", "9090", "9000", "8000", "9100", "9500", "9050", "9000"]
    was = False
    events = []
    for mark in marks:
        change = transition(was, figures_at(mark))
        events.append(change)
        was = {Transition.TRIGGER: True, Transition.RECOVER: False}.get(change, was)
    assert events.count(Transition.TRIGGER) == 2
    assert events == [Transition.NONE, Transition.TRIGGER, Transition.NONE, Transition.NONE, Transition.RECOVER,
                      Transition.NONE, Transition.TRIGGER, Transition.NONE]
    # a liquidated (flat) account recovers
    assert transition(True, None) is Transition.RECOVER


def test_largest_loss_is_liquidated_first():
    balance = replace(BALANCE, total=D("100"))
    f = account_figures("USDT", balance, ((position("1", entry="100", mark="90"), D("0.01")),
                                          (position("-1", symbol=ETH, entry="100", mark="150"), D("0.01"))))
    assert [liq.position.position.symbol for liq in liquidations(f)] == [ETH, f.positions[0].position.symbol]
