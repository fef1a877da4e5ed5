"""A depth-N book stream: a client applying the window deltas always holds exactly the top N levels
of the whole book (levels entering the window with their full aggregate, leaving with 0)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.marketdata.api.servicer import _Window
from services.marketdata.domain.feed import BookDelta
from services.platform.public_book import ASK, BID, Level, PublicBook

changes = st.lists(st.tuples(st.sampled_from((BID, ASK)), st.integers(1, 30), st.integers(0, 5)), min_size=1,
                   max_size=80)


@settings(max_examples=60, deadline=None)
@given(changes, st.integers(1, 8))
def test_window_client_holds_the_top_n(steps, depth):
    full = PublicBook("W")
    window = _Window(depth)
    window.snapshot(full)
    client = PublicBook("W")
    for seq, (side, price, qty) in enumerate(steps, start=1):
        # bids below 100, asks above: a side's prices never cross
        p = Decimal(100 - price) if side == BID else Decimal(100 + price)
        level = Level(p, Decimal(qty), 1 if qty else 0)
        full.set(side, level)
        delta = BookDelta("W", seq, seq, seq - 1, [level] if side == BID else [], [level] if side == ASK else [],
                          0, full.checksum())
        sent = window.delta(delta)
        for lv in sent.bids:
            client.set(BID, lv)
        for lv in sent.asks:
            client.set(ASK, lv)
        assert client.bids() == full.bids(depth) and client.asks() == full.asks(depth)
        assert sent.checksum == full.checksum()
