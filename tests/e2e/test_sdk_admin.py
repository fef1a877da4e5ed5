"""The SDK's admin namespace against the exchange: maker/checker KYC tier change, account status
(a suspended trader's orders are refused with reason ACCOUNT_SUSPENDED), an instrument rejected, and admin calls refused to a trader."""
from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
from tradex_sdk import Client, FailedPreconditionError, PermissionDeniedError

from tests.e2e.order_support import approved_instrument

pytestmark = pytest.mark.e2e


def test_admin_namespace(exchange, admins):
    target = exchange.grpc_target
    with Client(target) as maker, Client(target) as checker, Client(target) as trader:
        maker.auth.login(admins["maker"]["email"], admins["maker"]["password"])
        checker.auth.login(admins["checker"]["email"], admins["checker"]["password"])
        trader.auth.signup(f"kyc-{uuid.uuid4().hex[:10]}@example.com", "a-Good-passw0rd!")
        me = None
        for _ in range(100):  # the profile is created from the sign-up event
            try:
                me = trader.auth.me()
                break
            except Exception:  # noqa: BLE001 - not there yet
                time.sleep(0.2)
        assert me is not None and me.user.kyc_tier == 0
        user_id = me.user.user_id

        request = maker.admin.request_kyc_tier(user_id, 1, "documents checked")
        assert request.status.name.endswith("PENDING") and request.to_tier == 1
        assert request.request_id in [r.request_id for r in checker.admin.kyc_tier_requests(user_id=user_id)]
        approved = checker.admin.approve_kyc_tier(request.request_id)
        assert approved.user.kyc_tier == 1 and approved.request.status.name.endswith("APPROVED")
        assert maker.admin.get_user(user_id).user.kyc_tier == 1

        with pytest.raises(PermissionDeniedError):
            trader.admin.approve_kyc_tier(request.request_id)
        with pytest.raises(PermissionDeniedError):
            trader.admin.get_user(user_id)

        symbol = approved_instrument(exchange, admins)["symbol"]
        suspended = maker.admin.set_account_status(user_id, "SUSPENDED", "investigation")
        assert suspended.status.name == "ACCOUNT_STATUS_SUSPENDED"
        reason = ""
        for _ in range(100):  # Risk learns of the suspension from an event
            try:
                trader.orders.place(symbol, "BUY", Decimal("1"), price=Decimal("100"))
            except FailedPreconditionError as error:
                reason = error.reason
                if reason == "ACCOUNT_SUSPENDED":
                    break
            time.sleep(0.2)
        assert reason == "ACCOUNT_SUSPENDED"
        assert maker.admin.set_account_status(user_id, "ACTIVE", "cleared").status.name == "ACCOUNT_STATUS_ACTIVE"

        symbol = "R" + uuid.uuid4().hex[:6].upper()  # a proposal the checker rejects
        maker.admin.create_instrument(
            symbol=f"{symbol}-USDT-PERP", base_asset=symbol, quote_asset="USDT", tick_size="0.01", lot_size="0.1",
            min_notional="10", max_leverage="20", maintenance_margin_rate="0.01", maker_fee_rate="0.0001",
            taker_fee_rate="0.0004", price_band_rate="0.1", max_order_quantity="1000")
        rejected = checker.admin.reject_instrument(f"{symbol}-USDT-PERP", "not listed after all")
        assert rejected.status.name.endswith("REJECTED")
