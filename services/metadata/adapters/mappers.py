"""Protobuf <-> domain for the Metadata API and its events."""
from __future__ import annotations

from tradex.metadata.v1 import metadata_pb2 as pb

from services.metadata.domain.instrument import IndexSource, Instrument, InstrumentSpec, InstrumentStatus
from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument

STATUS_TO_PB = {
    InstrumentStatus.PENDING: pb.INSTRUMENT_STATUS_PENDING,
    InstrumentStatus.ACTIVE: pb.INSTRUMENT_STATUS_ACTIVE,
    InstrumentStatus.REJECTED: pb.INSTRUMENT_STATUS_REJECTED,
}
STATUS_FROM_PB = {value: key for key, value in STATUS_TO_PB.items()}

_DECIMAL_RULES = {
    "tick_size": dict(positive=True),
    "lot_size": dict(positive=True),
    "min_notional": dict(non_negative=True),
    "max_leverage": dict(positive=True),
    "maintenance_margin_rate": dict(positive=True),
    "maker_fee_rate": dict(),
    "taker_fee_rate": dict(non_negative=True),
    "price_band_rate": dict(positive=True),
    "max_order_quantity": dict(positive=True),
}


def spec_from_proto(message: pb.Instrument) -> InstrumentSpec:
    values = {name: parse_decimal(f"instrument.{name}", getattr(message, name), **rules)
              for name, rules in _DECIMAL_RULES.items()}
    sources = tuple(
        IndexSource(exchange=s.exchange.strip().lower(), symbol=s.symbol.strip(),
                    weight=parse_decimal(f"instrument.index_sources[{i}].weight", s.weight, positive=True))
        for i, s in enumerate(message.index_sources))
    if not message.symbol:
        raise InvalidArgument("instrument.symbol is required")
    return InstrumentSpec(symbol=message.symbol.strip().upper(),
                          base_asset=message.base_asset.strip().upper(),
                          quote_asset=message.quote_asset.strip().upper(),
                          index_sources=sources, **values)


def instrument_to_proto(instrument: Instrument) -> pb.Instrument:
    spec = instrument.spec
    return pb.Instrument(
        symbol=spec.symbol, base_asset=spec.base_asset, quote_asset=spec.quote_asset,
        status=STATUS_TO_PB[instrument.status],
        **{name: format_decimal(getattr(spec, name)) for name in _DECIMAL_RULES},
        index_sources=[pb.IndexSource(exchange=s.exchange, symbol=s.symbol, weight=format_decimal(s.weight))
                       for s in spec.index_sources],
        created_by=instrument.created_by, created_at_unix_ms=instrument.created_at_unix_ms,
        reviewed_by=instrument.reviewed_by, reviewed_at_unix_ms=instrument.reviewed_at_unix_ms,
        rejection_reason=instrument.rejection_reason,
    )
