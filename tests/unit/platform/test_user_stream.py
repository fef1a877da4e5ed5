"""The per-user fan-out behind StreamPositionUpdates / StreamBalanceUpdates: a subscriber gets its
own user's items only, in order, and one that falls a whole queue behind is cut off with
RESOURCE_EXHAUSTED without delaying the others."""
from __future__ import annotations

import asyncio

import pytest

from services.platform.errors import ResourceExhausted
from services.platform.user_stream import UserStreamHub


async def _take(stream, n: int) -> list:
    return [await asyncio.wait_for(anext(stream), 1) for _ in range(n)]


async def test_each_user_gets_only_their_own_items_in_order():
    hub = UserStreamHub()
    alice, bob = hub.subscribe("alice"), hub.subscribe("bob")
    first_alice, first_bob = asyncio.ensure_future(anext(alice)), asyncio.ensure_future(anext(bob))
    await asyncio.sleep(0)  # both subscribed
    assert hub.subscribers("alice") == 1 and hub.subscribers("bob") == 1
    for i in range(3):
        hub.publish("alice", ("t", f"a{i}"))
    hub.publish("bob", ("t", "b0"))
    hub.publish("carol", ("t", "nobody listens"))
    assert [await first_alice, *await _take(alice, 2)] == [("t", "a0"), ("t", "a1"), ("t", "a2")]
    assert await first_bob == ("t", "b0")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(anext(bob), 0.1)  # nothing of alice's reached bob
    await alice.aclose()
    assert hub.subscribers("alice") == 0


async def test_a_subscriber_a_whole_queue_behind_is_cut_off_and_others_go_on():
    hub = UserStreamHub(queue_size=3)
    slow, fast = hub.subscribe("u"), hub.subscribe("u")
    got_fast = asyncio.ensure_future(anext(fast))
    first_slow = asyncio.ensure_future(anext(slow))
    await asyncio.sleep(0)
    hub.publish("u", 0)
    assert await first_slow == 0 and await got_fast == 0
    for i in range(1, 5):  # slow never reads: 4 items into a queue of 3
        hub.publish("u", i)
        if i < 4:
            assert await asyncio.wait_for(anext(fast), 1) == i
    with pytest.raises(ResourceExhausted):
        await anext(slow)
    assert await asyncio.wait_for(anext(fast), 1) == 4
    assert hub.subscribers("u") == 1
