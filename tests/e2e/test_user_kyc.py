"""KYC tier changes (maker-checker), account status and tier limits through Envoy REST, with
the events each change writes to the user outbox."""
from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from tradex.user.v1 import events_pb2 as user_events
from tradex.user.v1 import user_pb2, user_pb2_grpc

from mesh.rest import call
from mesh.seed import login
from services.auth.admin import create as create_account
from tests.e2e.test_configuration_flow import sql, wait_for
from tests.e2e.test_user_onboarding import onboarded, signup, wait_for_profile

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dual_admin(exchange) -> dict:
    """One admin holding both roles: the only way to reach the four-eyes rule itself, since the
    roles alone already keep a pure maker away from the approve RPC."""
    email = f"dual-{uuid.uuid4().hex[:10]}@tradex.local"
    password = "Dual-" + uuid.uuid4().hex[:16]
    account_id = asyncio.run(create_account(exchange.stack.database_url, email, password,
                                            ["admin:maker", "admin:checker"], bcrypt_cost=4))
    return {"user_id": account_id, "token": login(exchange.http_url, email, password)}


def kyc_request(exchange, token, user_id, body):
    return call(exchange.http_url, "POST", f"/v1/users/{user_id}/kyc-tier-requests", body, token)


def events(exchange, user_id, topic):
    return sql(exchange, "select event_id, payload from users.outbox where key = %s and topic = %s order by id",
               user_id, topic)


def test_tier_limits_are_public_data(exchange):
    response = call(exchange.http_url, "GET", "/v1/kyc-tiers")
    assert response.status == 200, response.body
    tiers = response.body["tiers"]
    assert [t["tier"] for t in tiers] == [0, 1, 2]
    assert [t["max_leverage"] for t in tiers] == ["5", "20", "100"]
    assert {a["asset"] for t in tiers for a in t["asset_limits"]} == {"USDT", "INR"}
    # Native gRPC through the same Envoy port returns the same data.
    with grpc.insecure_channel(exchange.grpc_target) as channel:
        via_grpc = user_pb2_grpc.UserServiceStub(channel).GetKycTierLimits(user_pb2.GetKycTierLimitsRequest(),
                                                                           timeout=5)
    assert [t.tier for t in via_grpc.tiers] == [0, 1, 2]
    assert via_grpc.tiers[0].asset_limits[0].max_order_notional == tiers[0]["asset_limits"][0]["max_order_notional"]


def test_maker_requests_checker_approves(exchange, admins):
    user = onboarded(exchange)
    user_id, maker, checker = user["user_id"], admins["maker"]["token"], admins["checker"]["token"]
    body = {"to_tier": 1, "reason": "passport and selfie verified"}
    requested = kyc_request(exchange, maker, user_id, body)
    assert requested.status == 200, requested.body
    request = requested.body["request"]
    assert request["status"] == "KYC_TIER_CHANGE_STATUS_PENDING"
    assert (request["from_tier"], request["to_tier"], request["user_id"]) == (0, 1, user_id)

    # A retried request returns the same one; a different one while it is pending is a conflict.
    again = kyc_request(exchange, maker, user_id, body)
    assert again.status == 200 and again.body["request"]["request_id"] == request["request_id"]
    other = kyc_request(exchange, maker, user_id, {"to_tier": 2, "reason": "passport and selfie verified"})
    assert other.status == 409 and request["request_id"] in other.body["message"]

    # Nothing changes before a checker approves; the checker's queue shows it.
    assert wait_for_profile(exchange, user["token"])["user"]["kyc_tier"] == 0
    assert events(exchange, user_id, "user.kyc_updated.v1") == []
    queue = call(exchange.http_url, "GET",
                 f"/v1/kyc-tier-requests?status=KYC_TIER_CHANGE_STATUS_PENDING&user_id={user_id}", token=checker)
    assert queue.status == 200 and [r["request_id"] for r in queue.body["requests"]] == [request["request_id"]]

    # Roles first: a maker cannot approve, a trader cannot request, nobody anonymous can.
    path = f"/v1/kyc-tier-requests/{request['request_id']}/approve"
    assert call(exchange.http_url, "POST", path, {}, maker).status == 403
    assert call(exchange.http_url, "POST", path, {}).status == 401
    assert kyc_request(exchange, user["token"], user_id, body).status == 403

    approved = call(exchange.http_url, "POST", path, {}, checker)
    assert approved.status == 200, approved.body
    assert approved.body["request"]["status"] == "KYC_TIER_CHANGE_STATUS_APPROVED"
    assert approved.body["user"]["kyc_tier"] == 1
    me = wait_for_profile(exchange, user["token"])
    assert me["user"]["kyc_tier"] == 1 and me["limits"]["tier"] == 1 and me["limits"]["max_leverage"] == "20"

    # The tier change and its event were written together, with the new tier's limits in it.
    [(event_id, payload)] = events(exchange, user_id, "user.kyc_updated.v1")
    assert event_id == f"user-kyc-updated:{request['request_id']}"
    event = user_events.KycTierUpdated.FromString(payload)
    assert (event.from_tier, event.to_tier, event.limits.tier, event.request_id) == (0, 1, 1, request["request_id"])
    checker_id = wait_for_profile(exchange, checker)["user"]["user_id"]
    assert event.approved_by == checker_id and event.requested_by == request["requested_by"]
    wait_for(lambda: sql(exchange, "select 1 from users.outbox where event_id = %s "
                                   "and published_at_unix_ms is not null", event_id))

    # Reviewed requests are final.
    twice = call(exchange.http_url, "POST", path, {}, checker)
    assert twice.status == 400 and "APPROVED" in twice.body["message"]
    assert len(events(exchange, user_id, "user.kyc_updated.v1")) == 1


def test_checker_rejects_and_the_tier_stays(exchange, admins):
    user = onboarded(exchange)
    user_id, checker = user["user_id"], admins["checker"]["token"]
    request = kyc_request(exchange, admins["maker"]["token"], user_id,
                          {"to_tier": 2, "reason": "institutional"}).body["request"]
    path = f"/v1/kyc-tier-requests/{request['request_id']}/reject"
    missing_reason = call(exchange.http_url, "POST", path, {}, checker)
    assert missing_reason.status == 400 and "reason" in missing_reason.body["message"]
    rejected = call(exchange.http_url, "POST", path, {"reason": "documents do not match"}, checker)
    assert rejected.status == 200, rejected.body
    assert rejected.body["request"]["status"] == "KYC_TIER_CHANGE_STATUS_REJECTED"
    assert rejected.body["request"]["rejection_reason"] == "documents do not match"
    assert wait_for_profile(exchange, user["token"])["user"]["kyc_tier"] == 0
    assert events(exchange, user_id, "user.kyc_updated.v1") == []
    # The pending slot is free again.
    assert kyc_request(exchange, admins["maker"]["token"], user_id,
                       {"to_tier": 1, "reason": "retry with new scan"}).status == 200


def test_the_requester_cannot_approve_or_reject_their_own_request(exchange, dual_admin, admins):
    user = onboarded(exchange)
    requested = kyc_request(exchange, dual_admin["token"], user["user_id"], {"to_tier": 1, "reason": "verified"})
    assert requested.status == 200, requested.body
    request_id = requested.body["request"]["request_id"]
    own = call(exchange.http_url, "POST", f"/v1/kyc-tier-requests/{request_id}/approve", {}, dual_admin["token"])
    assert own.status == 403 and "requested" in own.body["message"]
    own_reject = call(exchange.http_url, "POST", f"/v1/kyc-tier-requests/{request_id}/reject",
                      {"reason": "changed my mind"}, dual_admin["token"])
    assert own_reject.status == 403
    assert sql(exchange, "select status, reviewed_by from users.kyc_tier_requests where request_id = %s",
               request_id) == [("PENDING", "")]
    assert wait_for_profile(exchange, user["token"])["user"]["kyc_tier"] == 0
    # Another checker can.
    assert call(exchange.http_url, "POST", f"/v1/kyc-tier-requests/{request_id}/approve", {},
                admins["checker"]["token"]).status == 200


def test_an_admin_cannot_raise_their_own_tier(exchange, dual_admin):
    wait_for_profile(exchange, dual_admin["token"])
    own = kyc_request(exchange, dual_admin["token"], dual_admin["user_id"], {"to_tier": 2, "reason": "me"})
    assert own.status == 403 and "own account" in own.body["message"]


def test_suspend_and_reactivate(exchange, admins):
    user = onboarded(exchange)
    user_id = user["user_id"]
    path = f"/v1/users/{user_id}/status"
    suspended = call(exchange.http_url, "POST", path, {"status": "ACCOUNT_STATUS_SUSPENDED", "reason": "chargeback"},
                     admins["maker"]["token"])
    assert suspended.status == 200, suspended.body
    assert suspended.body["user"]["status"] == "ACCOUNT_STATUS_SUSPENDED"
    assert suspended.body["user"]["status_reason"] == "chargeback"
    # A suspended user can still read their profile.
    assert wait_for_profile(exchange, user["token"])["user"]["status"] == "ACCOUNT_STATUS_SUSPENDED"
    # The same status again is a no-op: no second event.
    again = call(exchange.http_url, "POST", path, {"status": "ACCOUNT_STATUS_SUSPENDED", "reason": "again"},
                 admins["checker"]["token"])
    assert again.status == 200 and again.body["user"]["status_reason"] == "chargeback"
    reactivated = call(exchange.http_url, "POST", path, {"status": "ACCOUNT_STATUS_ACTIVE", "reason": "resolved"},
                       admins["checker"]["token"])
    assert reactivated.status == 200 and reactivated.body["user"]["status"] == "ACCOUNT_STATUS_ACTIVE"
    published = events(exchange, user_id, "user.status_changed.v1")
    assert [e[0] for e in published] == [f"user-status:{user_id}:v2", f"user-status:{user_id}:v3"]
    first = user_events.UserStatusChanged.FromString(published[0][1])
    assert (first.from_status, first.to_status, first.reason) == (1, 2, "chargeback")
    # Traders cannot do it at all.
    assert call(exchange.http_url, "POST", path, {"status": "ACCOUNT_STATUS_SUSPENDED", "reason": "x"},
                user["token"]).status == 403


def test_admins_read_any_profile_traders_do_not(exchange, admins):
    user = onboarded(exchange)
    other = signup(exchange)
    found = call(exchange.http_url, "GET", f"/v1/users/{user['user_id']}", token=admins["checker"]["token"])
    assert found.status == 200 and found.body["user"]["email"] == user["email"]
    assert found.body["limits"]["tier"] == 0
    assert call(exchange.http_url, "GET", f"/v1/users/{user['user_id']}", token=other["token"]).status == 403
    missing = call(exchange.http_url, "GET", "/v1/users/01NOSUCHUSER0000000000000", token=admins["maker"]["token"])
    assert missing.status == 404 and "01NOSUCHUSER0000000000000" in missing.body["message"]


@pytest.mark.parametrize("body,field", [
    ({"reason": "verified"}, "to_tier"),
    ({"to_tier": 9, "reason": "verified"}, "to_tier"),
    ({"to_tier": 0, "reason": "verified"}, "to_tier"),
    ({"to_tier": 1}, "reason"),
    ({"to_tier": 1, "reason": "   "}, "reason"),
    ({"to_tier": "one", "reason": "verified"}, "to_tier"),
])
def test_bad_kyc_request_is_400_naming_the_field_and_stores_nothing(exchange, admins, body, field):
    user = onboarded(exchange)
    response = kyc_request(exchange, admins["maker"]["token"], user["user_id"], body)
    assert response.status == 400, response.body
    assert field in response.body["message"]
    assert sql(exchange, "select count(*) from users.kyc_tier_requests where user_id = %s", user["user_id"]) == [(0,)]


@pytest.mark.parametrize("body,field", [
    ({"reason": "fraud"}, "status"),
    ({"status": 7, "reason": "fraud"}, "status"),
    ({"status": "ACCOUNT_STATUS_SUSPENDED"}, "reason"),
])
def test_bad_status_change_is_400_naming_the_field_and_changes_nothing(exchange, admins, body, field):
    user = onboarded(exchange)
    response = call(exchange.http_url, "POST", f"/v1/users/{user['user_id']}/status", body,
                    admins["maker"]["token"])
    assert response.status == 400, response.body
    assert field in response.body["message"]
    assert sql(exchange, "select status, version from users.profiles where user_id = %s",
               user["user_id"]) == [("ACTIVE", 1)]
    assert events(exchange, user["user_id"], "user.status_changed.v1") == []


@pytest.mark.parametrize("query,field", [
    ("page_size=-1", "page_size"),
    ("page_token=not-a-token", "page_token"),
    ("user_id=bad%20id", "user_id"),
    ("status=7", "status"),
])
def test_bad_list_query_is_400_naming_the_field(exchange, admins, query, field):
    response = call(exchange.http_url, "GET", f"/v1/kyc-tier-requests?{query}", token=admins["checker"]["token"])
    assert response.status == 400, response.body
    assert field in response.body["message"]


def test_request_list_pages_newest_first(exchange, admins):
    for _ in range(3):
        user = onboarded(exchange)
        assert kyc_request(exchange, admins["maker"]["token"], user["user_id"],
                           {"to_tier": 1, "reason": "verified"}).status == 200
    seen, token = [], ""
    while True:
        page = call(exchange.http_url, "GET", f"/v1/kyc-tier-requests?page_size=2&page_token={token}",
                    token=admins["checker"]["token"])
        assert page.status == 200 and len(page.body["requests"]) <= 2
        seen += [r["request_id"] for r in page.body["requests"]]
        token = page.body["next_page_token"]
        if not token:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) >= 3


def test_concurrent_approvals_change_the_tier_once(exchange, admins):
    user = onboarded(exchange)
    request_id = kyc_request(exchange, admins["maker"]["token"], user["user_id"],
                             {"to_tier": 2, "reason": "institutional desk"}).body["request"]["request_id"]
    path = f"/v1/kyc-tier-requests/{request_id}/approve"
    with ThreadPoolExecutor(10) as pool:
        statuses = sorted(pool.map(lambda _: call(exchange.http_url, "POST", path, {},
                                                  admins["checker"]["token"]).status, range(10)))
    assert statuses == [200] + [400] * 9
    assert sql(exchange, "select kyc_tier, version from users.profiles where user_id = %s",
               user["user_id"]) == [(2, 2)]
    assert len(events(exchange, user["user_id"], "user.kyc_updated.v1")) == 1
