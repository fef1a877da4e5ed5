"""UserService: protobuf in, use case, protobuf out. Roles were checked by the guard
interceptor from the access rule on each RPC; here only the caller's identity is used."""
from __future__ import annotations

from tradex.user.v1 import user_pb2 as pb
from tradex.user.v1 import user_pb2_grpc

from services.platform.auth import require_principal
from services.platform.errors import InvalidArgument
from services.user.adapters.mappers import (
    ACCOUNT_STATUS_FROM_PB,
    KYC_STATUS_FROM_PB,
    kyc_request_to_proto,
    limits_to_proto,
    user_to_proto,
)
from services.user.app.kyc import KycUseCases
from services.user.app.profiles import ProfileUseCases


def _limits(limits) -> pb.KycTierLimits | None:
    return limits_to_proto(limits) if limits is not None else None


class UserServicer(user_pb2_grpc.UserServiceServicer):
    def __init__(self, profiles: ProfileUseCases, kyc: KycUseCases) -> None:
        self._profiles = profiles
        self._kyc = kyc

    async def GetMe(self, request: pb.GetMeRequest, context) -> pb.GetMeResponse:
        caller = require_principal()
        profile, limits = await self._profiles.get(caller.subject, own=True)
        return pb.GetMeResponse(user=user_to_proto(profile), limits=_limits(limits))

    async def GetUser(self, request: pb.GetUserRequest, context) -> pb.GetUserResponse:
        require_principal()
        profile, limits = await self._profiles.get(request.user_id.strip())
        return pb.GetUserResponse(user=user_to_proto(profile), limits=_limits(limits))

    async def RequestKycTierChange(self, request: pb.RequestKycTierChangeRequest,
                                   context) -> pb.RequestKycTierChangeResponse:
        maker = require_principal()
        to_tier = request.to_tier if request.HasField("to_tier") else None
        change = await self._kyc.request(request.user_id.strip(), to_tier, request.reason, maker.subject)
        return pb.RequestKycTierChangeResponse(request=kyc_request_to_proto(change))

    async def ApproveKycTierChange(self, request: pb.ApproveKycTierChangeRequest,
                                   context) -> pb.ApproveKycTierChangeResponse:
        checker = require_principal()
        change, profile = await self._kyc.approve(request.request_id.strip(), checker.subject)
        return pb.ApproveKycTierChangeResponse(request=kyc_request_to_proto(change), user=user_to_proto(profile))

    async def RejectKycTierChange(self, request: pb.RejectKycTierChangeRequest,
                                  context) -> pb.RejectKycTierChangeResponse:
        checker = require_principal()
        change = await self._kyc.reject(request.request_id.strip(), checker.subject, request.reason)
        return pb.RejectKycTierChangeResponse(request=kyc_request_to_proto(change))

    async def ListKycTierChangeRequests(self, request: pb.ListKycTierChangeRequestsRequest,
                                        context) -> pb.ListKycTierChangeRequestsResponse:
        require_principal()
        status = KYC_STATUS_FROM_PB.get(request.status)
        if request.status and status is None:
            raise InvalidArgument(f"status {request.status} is not a known KYC tier change status")
        page, next_token = await self._kyc.list(status, request.user_id.strip(), request.page_size,
                                                request.page_token)
        return pb.ListKycTierChangeRequestsResponse(requests=[kyc_request_to_proto(c) for c in page],
                                                    next_page_token=next_token)

    async def SetAccountStatus(self, request: pb.SetAccountStatusRequest, context) -> pb.SetAccountStatusResponse:
        admin = require_principal()
        status = ACCOUNT_STATUS_FROM_PB.get(request.status)
        if status is None:
            raise InvalidArgument("status must be ACCOUNT_STATUS_ACTIVE or ACCOUNT_STATUS_SUSPENDED")
        profile = await self._profiles.set_status(request.user_id.strip(), status, request.reason, admin.subject)
        return pb.SetAccountStatusResponse(user=user_to_proto(profile))

    async def GetKycTierLimits(self, request: pb.GetKycTierLimitsRequest, context) -> pb.GetKycTierLimitsResponse:
        return pb.GetKycTierLimitsResponse(tiers=[limits_to_proto(t) for t in await self._profiles.tier_limits()])
