"""Other services' payloads -> Risk's domain, and what counts as malformed."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from tradex.common.v1 import positions_pb2
from tradex.position.v1 import events_pb2 as position_events
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2
from tradex.wallet.v1 import wallet_pb2

from services.platform.events import MalformedEvent, ReceivedEvent
from services.risk.api.account_events import balance_from_event, exposure_from_event, tier_from_event
from services.risk.api.event_parsing import EventReader


def reader(occurred_at=777) -> EventReader:
    return EventReader(ReceivedEvent(topic="t", partition=0, offset=0, key="u-1", event_id="e-1",
                                     event_type="x.Y", occurred_at_unix_ms=occurred_at, payload=b""))


def test_exposure_folds_side_into_a_signed_size_and_drops_flat_symbols():
    event = position_events.ExposureUpdated(user_id="u-1", version=4, as_of_unix_ms=0, symbols=[
        position_events.SymbolExposure(symbol="BTC-USDT-PERP", asset="USDT", side=positions_pb2.POSITION_SIDE_SHORT,
                                       size="0.5", entry_price="50000", mark_price="49000", margin="2500"),
        position_events.SymbolExposure(symbol="ETH-USDT-PERP", asset="USDT", side=positions_pb2.POSITION_SIDE_LONG,
                                       size="0")])
    exposure = exposure_from_event(event, reader())
    assert exposure.version == 4 and exposure.as_of_unix_ms == 777  # header time when the payload has none
    assert [(p.symbol, p.size, p.mark_price) for p in exposure.positions] == [("BTC-USDT-PERP", D("-0.5"), D("49000"))]


def test_exposure_without_a_side_is_malformed():
    event = position_events.ExposureUpdated(user_id="u-1", version=1, symbols=[
        position_events.SymbolExposure(symbol="BTC-USDT-PERP", asset="USDT", size="1")])
    with pytest.raises(MalformedEvent, match="LONG or SHORT"):
        exposure_from_event(event, reader())


def test_balance_parses_every_amount_and_refuses_floats_spellings():
    balance = balance_from_event(wallet_pb2.Balance(user_id="u-1", asset="usdt", available="10.5", locked="1",
                                                    position_margin="0", total="11.5", version=9,
                                                    updated_at_unix_ms=5), reader())
    assert (balance.asset, balance.available, balance.total, balance.version) == ("USDT", D("10.5"), D("11.5"), 9)
    with pytest.raises(MalformedEvent, match="balance.available"):
        balance_from_event(wallet_pb2.Balance(user_id="u-1", asset="USDT", available="1e3", version=1), reader())


def test_kyc_event_carries_the_new_tiers_limits():
    event = user_events.KycTierUpdated(user_id="u-1", from_tier=0, to_tier=1, updated_at_unix_ms=99,
                                       limits=user_pb2.KycTierLimits(tier=1, max_leverage="20", asset_limits=[
                                           user_pb2.AssetLimits(asset="USDT", max_order_notional="50000",
                                                                max_position_notional="250000",
                                                                daily_deposit_cap="50000")]))
    limits = tier_from_event(event, reader(), 99)
    assert (limits.tier, limits.max_leverage, limits.as_of_unix_ms) == (1, D("20"), 99)
    assert limits.for_asset("USDT").max_position_notional == D("250000")
    assert tier_from_event(user_events.KycTierUpdated(user_id="u-1", to_tier=2), reader(), 1) is None


def test_a_balance_event_names_the_levels_of_its_users_buckets_only():
    from tradex.wallet.v1 import events_pb2 as wallet_events
    from tradex.wallet.v1 import wallet_pb2

    from services.risk.api.account_events import booked_levels
    event = wallet_events.BalanceUpdated(balance=wallet_pb2.Balance(user_id="u1", asset="USDT"), order_funds=[
        wallet_pb2.OrderFunds(order_id="om:u1:BTC-USDT-PERP", user_id="u1", asset="USDT", locked="502.5"),
        wallet_pb2.OrderFunds(order_id="om:u1:ETH-USDT-PERP", user_id="u1", asset="USDT", locked="0"),
        wallet_pb2.OrderFunds(order_id="01ORDER", user_id="u1", asset="USDT", locked="7"),  # an order's own lock
        wallet_pb2.OrderFunds(order_id="om:u12:BTC-USDT-PERP", user_id="u12", asset="USDT", locked="9")])
    assert booked_levels(event, reader()) == {"BTC-USDT-PERP": D("502.5"), "ETH-USDT-PERP": D("0")}