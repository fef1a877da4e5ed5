"""No input makes TradeX fail inside: hypothesis-generated protobuf requests and JSON bodies,
including garbage, against every unary RPC of every running service — public ones through Envoy
(native gRPC with a trader's token, and REST), internal ones at their port as a caller the
contract admits — answer with a client error, never INTERNAL / UNKNOWN / HTTP 5xx. Afterwards the
wallet ledger still conserves money per asset.

The method list comes from the contracts (descriptor pool + mesh.exchange.SERVICES), so a new RPC
is fuzzed the day it is added.
"""
from __future__ import annotations

import json
import string
import uuid
from decimal import Decimal
from urllib.parse import quote

import grpc
import psycopg
import pytest
from google.api import annotations_pb2
from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesh.exchange import SERVICES
from mesh.rest import call
from services.platform.auth import access_rule_for
from tests.security.contracts import routed_rpcs

SERVER_FAULTS = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.DATA_LOSS,
                 grpc.StatusCode.UNIMPLEMENTED}
EXAMPLES = 12


def _methods():
    out = []
    for name, rpc in routed_rpcs(SERVICES):  # each unary RPC once, with the service that serves it
        if rpc.method.server_streaming or rpc.method.client_streaming:
            continue  # streams: opened and read by the market-data and order-stream tests
        out.append(pytest.param(name, rpc.full, rpc.method, id=f"{rpc.service.split('.')[-1]}.{rpc.name}"))
    return out


METHODS = _methods()

# Text that trips parsers: decimal look-alikes in other scripts, exponents, signs, huge numbers,
# control characters, ids that do not exist, and plain valid values.
NASTY = st.sampled_from(["", " ", "0", "-1", "1e9", "NaN", "Infinity", "٠.٢", "５０", "1,5", "0x10", "+1", "1.",
                         ".5", "1" * 60, "0.000000000000000000000001", "99999999999999999999999999.9",
                         "BTC-USDT-PERP", "USDT", "INR", "../../etc/passwd", "\x00", "'; drop table x; --",
                         "🚀", str(uuid.uuid4()), "01HZZZZZZZZZZZZZZZZZZZZZZZ", "a" * 5000])
TEXT = st.one_of(NASTY, st.text(max_size=40), st.text(string.digits + ".-", max_size=30))
INTS = st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 2**31 - 1]))
INT64 = st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, -1, 2**63 - 1]))

_SCALARS = {
    FieldDescriptor.TYPE_STRING: TEXT,
    FieldDescriptor.TYPE_BYTES: st.binary(max_size=64),
    FieldDescriptor.TYPE_BOOL: st.booleans(),
    FieldDescriptor.TYPE_INT32: INTS, FieldDescriptor.TYPE_SINT32: INTS, FieldDescriptor.TYPE_SFIXED32: INTS,
    FieldDescriptor.TYPE_INT64: INT64, FieldDescriptor.TYPE_SINT64: INT64, FieldDescriptor.TYPE_SFIXED64: INT64,
    FieldDescriptor.TYPE_UINT32: st.integers(0, 2**32 - 1), FieldDescriptor.TYPE_FIXED32: st.integers(0, 2**32 - 1),
    FieldDescriptor.TYPE_UINT64: st.integers(0, 2**64 - 1), FieldDescriptor.TYPE_FIXED64: st.integers(0, 2**64 - 1),
    FieldDescriptor.TYPE_DOUBLE: st.floats(allow_nan=True), FieldDescriptor.TYPE_FLOAT: st.floats(width=32),
}


def _value(field, depth: int):
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return _message(field.message_type, depth + 1)
    if field.type == FieldDescriptor.TYPE_ENUM:
        top = max(v.number for v in field.enum_type.values)
        return st.integers(-2, top + 3)  # unknown enum numbers included
    return _SCALARS[field.type]


def _message(descriptor, depth: int = 0):
    """A strategy of dicts field -> value (a subset of the fields; nested messages to depth 2)."""
    if depth > 2:
        return st.just({})
    fields = {}
    for field in descriptor.fields:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            continue
        value = _value(field, depth)
        fields[field.name] = st.lists(value, max_size=3) if field.is_repeated else value
    return st.fixed_dictionaries({}, optional=fields)


def _build(descriptor, values: dict):
    message = message_factory.GetMessageClass(descriptor)()
    _fill(message, values)
    return message


def _fill(message, values: dict) -> None:
    for name, value in values.items():
        field = message.DESCRIPTOR.fields_by_name[name]
        if field.is_repeated:
            for item in value:
                if field.type == FieldDescriptor.TYPE_MESSAGE:
                    _fill(getattr(message, name).add(), item)
                else:
                    getattr(message, name).append(item)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            _fill(getattr(message, name), value)
        else:
            setattr(message, name, value)


def _json_value(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and value != value:
        return "NaN"
    return value


JSON_GARBAGE = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                            max_leaves=8)


@pytest.fixture(scope="module")
def tokens(exchange, admins) -> dict[str, str]:
    """A token per role, so every public RPC is reached past its role check."""
    response = call(exchange.http_url, "POST", "/v1/auth/signup",
                    {"email": f"fuzz-{uuid.uuid4().hex[:8]}@example.com", "password": "a-long-password-42"})
    assert response.ok(), response.body
    return {"trader": response.body["tokens"]["access_token"], "admin:maker": admins["maker"]["token"],
            "admin:checker": admins["checker"]["token"]}


def _token_for(full: str, tokens: dict[str, str]) -> str:
    roles = access_rule_for(full).roles
    return next((tokens[r] for r in ("admin:maker", "admin:checker") if r in roles), tokens["trader"])


GUARD_REFUSALS = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED}
# Authenticated by a signature over the body (the deposit rail's HMAC webhook), which random
# bodies never carry: for these, UNAUTHENTICATED is the handler's own answer.
SIGNED_BODIES = {"/tradex.wallet.v1.WalletService/ConfirmDeposit"}


@pytest.fixture(scope="module")
def channels(exchange):
    """Envoy for public RPCs; each service's port as an allowed caller for internal ones."""
    opened = {"edge": grpc.insecure_channel(exchange.grpc_target)}
    for name in exchange.stack.services:
        opened[name] = exchange.stack.channel(name)
    yield opened
    for channel in opened.values():
        channel.close()


def _invoke(channel, full: str, method, request, metadata) -> grpc.StatusCode:
    response_class = message_factory.GetMessageClass(method.output_type)
    rpc = channel.unary_unary(full, request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=response_class.FromString)
    try:
        rpc(request, timeout=15, metadata=metadata)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize(("service", "full", "method"), METHODS)
def test_no_generated_request_makes_a_service_fail(exchange, channels, tokens, service, full, method):
    rule = access_rule_for(full)
    channel = channels[service] if rule.internal else channels["edge"]
    metadata = () if rule.internal else (("authorization", f"Bearer {_token_for(full, tokens)}"),)
    seen: list[grpc.StatusCode] = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(values=_message(method.input_type))
    def fuzz(values):
        code = _invoke(channel, full, method, _build(method.input_type, values), metadata)
        seen.append(code)
        assert code not in SERVER_FAULTS, (full, code, values)

    fuzz()
    # The inputs reached the handler (not only the guard): the fuzzing tested something.
    assert full in SIGNED_BODIES or set(seen) - GUARD_REFUSALS, (full, set(seen))


def _rest_routes():
    routes = []
    for param in METHODS:
        _, full, method = param.values
        if access_rule_for(full).internal:
            continue
        options = method.GetOptions()
        if not options.HasExtension(annotations_pb2.http):
            continue
        rule = options.Extensions[annotations_pb2.http]
        verb = rule.WhichOneof("pattern")
        if verb in ("get", "post", "put", "patch", "delete"):
            routes.append(pytest.param(verb.upper(), getattr(rule, verb), method, id=param.id))
    return routes


def _fill_path(template: str, token: str) -> str:
    out, depth, i = [], 0, 0
    while i < len(template):
        if template[i] == "{":
            depth = template.index("}", i)
            out.append(quote(token, safe=""))
            i = depth + 1
        else:
            out.append(template[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize(("verb", "template", "method"), _rest_routes())
def test_no_json_body_makes_rest_fail(exchange, tokens, verb, template, method):
    full = f"/{method.containing_service.full_name}/{method.name}"
    token = _token_for(full, tokens)
    seen: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(body=st.one_of(_message(method.input_type).map(_json_value), JSON_GARBAGE), segment=TEXT)
    def fuzz(body, segment):
        path = _fill_path(template, segment or "x")
        response = call(exchange.http_url, verb, path, body if verb != "GET" else None, token=token)
        seen.append(response.status)
        assert response.status < 500, (verb, path, body, response.status, response.body)

    fuzz()
    assert full in SIGNED_BODIES or set(seen) - {401, 403}, (template, set(seen))


def test_the_ledger_still_conserves_money_after_the_fuzzing(exchange):
    """Runs after the fuzz tests (file order): per asset, users + system accounts + EXTERNAL sum to
    zero, what is inside equals confirmed deposits, nothing is negative."""
    url = exchange.stack.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        conn.execute("set transaction isolation level repeatable read")
        users = dict(conn.execute("select asset, sum(available + locked + position_margin) from wallet.balances "
                                  "group by asset").fetchall())
        systems = conn.execute("select asset, account_kind, balance from wallet.system_balances").fetchall()
        confirmed = dict(conn.execute("select asset, sum(amount) from wallet.deposits where status = 'CONFIRMED' "
                                      "group by asset").fetchall())
        negative = conn.execute("select count(*) from wallet.balances where available < 0 or locked < 0 "
                                "or position_margin < 0").fetchone()[0]
    assert negative == 0
    for asset in {a for a, _, _ in systems} | set(users):
        external = sum((b for a, k, b in systems if a == asset and k == "EXTERNAL"), Decimal(0))
        inside = users.get(asset, Decimal(0)) + sum((b for a, k, b in systems if a == asset and k != "EXTERNAL"),
                                                    Decimal(0))
        assert inside + external == 0, f"{asset}: the ledger does not sum to zero"
        assert inside == confirmed.get(asset, Decimal(0)), f"{asset}: not equal to net deposits"


def test_json_helper_renders_bytes_and_nan():
    assert json.dumps(_json_value({"a": b"\x01", "b": [float("nan")]})) == '{"a": "01", "b": ["NaN"]}'
