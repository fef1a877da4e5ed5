"""Domain results -> marketdata.v1 messages (decimal strings, "" for unknown)."""
from __future__ import annotations

from decimal import Decimal

from tradex.marketdata.v1 import marketdata_pb2 as md

from services.platform.decimals import format_decimal
from services.pricing.domain.index import Exclusion, IndexResult
from services.pricing.domain.mark import MarkResult

EXCLUSION_TO_PB = {
    Exclusion.NONE: md.INDEX_EXCLUSION_REASON_UNSPECIFIED,
    Exclusion.NO_QUOTE: md.INDEX_EXCLUSION_REASON_NO_QUOTE,
    Exclusion.STALE: md.INDEX_EXCLUSION_REASON_STALE,
    Exclusion.OUTLIER: md.INDEX_EXCLUSION_REASON_OUTLIER,
}


def _s(value: Decimal | None) -> str:
    return format_decimal(value) if value is not None else ""


def index_to_pb(result: IndexResult) -> md.IndexPrice:
    return md.IndexPrice(
        symbol=result.symbol, price=_s(result.price),
        # A degraded index carries the last good value: consumers must not trust it for new risk.
        stale=result.degraded, degraded=result.degraded, computed_at_unix_ms=result.computed_at_unix_ms,
        legs=[md.IndexLeg(pair=leg.pair, price=_s(leg.price), degraded=leg.degraded) for leg in result.legs],
        components=[md.IndexComponent(
            exchange=c.exchange, symbol=c.symbol, price=_s(c.price), weight=_s(c.weight),
            effective_weight=_s(c.effective_weight), stale=c.exclusion is not Exclusion.NONE,
            fetched_at_unix_ms=c.at_unix_ms, exclusion_reason=EXCLUSION_TO_PB[c.exclusion], leg=c.leg)
            for c in result.components])


def mark_to_pb(result: MarkResult) -> md.MarkPrice:
    return md.MarkPrice(
        symbol=result.symbol, mark_price=_s(result.mark), index_price=_s(result.index),
        basis=_s(result.mark - result.index), stale=result.index_stale,
        computed_at_unix_ms=result.computed_at_unix_ms, funding_basis_price=_s(result.funding_basis),
        moving_average_basis_price=_s(result.moving_average_basis), last_trade_price=_s(result.last_trade),
        funding_rate=_s(result.funding_rate), next_funding_unix_ms=result.next_funding_unix_ms)


def funding_to_pb(result: MarkResult, *, interest_rate: Decimal, impact_notional: Decimal,
                  interval_ms: int) -> md.FundingRateEstimate:
    return md.FundingRateEstimate(
        symbol=result.symbol, funding_rate=_s(result.funding_rate), premium_index=_s(result.average_premium),
        interest_rate=_s(interest_rate), mark_price=_s(result.mark), index_price=_s(result.index),
        next_funding_unix_ms=result.next_funding_unix_ms, computed_at_unix_ms=result.computed_at_unix_ms,
        impact_bid_price=_s(result.impact_bid), impact_ask_price=_s(result.impact_ask),
        impact_notional=_s(impact_notional), premium_samples=result.premium_samples,
        funding_interval_ms=interval_ms)
