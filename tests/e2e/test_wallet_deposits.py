"""The Wallet Operations flow end to end: user.created.v1 opens the wallet; POST /v1/deposit
through Envoy opens a PENDING deposit at the rail simulator (a separate process); the rail calls
the HMAC-signed webhook through Envoy; the balance is credited exactly once with its journal
entry and wallet.deposit_confirmed.v1, however often, concurrently or late the webhook comes,
and every forged, stale, unknown or mismatched webhook is refused, logged, and changes nothing."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2

from mesh.rest import call
from services.platform.ids import now_ms
from tests.e2e.kafka_support import records_with_event_id
from tests.e2e.test_exactly_once import kill_and_restart
from tests.e2e.wallet_support import (
    available,
    create_deposit,
    money_snapshot,
    open_wallet,
    produce,
    rail,
    signed_webhook,
    sql,
    token_for,
    user_created,
    wait_for,
    webhook,
)

pytestmark = pytest.mark.e2e


def test_user_created_opens_zero_inr_and_usdt_balances_exactly_once(exchange):
    user_id, token = open_wallet(exchange)
    # The same event redelivered, and a second UserCreated for the user: nothing more opens.
    event = user_created(user_id)
    event_id = produce(exchange, "user.created.v1", user_id, event)
    produce(exchange, "user.created.v1", user_id, event, event_id=event_id)
    wait_for(lambda: sql(exchange, "select 1 from wallet.inbox where event_id = %s", event_id))
    balances = call(exchange.http_url, "GET", "/v1/wallet/balances", token=token)
    assert balances.status == 200, balances.body
    assert [(b["asset"], b["available"], b["locked"], b["position_margin"], b["total"], b["version"])
            for b in balances.body["balances"]] == [("INR", "0", "0", "0", "0", "0"), ("USDT", "0", "0", "0", "0", "0")]
    assert sql(exchange, "select count(*) from wallet.balances where user_id = %s", user_id) == [(2,)]


def test_a_deposit_is_opened_at_the_rail_confirmed_by_its_webhook_and_credited(exchange):
    user_id, token = open_wallet(exchange)
    body = {"asset": "USDT", "amount": "250.75", "client_request_id": "first-deposit"}
    created = call(exchange.http_url, "POST", "/v1/deposit", body, token)
    assert created.status == 200, created.body
    deposit = created.body["deposit"]
    assert deposit["status"] == "DEPOSIT_STATUS_PENDING" and deposit["rail"] == "DEPOSIT_RAIL_CHAIN"
    assert deposit["deposit_address"].startswith("T") and deposit["network"] == "TRC20"
    assert deposit["user_id"] == user_id and deposit["amount"] == "250.75"
    # Idempotent by client_request_id (the plural path is the same RPC); another body is a conflict.
    again = call(exchange.http_url, "POST", "/v1/deposits", {**body, "amount": "250.750"}, token)
    assert again.status == 200 and again.body["deposit"]["deposit_id"] == deposit["deposit_id"]
    conflict = call(exchange.http_url, "POST", "/v1/deposit", {**body, "amount": "251"}, token)
    assert conflict.status == 409, conflict.body

    # The rail simulator confirms by itself after its delay, through Envoy.
    confirmed = wait_for(lambda: (lambda r: r.body["deposit"] if r.body["deposit"]["status"] ==
                                  "DEPOSIT_STATUS_CONFIRMED" else None)(
        call(exchange.http_url, "GET", f"/v1/deposits/{deposit['deposit_id']}", token=token)))
    # The rail records DELIVERED only once the webhook's 200 is back, which can be after the
    # Wallet's commit is already visible: wait for it rather than read it once.
    intent = wait_for(lambda: (lambda i: i if i["status"] == "DELIVERED" else None)(
        rail(exchange, "GET", f"/v1/intents/{deposit['deposit_id']}")))
    assert confirmed["rail_reference"] == intent["rail_reference"]
    assert available(exchange, user_id) == Decimal("250.75")

    ledger = call(exchange.http_url, "GET", "/v1/wallet/ledger", token=token).body["entries"]
    assert [(e["kind"], e["account_kind"], e["amount"], e["balance_after"], e["reference_id"]) for e in ledger] == [
        ("JOURNAL_ENTRY_KIND_DEPOSIT", "LEDGER_ACCOUNT_KIND_USER_AVAILABLE", "250.75", "250.75", deposit["deposit_id"])]
    # The credit's other leg is EXTERNAL, and the event left through the outbox exactly once.
    assert sql(exchange, "select p.account_kind, p.direction, p.amount from wallet.postings p join "
                         "wallet.journal_entries j using (journal_entry_id) where j.reference_id = %s order by seq",
               deposit["deposit_id"]) == [("EXTERNAL", "DEBIT", Decimal("250.75")),
                                          ("USER_AVAILABLE", "CREDIT", Decimal("250.75"))]
    event_id = f"deposit-confirmed:{deposit['deposit_id']}"
    wait_for(lambda: sql(exchange, "select 1 from wallet.outbox where event_id = %s and published_at_unix_ms "
                                   "is not null", event_id))
    assert len(records_with_event_id(exchange.stack.kafka_bootstrap, "wallet.deposit_confirmed.v1", event_id)) == 1

    # Another user cannot see it (NOT_FOUND, not PERMISSION_DENIED); the owner lists it.
    other = token_for(exchange, "someone-else")
    assert call(exchange.http_url, "GET", f"/v1/deposits/{deposit['deposit_id']}", token=other).status == 404
    listed = call(exchange.http_url, "GET", "/v1/deposits?status=DEPOSIT_STATUS_CONFIRMED", token=token)
    assert [d["deposit_id"] for d in listed.body["deposits"]] == [deposit["deposit_id"]]


def test_an_inr_deposit_gets_a_bank_payment_reference(exchange):
    user_id, token = open_wallet(exchange)
    deposit = create_deposit(exchange, token, "INR", "5000.50", hold=True)
    assert deposit["rail"] == "DEPOSIT_RAIL_BANK" and deposit["payment_reference"].startswith("TXPAY")
    assert deposit["deposit_address"] == ""
    assert rail(exchange, "POST", f"/v1/intents/{deposit['deposit_id']}/confirm")["webhook_status"] == 200
    assert available(exchange, user_id, "INR") == Decimal("5000.50")


def test_twenty_concurrent_replays_of_the_same_signed_webhook_credit_once(exchange):
    user_id, token = open_wallet(exchange)
    deposit = create_deposit(exchange, token, "USDT", "123.456789", hold=True)
    deposit_id = deposit["deposit_id"]
    # The rail's own signed callback, replayed 20 times at once through Envoy.
    callback = rail(exchange, "GET", f"/v1/intents/{deposit_id}/callback")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: webhook(exchange, callback), range(20)))
    assert [a.status for a in answers] == [200] * 20, [a.body for a in answers if a.status != 200]
    assert {a.body["deposit"]["status"] for a in answers} == {"DEPOSIT_STATUS_CONFIRMED"}
    assert {a.body["deposit"]["rail_reference"] for a in answers} == {callback["rail_reference"]}

    # ...and later again, freshly signed by the rail itself (a reordered / late delivery).
    assert rail(exchange, "POST", f"/v1/intents/{deposit_id}/confirm")["webhook_status"] == 200
    assert webhook(exchange, callback).status == 200

    assert available(exchange, user_id) == Decimal("123.456789")
    assert sql(exchange, "select version from wallet.balances where user_id = %s and asset = 'USDT'",
               user_id) == [(1,)]
    assert sql(exchange, "select count(*) from wallet.journal_entries where reference_id = %s", deposit_id) == [(1,)]
    assert sql(exchange, "select count(*) from wallet.postings where user_id = %s", user_id) == [(1,)]
    assert sql(exchange, "select topic, count(*) from wallet.outbox where key = %s group by topic order by topic",
               user_id) == [("wallet.balance.updated.v1", 1), ("wallet.deposit_confirmed.v1", 1)]


def test_forged_stale_unknown_and_mismatched_webhooks_are_refused_and_change_nothing(exchange):
    user_id, token = open_wallet(exchange)
    deposit = create_deposit(exchange, token, "USDT", "40", hold=True)
    deposit_id = deposit["deposit_id"]
    before = money_snapshot(exchange, user_id, deposit_id)
    good = signed_webhook(exchange, deposit_id, amount="40", asset="USDT")

    refused = {
        "forged signature": ({**good, "signature": "0" * 64}, 401, 16),
        "signed with another secret": (signed_webhook(exchange, deposit_id, amount="40", asset="USDT",
                                                      secret="not-the-rail-secret-at-all"), 401, 16),
        "amount changed after signing": ({**good, "amount": "4000"}, 401, 16),
        "no signature": ({k: v for k, v in good.items() if k != "signature"}, 401, 16),
        "stale timestamp": (signed_webhook(exchange, deposit_id, amount="40", asset="USDT",
                                           timestamp_unix_ms=now_ms() - 10 * 60 * 1000), 401, 16),
        "unknown deposit": (signed_webhook(exchange, "01UNKNOWNDEPOSIT0000000000", amount="40", asset="USDT"), 404, 5),
        "wrong amount": (signed_webhook(exchange, deposit_id, amount="40.01", asset="USDT"), 400, 9),
        "wrong asset": (signed_webhook(exchange, deposit_id, amount="40", asset="INR"), 400, 9),
        "malformed amount": (signed_webhook(exchange, deposit_id, amount="forty", asset="USDT"), 400, 3),
    }
    for case, (body, http_status, grpc_code) in refused.items():
        answer = webhook(exchange, body)
        assert (answer.status, answer.body.get("code")) == (http_status, grpc_code), (case, answer.body)
        assert money_snapshot(exchange, user_id, deposit_id) == before, case

    assert webhook(exchange, good).status == 200
    credited = money_snapshot(exchange, user_id, deposit_id)
    assert available(exchange, user_id) == Decimal(40)
    # A second transfer claiming the same deposit is a conflict, and changes nothing either.
    other_transfer = signed_webhook(exchange, deposit_id, amount="40", asset="USDT", rail_reference="0xother")
    assert webhook(exchange, other_transfer).status == 409
    assert money_snapshot(exchange, user_id, deposit_id) == credited

    log = (exchange.root / "logs" / "wallet.log").read_text()
    refusals = [line for line in log.splitlines() if "rail webhook refused" in line and deposit_id in line]
    assert len(refusals) >= len(refused) - 1  # all but the unknown deposit name this deposit


def test_deposit_input_caps_and_account_status(exchange):
    user_id, token = open_wallet(exchange)

    def deposit(asset="USDT", amount="10", client_request_id=None):
        return call(exchange.http_url, "POST", "/v1/deposit", {
            "asset": asset, "amount": amount, "client_request_id": client_request_id or uuid.uuid4().hex}, token)

    for fields, named in (({"asset": "BTC"}, "asset"), ({"amount": "-5"}, "amount"), ({"amount": "1.0000001"}, "amount"),
                          ({"amount": "1e3"}, "amount"), ({"client_request_id": "x" * 65}, "client_request_id")):
        answer = deposit(**fields)
        assert answer.status == 400 and answer.body["code"] == 3 and named in answer.body["message"], answer.body
    assert call(exchange.http_url, "POST", "/v1/deposit", {"asset": "USDT", "amount": "1"}, token).status == 400

    # Tier 0's daily USDT cap is 1000 (configuration): pending deposits count against it.
    assert deposit(amount="600").status == 200
    over = deposit(amount="400.01")
    assert over.status == 400 and over.body["code"] == 9 and "daily cap" in over.body["message"]
    # A tier change from the User service carries the new tier's limits.
    produce(exchange, "user.kyc_updated.v1", user_id, user_events.KycTierUpdated(
        user_id=user_id, from_tier=0, to_tier=1, updated_at_unix_ms=now_ms(),
        limits=user_pb2.KycTierLimits(tier=1, asset_limits=[
            user_pb2.AssetLimits(asset="USDT", daily_deposit_cap="20000")])))
    wait_for(lambda: sql(exchange, "select kyc_tier from wallet.users where user_id = %s", user_id) == [(1,)])
    assert deposit(amount="5000").status == 200

    produce(exchange, "user.status_changed.v1", user_id, user_events.UserStatusChanged(
        user_id=user_id, from_status=user_pb2.ACCOUNT_STATUS_ACTIVE, to_status=user_pb2.ACCOUNT_STATUS_SUSPENDED,
        changed_at_unix_ms=now_ms()))
    wait_for(lambda: sql(exchange, "select status from wallet.users where user_id = %s", user_id) == [("SUSPENDED",)])
    suspended = deposit()
    assert suspended.status == 400 and "suspended" in suspended.body["message"]

    # No wallet yet (no user.created.v1 seen for this caller): refused with a reason.
    stranger = call(exchange.http_url, "POST", "/v1/deposit", {"asset": "USDT", "amount": "1", "client_request_id": "a"},
                    token_for(exchange, "no-wallet-" + uuid.uuid4().hex))
    assert stranger.status == 400 and "no wallet" in stranger.body["message"]
    # Anonymous callers never reach the service (Envoy's JWT filter).
    assert call(exchange.http_url, "POST", "/v1/deposit", {"asset": "USDT", "amount": "1",
                                                           "client_request_id": "a"}).status == 401


def test_a_webhook_the_wallet_missed_while_down_is_retried_by_the_rail_and_credited_once(exchange):
    user_id, token = open_wallet(exchange)
    deposit = create_deposit(exchange, token, "USDT", "77")  # the rail confirms by itself in ~2 s
    deposit_id = deposit["deposit_id"]

    def rail_tried_and_failed():
        intent = rail(exchange, "GET", f"/v1/intents/{deposit_id}")
        assert intent["status"] == "PENDING", intent  # the wallet was down: a 5xx, so it retries
        return intent["attempts"] >= 1

    # SIGKILL the wallet; it comes back on the same port only after the rail's first attempt failed.
    kill_and_restart(exchange, "wallet", before_restart=lambda: wait_for(rail_tried_and_failed))
    wait_for(lambda: rail(exchange, "GET", f"/v1/intents/{deposit_id}")["status"] == "DELIVERED", timeout=30)
    assert webhook(exchange, rail(exchange, "GET", f"/v1/intents/{deposit_id}/callback")).status == 200
    assert available(exchange, user_id) == Decimal(77)
    assert sql(exchange, "select count(*) from wallet.journal_entries where reference_id = %s", deposit_id) == [(1,)]
