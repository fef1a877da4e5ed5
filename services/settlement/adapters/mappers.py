"""Records and receipts to protobuf."""
from __future__ import annotations

from tradex.common.v1 import positions_pb2, trading_pb2
from tradex.settlement.v1 import settlement_pb2 as pb

from services.settlement.adapters.store import Record
from services.settlement.domain.liquidation import Side

POSITION_SIDES = {Side.LONG: positions_pb2.POSITION_SIDE_LONG, Side.SHORT: positions_pb2.POSITION_SIDE_SHORT}
CLOSE_SIDES = {Side.LONG: trading_pb2.SIDE_SELL, Side.SHORT: trading_pb2.SIDE_BUY}
STATUSES = {
    "INITIATED": pb.SETTLEMENT_RECORD_STATUS_INITIATED,
    "ORDER_SUBMITTED": pb.SETTLEMENT_RECORD_STATUS_ORDER_SUBMITTED,
    "FILLED": pb.SETTLEMENT_RECORD_STATUS_FILLED,
    "ADL_TRIGGERED": pb.SETTLEMENT_RECORD_STATUS_ADL_TRIGGERED,
    "COMPLETED": pb.SETTLEMENT_RECORD_STATUS_COMPLETED,
    "FAILED": pb.SETTLEMENT_RECORD_STATUS_FAILED,
}
STATUS_NAMES = {v: k for k, v in STATUSES.items()}
RESOLUTIONS = {
    None: pb.SETTLEMENT_RESOLUTION_UNSPECIFIED,
    "NO_SHORTFALL": pb.SETTLEMENT_RESOLUTION_NO_SHORTFALL,
    "INSURANCE_FUND": pb.SETTLEMENT_RESOLUTION_INSURANCE_FUND,
    "ADL": pb.SETTLEMENT_RESOLUTION_ADL,
}


def _side(record: Record) -> Side:
    return Side((record.working or {}).get("side") or record.position_side)


def record_to_pb(record: Record) -> pb.SettlementRecord:
    t, w, r = record.trigger, record.working or {}, record.result or {}
    side = _side(record)
    return pb.SettlementRecord(
        record_id=record.record_id, liquidation_id=record.liquidation_id, user_id=record.user_id,
        symbol=record.symbol, asset=record.asset, position_side=POSITION_SIDES[side], close_side=CLOSE_SIDES[side],
        quantity=w.get("size") or t.get("quantity", ""), entry_price=t.get("entry_price", ""),
        mark_price=t.get("mark_price", ""), position_margin=t.get("position_margin", ""),
        bankruptcy_price=w.get("bankruptcy_price", ""), liquidation_order_id=record.liquidation_order_id or "",
        order_price=w.get("order_price", ""), filled_quantity=r.get("filled_quantity", ""),
        average_fill_price=r.get("average_fill_price", ""), unfilled_quantity=r.get("unfilled_quantity", ""),
        shortfall=r.get("shortfall", ""), surplus=r.get("residual_to_fund", ""),
        insurance_fund_used=r.get("shortfall_covered", ""), adl_id=r.get("adl_id", ""),
        adl_quantity=r.get("adl_quantity", ""), status=STATUSES[record.status],
        resolution=RESOLUTIONS[record.resolution], failure_reason=record.failure_reason or "",
        created_at_unix_ms=record.created_at_unix_ms, updated_at_unix_ms=record.updated_at_unix_ms,
        completed_at_unix_ms=record.completed_at_unix_ms or 0)


def receipt_to_pb(record: Record) -> pb.LiquidationReceipt:
    t, w, r = record.trigger, record.working or {}, record.result or {}
    side = _side(record)
    receipt = pb.LiquidationReceipt(
        liquidation_id=record.liquidation_id, record_id=record.record_id, user_id=record.user_id,
        symbol=record.symbol, asset=record.asset, position_side=POSITION_SIDES[side], close_side=CLOSE_SIDES[side],
        status=STATUSES[record.status], resolution=RESOLUTIONS[record.resolution],
        triggered_at_unix_ms=int(t.get("triggered_at_unix_ms", 0)),
        trigger_engine_seq=int(t.get("engine_seq", 0)), trigger_mark_price=t.get("mark_price", ""),
        trigger_index_price=t.get("index_price", ""),
        trigger_mark_computed_at_unix_ms=int(t.get("mark_computed_at_unix_ms", 0)),
        trigger_mark_event_id=t.get("mark_event_id", ""), trigger_equity=t.get("equity", ""),
        trigger_maintenance_margin=t.get("maintenance_margin", ""), trigger_margin_ratio=t.get("margin_ratio", ""),
        trigger_quantity=t.get("quantity", ""), liquidation_order_id=record.liquidation_order_id or "",
        filled_quantity=r.get("filled_quantity", ""), average_fill_price=r.get("average_fill_price", ""),
        taker_fee_rate=w.get("taker_fee_rate", ""), fees=r.get("fees", ""),
        price_improvement=r.get("price_improvement", ""), residual_to_fund=r.get("residual_to_fund", ""),
        shortfall=r.get("shortfall", ""), shortfall_covered=r.get("shortfall_covered", ""),
        shortfall_uncovered=r.get("shortfall_uncovered", ""), insurance_fund_delta=r.get("insurance_fund_delta", ""),
        unfilled_quantity=r.get("unfilled_quantity", ""), adl_id=r.get("adl_id", ""),
        adl_quantity=r.get("adl_quantity", ""), adl_counterparties=int(r.get("adl_counterparties", 0)),
        completed_at_unix_ms=record.completed_at_unix_ms or 0,
        trigger_index_computed_at_unix_ms=int(t.get("index_computed_at_unix_ms", 0)),
        trigger_index_event_id=t.get("index_event_id", ""),
        trigger_index_components=[pb.ReceiptIndexComponent(
            exchange=c["exchange"], symbol=c["symbol"], price=c["price"], effective_weight=c["effective_weight"],
            fetched_at_unix_ms=int(c["fetched_at_unix_ms"]), excluded=c["excluded"])
            for c in t.get("index_components", [])])
    if w:
        receipt.bankruptcy.CopyFrom(pb.BankruptcyWorking(
            wallet_available=w["wallet_available"], wallet_locked=w["wallet_locked"],
            wallet_position_margin=w["wallet_position_margin"], equity=w["equity"], mark_price=w.get("mark_price", ""),
            size=w["size"], bankruptcy_price=w.get("bankruptcy_price", ""), tick_size=w["tick_size"],
            order_price=w.get("order_price", ""), computed_at_unix_ms=int(w["computed_at_unix_ms"]),
            cancelled_order_ids=w.get("cancelled_order_ids", []),
            positions=[pb.ReceiptPosition(
                symbol=p["symbol"], side=POSITION_SIDES[Side(p["side"])], size=p["size"], entry_price=p["entry_price"],
                mark_price=p["mark_price"], mark_computed_at_unix_ms=int(p["mark_computed_at_unix_ms"]),
                unrealized_pnl=p["unrealized_pnl"], liquidated=p["liquidated"]) for p in w["positions"]]))
    for f in r.get("fills", []):
        receipt.fills.append(pb.ReceiptFill(trade_id=f["trade_id"], engine_seq=int(f["engine_seq"]), price=f["price"],
                                            quantity=f["quantity"], fee=f["fee"]))
    return receipt
