import pytest
from tradex.order.v1 import order_pb2
from tradex.wallet.v1 import wallet_pb2

from services.platform.errors import InvalidArgument
from services.platform.text_fields import reject_nul_characters


def test_a_nul_anywhere_in_a_request_is_refused_naming_the_field():
    reject_nul_characters(order_pb2.PlaceOrderRequest(symbol="BTC-USDT-PERP", price="1.5"))
    with pytest.raises(InvalidArgument, match="^symbol must not contain a NUL character"):
        reject_nul_characters(order_pb2.PlaceOrderRequest(symbol="BTC\x00"))
    with pytest.raises(InvalidArgument, match="settlement_ids"):
        reject_nul_characters(wallet_pb2.GetSettlementOutcomesRequest(settlement_ids=["ok", "\x00"]))
