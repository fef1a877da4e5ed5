import pytest

from services.platform.errors import InvalidArgument
from services.platform.paging import decode_token, encode_token, page_limit


def test_round_trip_and_garbage():
    assert decode_token(encode_token({"after": "BTC-USDT-PERP"})) == {"after": "BTC-USDT-PERP"}
    assert decode_token("") == {}
    with pytest.raises(InvalidArgument, match="page_token"):
        decode_token("!!!not-base64")


def test_limits():
    assert page_limit(0) == 100 and page_limit(10_000) == 500 and page_limit(7) == 7
    with pytest.raises(InvalidArgument):
        page_limit(-1)
