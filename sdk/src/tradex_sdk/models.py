"""Result models: frozen dataclasses and enums generated from the protobuf descriptors.

Every message the SDK returns is turned into a frozen dataclass built once per message type
from its descriptor (the compiled `tradex-proto` package), so the models cannot drift from the
contracts: a field added to a .proto appears here with the next `tradex-proto`. Decimal
strings become `Decimal` (empty -> `None`), enums become `enum.IntEnum` members named as in
the .proto (`Side.SIDE_BUY`), repeated fields become tuples, unset message fields `None`, and
`*_unix_ms` stay `int`.

Which string fields are decimals is not in the protos (they are plain `string` on the wire), so
it is the explicit list `DECIMAL_FIELDS`; a test walks every public message and fails on a
string field that is in neither `DECIMAL_FIELDS` nor `TEXT_FIELDS`, so a new field must be
classified before it ships.
"""
from __future__ import annotations

import dataclasses
import enum
from decimal import Decimal, InvalidOperation
from typing import Any

from google.protobuf import descriptor as _descriptor
from google.protobuf.message import Message

__all__ = ["DECIMAL_FIELDS", "TEXT_FIELDS", "enum_type", "model_class", "to_model"]

DECIMAL_FIELDS = frozenset({
    "adl_quantity", "amount", "available", "available_margin", "average_fill_price", "balance", "balance_after",
    "bankruptcy_price", "basis", "best_ask_price", "best_ask_quantity", "best_bid_price", "best_bid_quantity",
    "close", "daily_deposit_cap", "effective_leverage", "effective_weight", "entry_price", "equity",
    "estimated_liquidation_price", "estimated_rate", "fee", "fee_reserve", "fees", "filled_quantity", "funding",
    "funding_basis_price", "funding_rate", "high", "high_price_24h", "imbalance", "impact_ask_price",
    "impact_bid_price", "impact_notional", "index_price", "initial_margin", "insurance_fund_used",
    "interest_rate", "last_price", "last_rate", "last_trade_price", "leverage", "lock_amount", "locked",
    "lot_size", "low", "low_price_24h", "maintenance_margin", "maintenance_margin_rate", "maker_fee_rate",
    "margin", "margin_locked", "margin_ratio", "mark_price", "max_leverage", "max_order_notional",
    "max_order_quantity", "max_position_notional", "min_notional", "moving_average_basis_price", "notional",
    "open", "open_price_24h", "order_margin", "order_price", "position_margin", "posted", "premium_index",
    "price", "price_band_rate", "price_change_24h", "price_change_rate_24h", "protection_price", "quantity",
    "quote_quantity", "quote_volume", "quote_volume_24h", "rate", "realized_pnl", "released",
    "remaining_quantity", "residual", "settled_margin", "shortfall", "shortfall_covered", "shortfall_uncovered",
    "size", "surplus", "taker_fee_rate", "tick_size", "total", "total_collected", "total_credited",
    "total_locked", "total_paid", "total_received", "unfilled_quantity", "unrealized_pnl", "volume",
    "volume_24h", "wallet_balance", "weight", "reference_price", "insurance_fund_delta", "price_improvement",
    "residual_to_fund", "trigger_equity", "trigger_index_price", "trigger_maintenance_margin",
    "trigger_margin_ratio", "trigger_mark_price", "trigger_quantity", "wallet_available", "wallet_locked",
    "wallet_position_margin", "adl_score", "short",
})

TEXT_FIELDS = frozenset({
    "access_token", "account_id", "adl_id", "alg", "asset", "base_asset", "callers", "canonical",
    "client_order_id", "client_request_id", "created_by", "crv", "cycle_id", "deposit_address", "deposit_id",
    "e", "email", "entry_id", "exchange", "failure_reason", "fee_asset", "funding_id", "idempotency_key", "kid",
    "kty", "last_error", "leg", "line_hash", "line_hashes", "liquidation_id", "liquidation_order_id", "lock_id",
    "margin_asset", "message", "n", "network", "next_page_token", "order_id", "order_ids", "page_token",
    "pair", "password", "payment_reference", "quote_asset", "rail_reference", "reason", "record_id",
    "reference_id", "refresh_token", "cancelled_order_ids", "kind", "trigger_mark_event_id", "trigger_index_event_id", "rejection_reason", "release_id", "request_id",
    "requested_by", "review_reason", "reviewed_by", "roles", "seal_reason", "sealed_by", "settlement_id",
    "settlement_ids", "signature", "statement_hash", "status_message", "status_reason", "symbol", "token_type",
    "trade_id", "transfer_id", "use", "user_id", "x", "journal_entry_id", "source_event_id", "operation_id",
})

_ENUMS: dict[str, type[enum.IntEnum]] = {}
_CLASSES: dict[str, type] = {}


def enum_type(desc: _descriptor.EnumDescriptor) -> type[enum.IntEnum]:
    """The `IntEnum` of a protobuf enum (members named as in the .proto)."""
    found = _ENUMS.get(desc.full_name)
    if found is None:
        found = enum.IntEnum(desc.name, [(v.name, v.number) for v in desc.values], module=__name__)
        found.__doc__ = f"Generated from the protobuf enum {desc.full_name}."
        _ENUMS[desc.full_name] = found
    return found


def _field_type(field: _descriptor.FieldDescriptor) -> Any:
    if field.message_type is not None:
        inner: Any = model_class(field.message_type)
    elif field.enum_type is not None:
        inner = enum_type(field.enum_type)
    elif field.type == field.TYPE_STRING:
        inner = Decimal | None if field.name in DECIMAL_FIELDS else str
    elif field.type == field.TYPE_BOOL:
        inner = bool
    elif field.type in (field.TYPE_DOUBLE, field.TYPE_FLOAT):
        inner = float
    elif field.type == field.TYPE_BYTES:
        inner = bytes
    else:
        inner = int
    if _is_map(field):
        return dict
    if _is_repeated(field):
        return tuple[inner, ...]
    if field.message_type is not None:
        return inner | None
    return inner


def _is_repeated(field: _descriptor.FieldDescriptor) -> bool:
    repeated = getattr(field, "is_repeated", None)  # protobuf >= 6; `label` before
    return bool(repeated) if repeated is not None else field.label == field.LABEL_REPEATED


def _is_map(field: _descriptor.FieldDescriptor) -> bool:
    return (_is_repeated(field) and field.message_type is not None
            and field.message_type.GetOptions().map_entry)


def model_class(desc: _descriptor.Descriptor) -> type:
    """The frozen dataclass of a protobuf message type, built once from its descriptor."""
    found = _CLASSES.get(desc.full_name)
    if found is not None:
        return found
    # Placeholder first: messages may refer to themselves.
    _CLASSES[desc.full_name] = Any  # type: ignore[assignment]
    fields = [(f.name, _field_type(f)) for f in desc.fields]
    cls = dataclasses.make_dataclass(desc.name, fields, frozen=True)
    cls.__module__ = __name__
    cls.__doc__ = f"Generated from the protobuf message {desc.full_name} (frozen; decimals are Decimal)."
    cls.proto_name = desc.full_name  # type: ignore[attr-defined]
    _CLASSES[desc.full_name] = cls
    return cls


def _decimal(text: str) -> Decimal | None:
    if text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a decimal on the wire: {text!r}") from None


def _scalar(field: _descriptor.FieldDescriptor, value: Any) -> Any:
    if field.message_type is not None:
        return to_model(value)
    if field.enum_type is not None:
        try:
            return enum_type(field.enum_type)(value)
        except ValueError:
            return value  # a value newer than this tradex-proto
    if field.type == field.TYPE_STRING and field.name in DECIMAL_FIELDS:
        return _decimal(value)
    return value


def to_model(message: Message) -> Any:
    """The frozen dataclass of a protobuf message (recursively)."""
    desc = message.DESCRIPTOR
    cls = model_class(desc)
    values = {}
    for field in desc.fields:
        raw = getattr(message, field.name)
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            values[field.name] = {k: _scalar(value_field, v) for k, v in raw.items()}
        elif _is_repeated(field):
            values[field.name] = tuple(_scalar(field, v) for v in raw)
        elif field.message_type is not None:
            values[field.name] = to_model(raw) if message.HasField(field.name) else None
        else:
            values[field.name] = _scalar(field, raw)
    return cls(**values)
