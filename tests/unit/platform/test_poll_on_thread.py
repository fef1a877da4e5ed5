"""poll_on_thread (services/platform/kafka_clients.py): a client polled by a thread of its own,
whose records reach the event loop in order, one batch at a time, and which closes the client in
that same thread when the task is cancelled or the poll fails."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from services.platform.kafka_clients import poll_on_thread


class FakeClient:
    """Answers polls from a script of batches (then empty polls), recording who called what."""

    def __init__(self, name: str, script: list, fail_after: int | None = None) -> None:
        self.name = name
        self.script = list(script)
        self.polls = 0
        self.fail_after = fail_after
        self.threads: set[str] = set()
        self.closed_by: list[str] = []

    def poll(self) -> list:
        self.threads.add(threading.current_thread().name)
        self.polls += 1
        if self.fail_after is not None and self.polls > self.fail_after:
            raise RuntimeError("broker gone")
        if self.script:
            return self.script.pop(0)
        time.sleep(0.01)  # an empty long poll
        return []

    def close(self) -> None:
        self.closed_by.append(threading.current_thread().name)


def test_batches_reach_the_loop_in_order_one_at_a_time_and_cancel_closes_in_the_polling_thread():
    client = FakeClient("test", [[1, 2], [], [3], [4, 5, 6]])
    seen: list[tuple[list, int, str]] = []

    async def scenario() -> None:
        loop_thread = threading.current_thread().name

        def deliver(records: list) -> None:
            # Runs on the loop; the thread has not polled past this batch yet.
            seen.append((records, client.polls, threading.current_thread().name))

        task = asyncio.create_task(poll_on_thread(client, deliver))
        async with asyncio.timeout(5):
            while len(seen) < 3:
                await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert {thread for _, _, thread in seen} == {loop_thread}

    asyncio.run(scenario())
    assert [records for records, _, _ in seen] == [[1, 2], [3], [4, 5, 6]]  # the empty poll delivers nothing
    assert [polls for _, polls, _ in seen] == [1, 3, 4]  # never a poll ahead of the loop
    assert client.threads == {"poll test"} and client.closed_by == ["poll test"]


def test_a_failing_poll_is_raised_by_the_task_after_the_client_closed():
    client = FakeClient("failing", [[1]], fail_after=2)

    async def scenario() -> None:
        with pytest.raises(RuntimeError, match="broker gone"):
            async with asyncio.timeout(5):
                await poll_on_thread(client, lambda records: None)

    asyncio.run(scenario())
    assert client.polls == 3 and client.closed_by == ["poll failing"]


def test_a_failing_delivery_stops_the_polling_and_is_raised_after_the_client_closed():
    client = FakeClient("refusing", [[1], [2], [3]])
    delivered: list[list] = []

    def deliver(records: list) -> None:
        delivered.append(records)
        if records == [2]:
            raise ValueError("cannot apply 2")

    async def scenario() -> None:
        with pytest.raises(ValueError, match="cannot apply 2"):
            async with asyncio.timeout(5):
                await poll_on_thread(client, deliver)

    asyncio.run(scenario())
    assert delivered == [[1], [2]] and client.polls == 2 and client.closed_by == ["poll refusing"]
