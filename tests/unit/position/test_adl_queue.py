"""The ADL queue shown on GET /v1/positions (services/position/domain/adl.py): the same ranking
the Settlement service uses to pick the positions it deleverages."""
from __future__ import annotations

from decimal import Decimal as D

from services.position.domain.adl import adl_score, queue_position
from services.position.domain.model import PositionState


def short(user: str, size: str, entry: str, margin: str) -> PositionState:
    return PositionState(user, "X-PERP", "USDT", size=-D(size), cost=-D(size) * D(entry), margin=D(margin))


def test_shorts_ranked_by_pnl_ratio_times_effective_leverage():
    # Mark 95. top: +5% x 95 / 10 = 0.475; low: +5% x 95 / 50 = 0.095; loser: -5% x 9.5 < 0.
    top, low, loser = short("a", "1", "100", "10"), short("b", "1", "100", "50"), short("c", "1", "90", "9")
    peers = [loser, low, top, PositionState("d", "X-PERP", "USDT", size=D(1), cost=D(100), margin=D(10))]
    assert adl_score(top, D(95)) == D("0.475") and adl_score(low, D(95)) == D("0.095")
    assert adl_score(loser, D(95)) < 0
    assert [queue_position(p, peers, D(95)) for p in (top, low, loser)] == [1, 2, 3]
    # The long is alone on its side.
    assert queue_position(peers[3], peers, D(95)) == 1


def test_ties_go_to_the_smaller_user_id():
    a, b = short("a", "1", "100", "10"), short("b", "1", "100", "10")
    assert [queue_position(p, [b, a], D(95)) for p in (a, b)] == [1, 2]
