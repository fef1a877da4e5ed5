"""Pricing publishes an index or mark only when it changed in digits anyone reads, or on the
heartbeat (services/pricing/app/worker.py)."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from services.pricing.app.worker import PricingWorker

D = Decimal


def worker(heartbeat_ms: int = 10_000) -> PricingWorker:
    settings = SimpleNamespace(heartbeat_ms=heartbeat_ms, index_policy=None)
    w = PricingWorker.__new__(PricingWorker)
    w.settings = settings
    w._published = {}
    return w


def test_first_value_is_news_then_only_a_real_change_or_the_heartbeat():
    w = worker()
    what = (D("100.5"), False, D("0.0001"))
    assert w._is_news("mark", "BTC-USDT-PERP", what, now=0)
    w._published_now("mark", "BTC-USDT-PERP", what, 0)
    # drift in the 15th significant digit: not news
    assert not w._is_news("mark", "BTC-USDT-PERP", (D("100.50000000000001"), False, D("0.0001")), now=1_000)
    # nor a move of a hundred-millionth of the price (the funding basis drifts that much per sample)
    assert not w._is_news("mark", "BTC-USDT-PERP", (D("100.500001"), False, D("0.0001")), now=1_000)
    # a change of a millionth of the price is news
    assert w._is_news("mark", "BTC-USDT-PERP", (D("100.5001"), False, D("0.0001")), now=1_000)
    # a flag flip is news
    assert w._is_news("mark", "BTC-USDT-PERP", (D("100.5"), True, D("0.0001")), now=1_000)
    # a funding rate that moved by more than the absolute tolerance is news
    assert w._is_news("mark", "BTC-USDT-PERP", (D("100.5"), False, D("0.00010001")), now=1_000)
    # the same value becomes news again on the heartbeat
    assert not w._is_news("mark", "BTC-USDT-PERP", what, now=9_999)
    assert w._is_news("mark", "BTC-USDT-PERP", what, now=10_000)


def test_symbols_and_kinds_are_tracked_apart():
    w = worker()
    w._published_now("index", "A", (D(1),), 0)
    assert w._is_news("mark", "A", (D(1),), now=1)
    assert w._is_news("index", "B", (D(1),), now=1)
    assert not w._is_news("index", "A", (D(1),), now=1)


def test_heartbeats_of_all_symbols_fall_due_together_at_the_next_window():
    """Published at different moments, unchanged prices of every symbol become news in the same
    tick (the next heartbeat window), so one transaction carries them all."""
    w = worker(heartbeat_ms=10_000)
    w._published_now("index", "A", (D(1),), 1_000)
    w._published_now("index", "B", (D(2),), 7_500)
    w._published_now("index", "C", (D(3),), 9_990)
    due = lambda now: [s for s, v in (("A", 1), ("B", 2), ("C", 3)) if w._is_news("index", s, (D(v),), now=now)]  # noqa: E731
    assert due(9_999) == []
    assert due(10_000) == ["A", "B", "C"]
    for symbol, value in (("A", 1), ("B", 2), ("C", 3)):
        w._published_now("index", symbol, (D(value),), 10_000)
    # never more than one window (plus the tick that notices it) between two publications
    assert due(19_999) == [] and due(20_000) == ["A", "B", "C"]
