"""Funding settlement on the running mesh (issue 12), with cycles every few seconds: positions
from real trades through Envoy, the Funding service's leader-elected scheduler freezes the
pricing service's mark/index/rate at the boundary, snapshots Position as of the boundary after
the grace, workers publish position.funding.v1, Position folds it and emits settlement.v1
FUNDING, the Wallet collects it from total equity, and the sealer checks the zero sum on what
the Wallet actually collected. The funding process is restarted with a short interval and
FUNDING_SYMBOLS limited to the test's own instrument (other tests' positions are never charged),
and restored at the end."""
from __future__ import annotations

import os
import random
import signal
import sys
import time
from decimal import Decimal as D

import pytest
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from mesh.paths import PROJECT_ROOT
from mesh.process import free_port
from mesh.stack import grpc_health_serving
from services.funding.domain import model
from tests.e2e.order_support import (
    call,
    funded_user,
    limit_order,
    placed,
    requires_risk,
    resting,
    sql,
    wait_for,
    wait_for_status,
    wallet_balance,
)
from tests.e2e.test_prices import priced_instrument

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("requires_risk", "restore_funding")]
__all__ = ["requires_risk"]

INTERVAL_S = 20
GRACE_S = 4


def fast_env(symbol: str, **extra) -> dict[str, str]:
    return {"FUNDING_INTERVAL_S": str(INTERVAL_S), "FUNDING_SNAPSHOT_GRACE_S": str(GRACE_S),
            "FUNDING_TICK_S": "0.5", "FUNDING_SYMBOLS": symbol,
            "FUNDING_MAX_OPEN_DELAY_S": "15", "FUNDING_SEAL_TIMEOUT_S": "60", **extra}


def restart_funding(exchange, env: dict[str, str] | None = None, *, kill: bool = False,
                    while_down=lambda: None) -> None:
    running = exchange.stack.services["funding"]
    if kill:
        os.kill(running.process.pid, signal.SIGKILL)
        running.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(running.process)
    while_down()
    exchange.stack.start_service("funding", "services.funding", {**exchange.service_env(), **(env or {})},
                                 port=running.port)


@pytest.fixture
def restore_funding(exchange):
    yield
    restart_funding(exchange)


def start_replica(exchange, name: str, env: dict[str, str]):
    """A second process of the same service (identity "funding"), as another pod would be."""
    port = free_port()
    stack = exchange.stack
    full = {**os.environ, **stack.env(), **exchange.service_env(), **stack.pki.issue("funding").env(),
            "PYTHONUNBUFFERED": "1", "FUNDING_GRPC_PORT": str(port), **env}
    ops = stack.pki.issue("ops")
    return stack.supervisor.start(name, [sys.executable, "-m", "services.funding"], env=full, cwd=PROJECT_ROOT,
                                  health=lambda: grpc_health_serving(f"127.0.0.1:{port}", identity=ops),
                                  health_timeout=60)


def kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.popen.wait(timeout=10)


def priced(exchange, admins) -> str:
    symbol = priced_instrument(exchange, admins, "100")["symbol"]
    wait_for(lambda: (r := call(exchange.http_url, "GET", f"/v1/markets/{symbol}/mark")).status == 200
             and r.body["mark_price"].get("funding_rate"), timeout=60)
    return symbol


def next_boundary(margin_s: float = 1.5) -> int:
    """The first boundary at least margin_s from now (ms)."""
    interval = INTERVAL_S * 1000
    at = int((time.time() + margin_s) * 1000)
    return (at // interval + 1) * interval


def sleep_until(ms: int) -> None:
    time.sleep(max(0.0, ms / 1000 - time.time()))


def pair(exchange, symbol: str, long_token: str, short_token: str, quantity: str = "1") -> None:
    """The short rests (maker), the long takes: one trade at 100."""
    maker = resting(exchange, short_token, limit_order(symbol, "SELL", "100.00", quantity, leverage="10"))
    taker = placed(exchange, long_token, limit_order(symbol, "BUY", "100.00", quantity, leverage="10"))
    wait_for_status(exchange, long_token, taker["order_id"], "ORDER_STATUS_FILLED")
    wait_for_status(exchange, short_token, maker["order_id"], "ORDER_STATUS_FILLED")


def cycle(exchange, admins, cycle_id: str) -> dict:
    response = call(exchange.http_url, "GET", f"/internal/funding/cycles/{cycle_id}",
                    token=admins["checker"]["token"])
    assert response.status == 200, response.body
    return response.body["cycle"]


def sealed(exchange, admins, cycle_id: str, timeout: float = 90) -> dict:
    def done():
        rows = sql(exchange, "select status from funding.funding_cycles where cycle_id = %s", cycle_id)
        return rows and rows[0][0] in ("SEALED", "NEEDS_REVIEW")
    wait_for(done, timeout=timeout, interval=0.25)
    return cycle(exchange, admins, cycle_id)


def total(exchange, user_id: str) -> D:
    return sum(wallet_balance(exchange, user_id), D(0))


def charged(exchange, user_id: str, symbol: str) -> D:
    """Everything the user's positions in `symbol` paid (-) or received (+) in funding so far."""
    [(amount,)] = sql(exchange, "select coalesce(sum(amount), 0) from funding.funding_settlements where "
                                "user_id = %s and symbol = %s and status = 'PUBLISHED'", user_id, symbol)
    return D(amount)


def settled_positions(exchange, token: str, symbol: str) -> dict:
    response = call(exchange.http_url, "GET", "/v1/positions", token=token)
    assert response.status == 200, response.body
    return {p["symbol"]: p for p in response.body.get("positions", [])}.get(symbol, {})


def test_a_cycle_settles_real_positions_from_total_equity_and_the_statement_verifies(exchange, admins):
    symbol = priced(exchange, admins)
    restart_funding(exchange, fast_env(symbol))
    # L1 puts everything into position margin (taker: margin 10 + fee 0.04 = its whole deposit).
    l1, l1_token = funded_user(exchange, "10.04")
    s1, s1_token = funded_user(exchange, "1000")
    l2, l2_token = funded_user(exchange, "1000")
    s2, s2_token = funded_user(exchange, "1000")
    s3, s3_token = funded_user(exchange, "1000")
    pair(exchange, symbol, l1_token, s1_token)
    pair(exchange, symbol, l2_token, s2_token)
    wait_for(lambda: wallet_balance(exchange, l1) == (0, 0, 10), timeout=60)
    # S3 rests a sell before the boundary; L2 takes it during the grace period (after it).
    s3_order = resting(exchange, s3_token, limit_order(symbol, "SELL", "100.00", "1", leverage="10"))
    boundary = next_boundary()
    cycle_id = model.cycle_id(symbol, boundary)
    wait_for(lambda: all(settled_positions(exchange, t, symbol) for t in (l1_token, s1_token, l2_token, s2_token)))
    # Deposits less the opening fees (taker 0.0004, maker 0.0001 of 100); S3 only rests an order.
    before = {l1: D("10"), s1: D("999.99"), l2: D("999.96"), s2: D("999.99"), s3: D("1000")}
    sleep_until(boundary + 300)
    late = placed(exchange, l2_token, limit_order(symbol, "BUY", "100.00", "1", leverage="10"))
    wait_for_status(exchange, l2_token, late["order_id"], "ORDER_STATUS_FILLED")
    wait_for_status(exchange, s3_token, s3_order["order_id"], "ORDER_STATUS_FILLED")
    assert time.time() * 1000 < boundary + GRACE_S * 1000, "the late trade must land within the grace"
    # The late trade's fees (taker 0.0004, maker 0.0001 of 100): all it moves besides funding.
    after_trade = {l2: before[l2] - D("0.04"), s3: before[s3] - D("0.01")}

    c = sealed(exchange, admins, cycle_id)
    assert c["status"] == "FUNDING_CYCLE_STATUS_SEALED", c
    rate, mark = D(c["rate"]), D(c["mark_price"])
    assert rate > 0 and mark > 0 and D(c["index_price"]) > 0
    rows = sql(exchange, "select user_id, side, size, amount, status from funding.funding_settlements "
                         "where cycle_id = %s", cycle_id)
    lines = {r[0]: r for r in rows}
    # At the boundary: L1, L2 long 1; S1, S2 short 1. S3 opened after it: not charged; L2 on size 1.
    assert set(lines) == {l1, s1, l2, s2}
    assert {u: (lines[u][1], lines[u][2]) for u in lines} == {
        l1: ("LONG", 1), l2: ("LONG", 1), s1: ("SHORT", 1), s2: ("SHORT", 1)}
    assert all(r[4] == "PUBLISHED" for r in rows)
    q = D("0.00000001")
    expected = model.payment(model.Side.LONG, D(1), mark, rate, q)
    assert lines[l1][3] == lines[l2][3] == expected < 0
    assert lines[s1][3] == lines[s2][3] == model.payment(model.Side.SHORT, D(1), mark, rate, q) > 0
    # Zero sum on what the Wallet collected; residual (rounding) never negative.
    assert D(c["total_paid"]) - D(c["total_received"]) <= D("0.0001")
    assert D(c["residual"]) >= 0 and D(c["total_collected"]) == D(c["total_paid"])
    assert D(c["shortfall"]) == 0
    # The rounding residual went to the insurance fund (CLEARING -> INSURANCE_FUND), once.
    residual = D(c["residual"])
    swept = sql(exchange, "select amount from wallet.operations where idempotency_key = %s",
                f"insurance:funding-residual:{cycle_id}")
    assert swept == ([(residual,)] if residual > 0 else [])

    # Balances moved by exactly the statements' amounts; L1 paid out of position margin. Cycles
    # come every INTERVAL_S: on a slow machine later ones may settle before these checks, so each
    # user's balance is compared with all it was charged for this symbol, this cycle included.
    for user in (l1, s1, s2):
        try:
            wait_for(lambda u=user: total(exchange, u) == before[u] + charged(exchange, u, symbol))
        except AssertionError:
            raise AssertionError((user, total(exchange, user), before[user], charged(exchange, user, symbol),
                                  wallet_balance(exchange, user))) from None
    wait_for(lambda: total(exchange, l2) == after_trade[l2] + charged(exchange, l2, symbol))
    wait_for(lambda: total(exchange, s3) == after_trade[s3] + charged(exchange, s3, symbol))
    wait_for(lambda: wallet_balance(exchange, l1) == (0, 0, 10 + charged(exchange, l1, symbol)))
    wait_for(lambda: D(settled_positions(exchange, l1_token, symbol)["funding"]) == charged(exchange, l1, symbol))
    wait_for(lambda: D(settled_positions(exchange, s1_token, symbol)["funding"]) == charged(exchange, s1, symbol))

    # The public statement and the user's own line, verified as a user would.
    statement = call(exchange.http_url, "GET", f"/v1/funding/statements/{cycle_id}")
    assert statement.status == 200, statement.body
    body = statement.body["statement"]
    assert int(body["positions"]) == 4 and len(body["line_hashes"]) == 4
    mine = call(exchange.http_url, "GET", f"/v1/funding/statements/{cycle_id}/mine", token=l1_token)
    assert mine.status == 200, mine.body
    [line] = mine.body["lines"]
    assert D(line["amount"]) == lines[l1][3] and mine.body["statement_hash"] == body["statement_hash"]
    assert model.verify_line(line["canonical"], line["line_hash"], int(line.get("index", 0)), body["line_hashes"],
                             body["statement_hash"])
    assert call(exchange.http_url, "GET", f"/v1/funding/statements/{cycle_id}/mine",
                token=s3_token).body.get("lines", []) == []

    # Public rate and history; the caller's payments.
    rate_now = call(exchange.http_url, "GET", f"/v1/funding/{symbol}")
    assert rate_now.status == 200 and int(rate_now.body["funding_rate"]["interval_ms"]) == INTERVAL_S * 1000
    history = call(exchange.http_url, "GET", f"/v1/funding/{symbol}/history").body["records"]
    assert boundary in [int(r["cycle_ts_unix_ms"]) for r in history]
    payments = call(exchange.http_url, "GET", f"/v1/funding/payments?symbol={symbol}", token=l2_token).body
    [paid] = [p for p in payments["payments"] if int(p["cycle_ts_unix_ms"]) == boundary]
    assert (D(paid["amount"]), paid["size"]) == (lines[l2][3], "1")
    # Exactly once downstream: one FUNDING ledger entry and one wallet posting per position.
    assert sql(exchange, "select count(*) from position.position_ledger where kind = 'FUNDING' and entry_id like %s",
               f"funding:{boundary}:%") == [(4,)]
    assert sql(exchange, "select count(*) from wallet.operations where idempotency_key like %s",
               f"settlement:funding:{boundary}:%") == [(4,)]


def test_a_bankrupt_payers_shortfall_is_covered_by_the_insurance_fund_and_the_cycle_seals(exchange, admins):
    """B is long 1 at the boundary with everything in position margin, then (during the grace)
    closes at the bottom of the price band: the realized loss takes its whole balance. The
    funding it owes for the boundary position is collected as far as its equity goes (nothing)
    and the insurance fund covers the rest; the cycle seals and reports the shortfall."""
    symbol = priced(exchange, admins)
    restart_funding(exchange, fast_env(symbol))
    bankrupt, b_token = funded_user(exchange, "10.04")
    short, s_token = funded_user(exchange, "1000")
    buyer, buyer_token = funded_user(exchange, "1000")
    donor, _ = funded_user(exchange, "1000")
    with exchange.stack.channel("wallet") as channel:
        wallet_pb2_grpc.WalletInternalServiceStub(channel).ContributeInsuranceFund(
            wallet_pb2.ContributeInsuranceFundRequest(transfer_id=f"funding-test:{donor}", settlement_id="test",
                                                      user_id=donor, asset="USDT", amount="50"))
    pair(exchange, symbol, b_token, s_token)
    try:
        wait_for(lambda: wallet_balance(exchange, bankrupt) == (0, 0, 10), timeout=60)
    except AssertionError:
        raise AssertionError((wallet_balance(exchange, bankrupt), sql(
            exchange, "select o.idempotency_key, o.amount from wallet.operations o where o.idempotency_key like %s",
            "%" + bankrupt + "%"))) from None
    wait_for(lambda: settled_positions(exchange, b_token, symbol))
    boundary = next_boundary()
    cycle_id = model.cycle_id(symbol, boundary)
    sleep_until(boundary + 300)
    close = resting(exchange, b_token, limit_order(symbol, "SELL", "90.01", "1", leverage="10", reduce_only=True))
    taker = placed(exchange, buyer_token, limit_order(symbol, "BUY", "90.01", "1", leverage="10"))
    wait_for_status(exchange, buyer_token, taker["order_id"], "ORDER_STATUS_FILLED")
    wait_for_status(exchange, b_token, close["order_id"], "ORDER_STATUS_FILLED")
    assert time.time() * 1000 < boundary + GRACE_S * 1000, "the close must land within the grace"

    c = sealed(exchange, admins, cycle_id)
    assert c["status"] == "FUNDING_CYCLE_STATUS_SEALED", c
    [(owed,)] = sql(exchange, "select amount from funding.funding_settlements where cycle_id = %s and user_id = %s",
                    cycle_id, bankrupt)
    assert owed < 0
    [(posted,)] = sql(exchange, "select amount from wallet.operations where idempotency_key = %s",
                      f"settlement:{model.funding_id(boundary, bankrupt, symbol)}")
    [(covered, uncovered)] = sql(exchange, "select covered_by_insurance, uncovered from wallet.settlement_shortfalls "
                                           "where settlement_id = %s", model.funding_id(boundary, bankrupt, symbol))
    assert posted > owed and uncovered == 0 and covered == posted - owed > 0
    assert D(c["shortfall"]) == D(c["shortfall_covered"]) == covered
    assert D(c["total_collected"]) + D(c["shortfall_covered"]) - D(c["total_credited"]) == D(c["residual"]) >= 0
    assert sum(wallet_balance(exchange, bankrupt), D(0)) == 0
    # The buyer opened after the boundary: not charged.
    assert sql(exchange, "select count(*) from funding.funding_settlements where cycle_id = %s and user_id = %s",
               cycle_id, buyer) == [(0,)]


def test_stale_prices_never_open_a_cycle(exchange, admins):
    """Prices older than FUNDING_MAX_PRICE_AGE_S (here 1 ms, so every answer is too old): the
    boundary passes, no cycle is opened, and the service raises an alarm instead."""
    symbol = priced(exchange, admins)
    restart_funding(exchange, fast_env(symbol, FUNDING_MAX_PRICE_AGE_S="0.001"))
    boundary = next_boundary()
    sleep_until(boundary + GRACE_S * 1000 + 1000)
    assert sql(exchange, "select count(*) from funding.funding_cycles where symbol = %s", symbol) == [(0,)]
    log_text = exchange.stack.services["funding"].process.log_path.read_text(errors="replace")
    assert "ALARM funding" in log_text and "cycle not opened" in log_text


def test_a_dead_lettered_settlement_sends_the_cycle_to_review_and_an_admin_seals_it(exchange, admins):
    """A row no worker can publish (its funding id does not match its user and symbol) is retried
    with exponential backoff, then DEAD_LETTER; nothing of it reaches the outbox; the sealer puts
    the cycle under review; an admin:checker seals it with a reason, audited."""
    symbol = "DLQ" + str(int(time.time() * 1000)) + "-USDT-PERP"
    cycle_id = model.cycle_id(symbol, 1000)
    bogus = "funding:1000:ghost:ANOTHER-SYMBOL"

    def plant_the_bad_row() -> None:
        # While the service is down, so that the scheduler it starts with finds the settling cycle
        # (an idle scheduler sleeps until the next boundary and would not see rows written behind its back).
        sql(exchange, "insert into funding.funding_cycles (cycle_id, symbol, cycle_ts_unix_ms, asset, rate, "
                      "mark_price, index_price, prices_at_unix_ms, status, created_at_unix_ms, "
                      "snapshotted_at_unix_ms, updated_at_unix_ms) values (%s, %s, 1000, 'USDT', 0.0001, 100, 100, "
                      "1000, 'SETTLING', 1, (extract(epoch from now()) * 1000)::bigint, 1) returning cycle_id",
            cycle_id, symbol)
        sql(exchange, "insert into funding.funding_settlements (funding_id, cycle_id, cycle_ts_unix_ms, user_id, "
                      "symbol, asset, side, size, rate, mark_price, amount, status, created_at_unix_ms) values "
                      "(%s, %s, 1000, 'ghost', %s, 'USDT', 'LONG', 1, 0.0001, 100, -0.01, 'PENDING', 1) "
                      "returning funding_id", bogus, cycle_id, symbol)

    restart_funding(exchange, fast_env("NONE", FUNDING_MAX_ATTEMPTS="3", FUNDING_BACKOFF_BASE_S="0.2"),
                    while_down=plant_the_bad_row)
    wait_for(lambda: sql(exchange, "select status from funding.funding_cycles where cycle_id = %s",
                         cycle_id) == [("NEEDS_REVIEW",)], timeout=30)
    [(status, attempts, error)] = sql(exchange, "select status, attempts, last_error from "
                                                "funding.funding_settlements where funding_id = %s", bogus)
    assert (status, attempts) == ("DEAD_LETTER", 3) and "funding_id does not match" in error
    assert sql(exchange, "select count(*) from funding.outbox where event_id like %s", f"{bogus}%") == [(0,)]
    review = cycle(exchange, admins, cycle_id)
    assert "DEAD_LETTER" in review["review_reason"] and review["settlements_dead_letter"] == 1
    dlq = call(exchange.http_url, "GET", f"/internal/funding/cycles/{cycle_id}/settlements"
                                         "?status=FUNDING_SETTLEMENT_STATUS_DEAD_LETTER",
               token=admins["checker"]["token"])
    assert [x["funding_id"] for x in dlq.body["settlements"]] == [bogus]
    path = f"/internal/funding/cycles/{cycle_id}/seal"
    _, trader = funded_user(exchange, "1")
    assert call(exchange.http_url, "POST", path, {"reason": "x"}, token=trader).status == 403
    assert call(exchange.http_url, "POST", path, {"reason": ""}, token=admins["checker"]["token"]).status == 400
    listed = call(exchange.http_url, "GET", "/internal/funding/cycles?status=FUNDING_CYCLE_STATUS_NEEDS_REVIEW",
                  token=admins["checker"]["token"])
    assert listed.status == 200 and cycle_id in [c["cycle_id"] for c in listed.body["cycles"]]
    sealed_now = call(exchange.http_url, "POST", path, {"reason": "DLQ row repaired by hand, ticket 42"},
                      token=admins["checker"]["token"])
    assert sealed_now.status == 200, sealed_now.body
    c = sealed_now.body["cycle"]
    assert (c["status"], c["manually_sealed"], c["seal_reason"]) == (
        "FUNDING_CYCLE_STATUS_SEALED", True, "DLQ row repaired by hand, ticket 42")
    assert c["sealed_by"]
    [(actor, reason, previous)] = sql(exchange, "select actor, reason, previous_status from funding.funding_audit "
                                                "where cycle_id = %s", cycle_id)
    assert (actor, reason, previous) == (c["sealed_by"], "DLQ row repaired by hand, ticket 42", "NEEDS_REVIEW")
    again = call(exchange.http_url, "POST", path, {"reason": "again"}, token=admins["checker"]["token"])
    assert again.status == 200 and again.body["cycle"]["seal_reason"] == "DLQ row repaired by hand, ticket 42"
    assert sql(exchange, "select count(*) from funding.funding_audit where cycle_id = %s", cycle_id) == [(1,)]


def test_two_schedulers_racing_on_the_same_boundaries_open_one_cycle_each_and_one_leads(exchange):
    """Two scheduler instances against the real database, both handed fresh prices and the same
    20 boundaries at once: every boundary gets exactly one cycle; and of two sessions asking for
    the leader lock, one gets it until its session ends."""
    import asyncio

    from services.funding.adapters import store
    from services.funding.adapters.clients import Instrument
    from services.funding.app.settlement import FundingSettlement
    from services.funding.config import FundingSettings
    from services.platform.db import make_engine

    settings = FundingSettings()
    symbol = f"RACE{int(time.time() * 1000)}-USDT-PERP"
    base = 1_000 * settings.interval_ms

    class Fresh:
        now = 0

        async def prices(self, _symbol):
            return model.FrozenPrices(D("0.0001"), D("100"), D("100"), computed_at_ms=Fresh.now, stale=False)

    async def race() -> list[tuple[bool, bool]]:
        engine = make_engine(exchange.stack.database_url, pool_size=4)
        try:
            clock = lambda: Fresh.now  # noqa: E731
            a, b = (FundingSettlement(engine, Fresh(), settings, clock=clock) for _ in range(2))
            results = []
            for i in range(20):
                Fresh.now = base + i * settings.interval_ms + 10
                results.append(tuple(await asyncio.gather(a.open_due(Instrument(symbol, "USDT"), Fresh.now),
                                                          b.open_due(Instrument(symbol, "USDT"), Fresh.now))))
            async with engine.connect() as first, engine.connect() as second:
                # The mesh's funding process leads: neither new session gets the lock.
                results.append((await store.try_lead(first), await store.try_lead(second)))
                running = exchange.stack.services["funding"]
                os.kill(running.process.pid, signal.SIGKILL)  # the leader dies; its session ends
                await asyncio.to_thread(running.process.popen.wait, 10)
                for _ in range(100):
                    if await store.try_lead(first):
                        break
                    await asyncio.sleep(0.1)
                results.append((True, await store.try_lead(second)))
                await first.invalidate()  # its session ends (close() would pool it, lock held)
                for _ in range(100):  # the server ends the closed session asynchronously
                    if got := await store.try_lead(second):
                        break
                    await asyncio.sleep(0.1)
                results.append((got,))
            return results
        finally:
            await engine.dispose()

    results = asyncio.run(race())
    assert all(sorted(r) == [False, True] for r in results[:20]), results
    assert results[20:] == [(False, False), (True, False), (True,)]
    assert sql(exchange, "select count(*), count(distinct cycle_ts_unix_ms) from funding.funding_cycles "
                         "where symbol = %s", symbol) == [(20, 20)]


def pending(exchange, cycle_id: str) -> int:
    return sql(exchange, "select count(*) from funding.funding_settlements where cycle_id = %s and "
                         "status = 'PENDING'", cycle_id)[0][0]


def status(exchange, cycle_id: str) -> str:
    rows = sql(exchange, "select status from funding.funding_cycles where cycle_id = %s", cycle_id)
    return rows[0][0] if rows else ""


def test_sigkilled_schedulers_and_workers_still_charge_each_position_once_and_seal(exchange, admins):
    """Two replicas race for every boundary (one cycle each). In each of two cycles the seeded RNG
    picks the phase (cycle opened and waiting for its snapshot, or settlements half published) and
    the order and spacing of SIGKILLs of both processes, each restarted after; every position is
    still charged exactly once and the cycle seals with a zero sum."""
    rng = random.Random(1212)
    symbol = priced(exchange, admins)
    # One worker per replica taking one row at a time with a pause, so a kill lands mid-queue.
    env = fast_env(symbol, FUNDING_WORKERS="1", FUNDING_WORKER_BATCH="1", FUNDING_WORKER_PAUSE_S="0.4")
    restart_funding(exchange, env)
    replica = start_replica(exchange, "funding-replica", env)
    try:
        users = [funded_user(exchange, "1000") for _ in range(12)]
        for (_, long_token), (_, short_token) in zip(users[0::2], users[1::2], strict=True):
            pair(exchange, symbol, long_token, short_token)
        boundaries, phases = [], []
        for _ in range(2):
            boundary = next_boundary()
            cycle_id = model.cycle_id(symbol, boundary)
            boundaries.append(boundary)
            phase = rng.choice(["scheduled", "settling"])
            phases.append(phase)
            sleep_until(boundary)
            if phase == "scheduled":
                wait_for(lambda c=cycle_id: status(exchange, c) == "SCHEDULED", interval=0.05)
            else:
                wait_for(lambda c=cycle_id: 0 < pending(exchange, c) < 12, interval=0.02)
            time.sleep(rng.uniform(0, 0.3))
            main_first = rng.random() < 0.5
            victims = ["main", "replica"] if main_first else ["replica", "main"]
            for victim in victims:
                if victim == "main":
                    restart_funding(exchange, env, kill=True)
                else:
                    kill(replica)
                    exchange.stack.supervisor.stop(replica)
                    replica = start_replica(exchange, "funding-replica", env)
                time.sleep(rng.uniform(0, 0.5))
        for boundary in boundaries:
            cycle_id = model.cycle_id(symbol, boundary)
            c = sealed(exchange, admins, cycle_id)
            assert c["status"] == "FUNDING_CYCLE_STATUS_SEALED", (phases, c)
            assert sql(exchange, "select count(*) from funding.funding_cycles where symbol = %s and "
                                 "cycle_ts_unix_ms = %s", symbol, boundary) == [(1,)]
            assert sql(exchange, "select count(*), count(distinct user_id) from funding.funding_settlements "
                                 "where cycle_id = %s and status = 'PUBLISHED'", cycle_id) == [(12, 12)]
            assert sql(exchange, "select count(*) from position.position_ledger where kind = 'FUNDING' and "
                                 "entry_id like %s", f"funding:{boundary}:%:{symbol}") == [(12,)]
            assert sql(exchange, "select count(*) from wallet.operations where idempotency_key like %s",
                       f"settlement:funding:{boundary}:%:{symbol}") == [(12,)]
            assert abs(D(c["total_paid"]) - D(c["total_received"])) <= D("0.0001")
            assert D(c["residual"]) >= 0
    finally:
        exchange.stack.supervisor.stop(replica)
