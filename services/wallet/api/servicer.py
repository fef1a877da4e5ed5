"""WalletService (public, through Envoy): the caller's deposits, balances and ledger, and the
rail's webhook. Roles were checked by the guard interceptor from each RPC's access rule; the
caller's identity (the JWT `sub`) is the user id, so nobody can read another user's wallet."""
from __future__ import annotations

from tradex.wallet.v1 import wallet_pb2 as pb
from tradex.wallet.v1 import wallet_pb2_grpc

from services.platform.auth import require_principal
from services.platform.errors import InvalidArgument
from services.platform.ids import now_ms
from services.platform.user_stream import UserStreamHub
from services.wallet.adapters.mappers import (
    balance_to_pb,
    deposit_status_from_pb,
    deposit_to_pb,
    entry_kind_from_pb,
    ledger_line_to_pb,
)
from services.wallet.api.stream import stream_response
from services.wallet.app.deposits import DepositUseCases, WebhookCall
from services.wallet.app.queries import WalletQueries


def _enum(field: str, convert, value: int):
    try:
        return convert(value)
    except ValueError:
        raise InvalidArgument(f"{field} {value} is not a known value") from None


class WalletServicer(wallet_pb2_grpc.WalletServiceServicer):
    def __init__(self, deposits: DepositUseCases, queries: WalletQueries, updates: UserStreamHub) -> None:
        self._deposits = deposits
        self._queries = queries
        self._updates = updates

    async def CreateDeposit(self, request: pb.CreateDepositRequest, context) -> pb.CreateDepositResponse:
        caller = require_principal()
        deposit = await self._deposits.create(caller.subject, request.asset, request.amount,
                                              request.client_request_id)
        return pb.CreateDepositResponse(deposit=deposit_to_pb(deposit, now_ms()))

    async def GetDeposit(self, request: pb.GetDepositRequest, context) -> pb.GetDepositResponse:
        caller = require_principal()
        deposit = await self._deposits.get(caller.subject, request.deposit_id)
        return pb.GetDepositResponse(deposit=deposit_to_pb(deposit, now_ms()))

    async def ListDeposits(self, request: pb.ListDepositsRequest, context) -> pb.ListDepositsResponse:
        caller = require_principal()
        status = _enum("status", deposit_status_from_pb, request.status)
        page, token = await self._deposits.list(caller.subject, request.asset, status, request.page_size,
                                                request.page_token)
        now = now_ms()
        return pb.ListDepositsResponse(deposits=[deposit_to_pb(d, now) for d in page], next_page_token=token)

    async def ListBalances(self, request: pb.ListBalancesRequest, context) -> pb.ListBalancesResponse:
        caller = require_principal()
        return pb.ListBalancesResponse(balances=[balance_to_pb(b) for b in await self._queries.balances(caller.subject)])

    async def ListLedgerEntries(self, request: pb.ListLedgerEntriesRequest, context) -> pb.ListLedgerEntriesResponse:
        caller = require_principal()
        kind = _enum("kind", entry_kind_from_pb, request.kind)
        rows, token = await self._queries.ledger_lines(
            caller.subject, asset=request.asset, kind=kind, start_ms=request.start_unix_ms,
            end_ms=request.end_unix_ms, page_size=request.page_size, page_token=request.page_token)
        return pb.ListLedgerEntriesResponse(entries=[ledger_line_to_pb(r) for r in rows], next_page_token=token)

    async def ConfirmDeposit(self, request: pb.ConfirmDepositRequest, context) -> pb.ConfirmDepositResponse:
        # Anonymous at the edge: the HMAC in the request is the credential (verified first).
        deposit = await self._deposits.confirm(WebhookCall(
            rail_reference=request.rail_reference, deposit_id=request.deposit_id, amount=request.amount,
            asset=request.asset, timestamp_unix_ms=request.timestamp_unix_ms, signature=request.signature))
        return pb.ConfirmDepositResponse(deposit=deposit_to_pb(deposit, now_ms()))

    async def StreamBalanceUpdates(self, request: pb.StreamBalanceUpdatesRequest, context):
        caller = require_principal()
        asset = request.asset.strip()
        if len(asset) > 16:
            raise InvalidArgument("asset is at most 16 characters")
        async for _topic, event in self._updates.subscribe(caller.subject):
            if asset and event.balance.asset != asset:
                continue
            yield stream_response(event)
