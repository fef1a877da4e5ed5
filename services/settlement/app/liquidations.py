"""The liquidation state machine. One record per risk.liquidation.v1 (unique liquidation_id);
every step reads the record, does its remote work with idempotency keys derived from the record
(Order: liquidation_id; Wallet: "<record_id>:contribute"), and commits its result guarded by the
status it started from. A process killed anywhere resumes from the record: a repeated remote
call returns what the first one did, and a step's commit happens once.

    INITIATED        cancel the user's open orders, wait for their locks, compute the bankruptcy
                     price (working saved on the record), submit the IOC -> ORDER_SUBMITTED
    ORDER_SUBMITTED  wait for the order to be final (engine.event.v1) and every fill's
                     settlement.v1 to be applied by the Wallet; compute the outcome -> FILLED
    FILLED           residual to the insurance fund; an unfilled remainder -> ADL
                     (settlement.adl.triggered.v1) -> ADL_TRIGGERED, else -> COMPLETED
    ADL_TRIGGERED    wait for the ADL legs to be applied by the Wallet -> COMPLETED

A user's records run one after another in the order Risk emitted them (largest loss first), so
each bankruptcy price sees the account as the previous liquidation left it.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from services.platform.decimals import format_decimal
from services.platform.errors import FailedPrecondition, Unavailable
from services.platform.ids import new_id, now_ms
from services.platform.wakeup import Wakeup, run_passes
from services.settlement.adapters import publisher, store
from services.settlement.adapters.clients import Upstreams
from services.settlement.domain.adl import AdlCandidate, plan_adl
from services.settlement.domain.liquidation import (
    ZERO,
    AccountPosition,
    Side,
    Wallet,
    bankruptcy_price,
    equity,
    fill_fee,
    order_price,
    outcome,
)

log = logging.getLogger(__name__)


def _d(text: str | None) -> Decimal:
    """Decimals this service wrote itself (format_decimal) into its own JSON."""
    return Decimal(text) if text else ZERO


def fill_settlement_id(trade_id: str, order_id: str) -> str:
    return f"trade:{trade_id}:{order_id}"


class Liquidations:
    def __init__(self, engine: AsyncEngine, upstreams: Upstreams, *, lock_wait_s: float = 10.0,
                 idle_s: float = 1.0, on_committed: Callable[[], None] = lambda: None) -> None:
        self._engine = engine
        self._up = upstreams
        self._lock_wait_s = lock_wait_s
        self._idle_s = idle_s
        self._wake = Wakeup()
        self._on_committed = on_committed
        self._open = True  # until the first pass has looked
        self._safety_s = 30.0
        self._steps = {
            "INITIATED": self._initiate,
            "ORDER_SUBMITTED": self._await_order,
            "FILLED": self._resolve,
            "ADL_TRIGGERED": self._await_adl,
        }

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        await run_passes("settlement pass", self._one_pass, self._wake, log)

    async def _one_pass(self) -> float:
        if await self.pass_once():
            return 0
        # Waiting on another service (fills, the Wallet): look again on the short timer. Nothing
        # open: only a consumer's commit (a new liquidation) wakes it, with a slow safety timer.
        return self._idle_s if self._open else self._safety_s

    async def pass_once(self) -> bool:
        # One worker at a time across replicas: the steps call other services between their
        # reads and their guarded commits, so two workers on one record could price it twice.
        async with self._engine.connect() as lock_conn:
            if not await store.try_worker_lock(lock_conn):
                return False
            try:
                return await self._pass()
            finally:
                await store.worker_unlock(lock_conn)

    async def _pass(self) -> bool:
        async with self._engine.connect() as conn:
            open_records = await store.next_open_per_user(conn)
        self._open = bool(open_records)
        progressed = False
        for record in open_records:
            try:
                progressed |= await self._steps[record.status](record)
            except (Unavailable, FailedPrecondition) as error:
                permanent = isinstance(error, FailedPrecondition)
                log.warning("settlement step %s: %s", "failed" if permanent else "will retry", error.message,
                            extra={"record_id": record.record_id, "status": record.status})
                async with self._engine.begin() as conn:
                    if permanent:
                        await store.update_record(conn, record.record_id, record.status, status="FAILED",
                                                  failure_reason=error.message[:500], updated_at_unix_ms=now_ms())
                    else:
                        await store.count_attempt(conn, record.record_id, error.message, now_ms())
        return progressed

    # INITIATED ----------------------------------------------------------------------------

    async def _wait_for_locks(self, user_id: str, asset: str) -> Wallet:
        deadline = asyncio.get_running_loop().time() + self._lock_wait_s
        while True:
            wallet = await self._up.balances(user_id, asset)
            if wallet.locked == 0 or asyncio.get_running_loop().time() >= deadline:
                return wallet
            await asyncio.sleep(0.5)

    async def compute_working(self, record: store.Record) -> dict:
        cancelled = await self._up.cancel_user_orders(record.user_id)
        wallet = await self._wait_for_locks(record.user_id, record.asset)
        instrument = await self._up.instrument(record.symbol)
        async with self._engine.connect() as conn:
            marks = await store.all_marks(conn)
        symbols = sorted(set(marks) | {record.symbol})
        held = [p for p in await self._up.user_positions(record.user_id, symbols) if p.asset == record.asset]
        positions = []
        for p in held:
            mark = marks.get(p.symbol)
            if mark is None and p.symbol == record.symbol:
                mark = {"mark_price": _d(record.trigger["mark_price"]), "computed_at_unix_ms": 0}
            price = mark["mark_price"] if mark else p.entry_price  # no mark yet: valued at entry (upnl 0)
            positions.append(AccountPosition(symbol=p.symbol, side=p.side, size=p.size, entry_price=p.entry_price,
                                             mark_price=price,
                                             mark_at_unix_ms=mark["computed_at_unix_ms"] if mark else 0))
        target = next((p for p in positions if p.symbol == record.symbol), None)
        account_equity = equity(wallet, positions)
        working = {
            "wallet_available": format_decimal(wallet.available), "wallet_locked": format_decimal(wallet.locked),
            "wallet_position_margin": format_decimal(wallet.position_margin),
            "positions": [{"symbol": p.symbol, "side": p.side.value, "size": format_decimal(p.size),
                           "entry_price": format_decimal(p.entry_price), "mark_price": format_decimal(p.mark_price),
                           "mark_computed_at_unix_ms": p.mark_at_unix_ms,
                           "unrealized_pnl": format_decimal(p.unrealized_pnl),
                           "liquidated": p.symbol == record.symbol} for p in positions],
            "equity": format_decimal(account_equity), "tick_size": format_decimal(instrument.tick_size),
            "taker_fee_rate": format_decimal(instrument.taker_fee_rate),
            "cancelled_order_ids": cancelled, "computed_at_unix_ms": now_ms(),
        }
        if target is None:
            working.update(side=record.position_side, size="0", mark_price="", bankruptcy_price="", order_price="")
            return working
        bankruptcy = bankruptcy_price(target.side, target.size, target.mark_price, account_equity)
        working.update(side=target.side.value, size=format_decimal(target.size),
                       mark_price=format_decimal(target.mark_price),
                       bankruptcy_price=format_decimal(bankruptcy),
                       order_price=format_decimal(order_price(target.side, bankruptcy, instrument.tick_size)))
        return working

    async def _initiate(self, record: store.Record) -> bool:
        working = record.working
        if working is None:
            working = await self.compute_working(record)
            async with self._engine.begin() as conn:
                await store.save_working(conn, record.record_id, working, now_ms())
                current = await store.get_record(conn, record.record_id)
            if current is None or current.status != "INITIATED" or current.working is None:
                return True
            working = current.working
        if _d(working["size"]) == 0:
            # Nothing left to close (the position went flat before the liquidation ran).
            result = {"filled_quantity": "0", "unfilled_quantity": "0", "fees": "0", "price_improvement": "0",
                      "residual_to_fund": "0", "shortfall": "0", "shortfall_covered": "0",
                      "shortfall_uncovered": "0", "fills": []}
            return await self._complete(record, "INITIATED", result, "NO_SHORTFALL")
        order_id = await self._up.submit_liquidation_order(
            liquidation_id=record.liquidation_id, user_id=record.user_id, symbol=record.symbol,
            side=Side(working["side"]), quantity=_d(working["size"]), price=_d(working["order_price"]))
        async with self._engine.begin() as conn:
            await store.update_record(conn, record.record_id, "INITIATED", status="ORDER_SUBMITTED",
                                      liquidation_order_id=order_id, updated_at_unix_ms=now_ms())
        log.info("liquidation order submitted", extra={"record_id": record.record_id, "order_id": order_id,
                                                        "price": working["order_price"]})
        return True

    # ORDER_SUBMITTED ----------------------------------------------------------------------

    async def _await_order(self, record: store.Record) -> bool:
        working, order_id = record.working, record.liquidation_order_id
        async with self._engine.connect() as conn:
            final = await store.is_final(conn, order_id)
            fills = await store.fills(conn, order_id)
        size = _d(working["size"])
        if not final and sum((f.quantity for f in fills), ZERO) < size:
            return False
        ids = [fill_settlement_id(f.trade_id, order_id) for f in fills]
        outcomes = await self._up.fill_outcomes(ids) if ids else {}
        if any(not (o := outcomes.get(i)) or not o.applied for i in ids):
            return False  # the Position -> Wallet path has not applied every fill yet
        wallet = await self._up.balances(record.user_id, record.asset)
        side, rate = Side(working["side"]), _d(working["taker_fee_rate"])
        result = outcome(side, size, _d(working["bankruptcy_price"]), fills, rate,
                         user_holds=wallet.available + wallet.position_margin,
                         shortfall=sum((outcomes[i].shortfall for i in ids), ZERO),
                         shortfall_covered=sum((outcomes[i].covered for i in ids), ZERO))
        body = {
            "fills": [{"trade_id": f.trade_id, "engine_seq": f.engine_seq, "price": format_decimal(f.price),
                       "quantity": format_decimal(f.quantity), "fee": format_decimal(fill_fee(f, rate))}
                      for f in fills],
            "filled_quantity": format_decimal(result.filled),
            "average_fill_price": format_decimal(result.average_price) if result.average_price is not None else "",
            "fees": format_decimal(result.fees), "price_improvement": format_decimal(result.improvement),
            "residual_to_fund": format_decimal(result.residual), "unfilled_quantity": format_decimal(result.unfilled),
            "shortfall": format_decimal(result.shortfall), "shortfall_covered": format_decimal(result.shortfall_covered),
            "shortfall_uncovered": format_decimal(result.shortfall_uncovered),
            "user_holds_after_fills": format_decimal(wallet.available + wallet.position_margin),
        }
        async with self._engine.begin() as conn:
            await store.update_record(conn, record.record_id, "ORDER_SUBMITTED", status="FILLED", result=body,
                                      updated_at_unix_ms=now_ms())
        return True

    # FILLED -------------------------------------------------------------------------------

    async def _resolve(self, record: store.Record) -> bool:
        result = dict(record.result)
        residual = _d(result["residual_to_fund"])
        if residual > 0:
            await self._up.contribute(transfer_id=f"{record.record_id}:contribute", record_id=record.record_id,
                                      user_id=record.user_id, asset=record.asset, amount=residual)
        unfilled = _d(result["unfilled_quantity"])
        resolution = "ADL" if unfilled > 0 else (
            "INSURANCE_FUND" if _d(result["shortfall_covered"]) > 0 else "NO_SHORTFALL")
        if unfilled > 0:
            return await self._trigger_adl(record, result, unfilled)
        return await self._complete(record, "FILLED", result, resolution)

    async def _trigger_adl(self, record: store.Record, result: dict, unfilled: Decimal) -> bool:
        working = record.working
        side = Side(working["side"])
        opposite = Side.SHORT if side is Side.LONG else Side.LONG
        async with self._engine.connect() as conn:
            marks = await store.all_marks(conn)
        mark = marks.get(record.symbol, {}).get("mark_price") or _d(working["mark_price"])
        candidates = []
        for p in await self._up.positions_of_symbol(record.symbol):
            if p.side is not opposite or p.user_id == record.user_id:
                continue
            candidates.append(AdlCandidate(user_id=p.user_id, side=p.side, size=p.size, entry_price=p.entry_price,
                                           mark_price=mark, margin=p.margin))
        adl_id = f"adl:{record.record_id}"
        targets = plan_adl(candidates, unfilled)
        result.update(adl_id=adl_id, adl_quantity=format_decimal(sum((t.quantity for t in targets), ZERO)),
                      adl_targets=[{"user_id": t.user_id, "quantity": format_decimal(t.quantity), "rank": t.rank,
                                    "score": format_decimal(t.score)} for t in targets],
                      adl_price=working["bankruptcy_price"])
        async with self._engine.begin() as conn:
            if not await store.update_record(conn, record.record_id, "FILLED", status="ADL_TRIGGERED", result=result,
                                             resolution="ADL", updated_at_unix_ms=now_ms()):
                return True
            if targets:
                await publisher.adl_triggered(conn, record, result, targets, now_ms())
        self._on_committed()
        return True

    # ADL_TRIGGERED ------------------------------------------------------------------------

    async def _await_adl(self, record: store.Record) -> bool:
        result = dict(record.result)
        targets = result.get("adl_targets", [])
        ids = [publisher.adl_settlement_id(result["adl_id"], t["rank"], leg) for t in targets
               for leg in ("bankrupt", "target")]
        outcomes = await self._up.fill_outcomes(ids) if ids else {}
        if any(not (o := outcomes.get(i)) or not o.applied for i in ids):
            return False
        result["adl_counterparties"] = len({t["user_id"] for t in targets})
        return await self._complete(record, "ADL_TRIGGERED", result, "ADL")

    # COMPLETED ----------------------------------------------------------------------------

    async def _complete(self, record: store.Record, from_status: str, result: dict, resolution: str) -> bool:
        at = now_ms()
        residual, covered = _d(result["residual_to_fund"]), _d(result["shortfall_covered"])
        result["insurance_fund_delta"] = format_decimal(residual - covered)
        async with self._engine.begin() as conn:
            if not await store.update_record(conn, record.record_id, from_status, status="COMPLETED", result=result,
                                             resolution=resolution, completed_at_unix_ms=at, updated_at_unix_ms=at,
                                             failure_reason=None):
                return True
            if residual > 0:
                await store.add_fund_change(conn, entry_id=f"{record.record_id}:contribute", asset=record.asset,
                                            amount=residual, kind="CONTRIBUTION", liquidation_id=record.liquidation_id,
                                            record_id=record.record_id, at=at)
            if covered > 0:
                await store.add_fund_change(conn, entry_id=f"{record.record_id}:shortfall", asset=record.asset,
                                            amount=-covered, kind="SHORTFALL_COVERED",
                                            liquidation_id=record.liquidation_id, record_id=record.record_id, at=at)
                await publisher.insurance_used(conn, record, covered, at)
            completed = await store.get_record(conn, record.record_id)
            await publisher.completed(conn, completed)
        self._on_committed()
        log.info("liquidation completed", extra={"record_id": record.record_id, "resolution": resolution})
        return True

    # risk.liquidation.v1 ------------------------------------------------------------------

    @staticmethod
    def new_record_values(trigger: dict, at: int) -> dict:
        return {"record_id": new_id(), "liquidation_id": trigger["liquidation_id"], "user_id": trigger["user_id"],
                "symbol": trigger["symbol"], "asset": trigger["asset"], "position_side": trigger["position_side"],
                "status": "INITIATED", "trigger": trigger, "created_at_unix_ms": at, "updated_at_unix_ms": at}
