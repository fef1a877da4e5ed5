"""AuthService: protobuf in, use case, protobuf out."""
from __future__ import annotations

from tradex.auth.v1 import auth_pb2 as pb
from tradex.auth.v1 import auth_pb2_grpc

from services.auth.app.accounts import AuthUseCases, ClientInfo, Tokens
from services.platform.auth import require_principal
from services.platform.ids import now_ms
from services.platform.mesh_tls import ENVOY_IDENTITY, peer_identity


def _tokens(tokens: Tokens, now_ms: int) -> pb.TokenPair:
    return pb.TokenPair(
        access_token=tokens.access_token, refresh_token=tokens.refresh_token, token_type="Bearer",
        expires_in=max(0, (tokens.access_expires_at_unix_ms - now_ms) // 1000),
        access_token_expires_at_unix_ms=tokens.access_expires_at_unix_ms,
        refresh_token_expires_at_unix_ms=tokens.refresh_expires_at_unix_ms,
        account_id=tokens.account_id, roles=tokens.roles)


def client_info(context) -> ClientInfo:
    """The caller's address as Envoy saw it, else the gRPC peer."""
    metadata = dict(context.invocation_metadata() or ())
    # Envoy (use_remote_address) appends the address it saw to x-forwarded-for: the LAST hop is
    # the one a client cannot forge; earlier hops are whatever the client sent. Only Envoy's
    # identity may speak for a client's address: any other caller's header is ignored.
    forwarded = metadata.get("x-forwarded-for", "") if peer_identity(context) == ENVOY_IDENTITY else ""
    ip = forwarded.split(",")[-1].strip()
    if not ip:
        # grpc peers look like "ipv4:127.0.0.1:5555" or "ipv6:[::1]:5555"
        ip = (context.peer() or "unknown").split(":", 1)[-1].rsplit(":", 1)[0]
    return ClientInfo(ip=ip, user_agent=metadata.get("user-agent", ""))


class AuthServicer(auth_pb2_grpc.AuthServiceServicer):
    def __init__(self, use_cases: AuthUseCases, jwks: dict) -> None:
        self._use_cases = use_cases
        self._jwks = pb.GetJwksResponse(keys=[pb.Jwk(**key) for key in jwks["keys"]])

    async def Signup(self, request: pb.SignupRequest, context) -> pb.SignupResponse:
        tokens = await self._use_cases.signup(request.email, request.password, client_info(context))
        return pb.SignupResponse(tokens=_tokens(tokens, now_ms()))

    async def Login(self, request: pb.LoginRequest, context) -> pb.LoginResponse:
        tokens = await self._use_cases.login(request.email, request.password, client_info(context))
        return pb.LoginResponse(tokens=_tokens(tokens, now_ms()))

    async def Refresh(self, request: pb.RefreshRequest, context) -> pb.RefreshResponse:
        tokens = await self._use_cases.refresh(request.refresh_token)
        return pb.RefreshResponse(tokens=_tokens(tokens, now_ms()))

    async def Logout(self, request: pb.LogoutRequest, context) -> pb.LogoutResponse:
        caller = require_principal()
        await self._use_cases.logout(caller.subject, request.refresh_token, request.all_sessions)
        return pb.LogoutResponse()

    async def GetJwks(self, request: pb.GetJwksRequest, context) -> pb.GetJwksResponse:
        return self._jwks
