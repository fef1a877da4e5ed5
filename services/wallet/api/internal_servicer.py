"""WalletInternalService: the trading path's and liquidation's wallet calls. Never routed by
Envoy (every RPC is `internal`), so callers are trusted mesh processes; the input is still
validated field by field, because a caller's bug must not move money."""
from __future__ import annotations

from tradex.common.v1 import trading_pb2
from tradex.wallet.v1 import wallet_pb2 as pb
from tradex.wallet.v1 import wallet_pb2_grpc

from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import InvalidArgument
from services.wallet.adapters.mappers import (
    account_kind_from_pb,
    balance_to_pb,
    entry_to_pb,
    order_funds_to_pb,
    system_balance_to_pb,
)
from services.wallet.app.funds import FundsUseCases, TradeFill
from services.wallet.app.queries import WalletQueries
from services.wallet.app.settlements import InsuranceUseCases
from services.wallet.domain.deposits import parse_asset


def _required(field: str, value: str) -> str:
    if not value:
        raise InvalidArgument(f"{field} is required")
    return value


class WalletInternalServicer(wallet_pb2_grpc.WalletInternalServiceServicer):
    def __init__(self, funds: FundsUseCases, insurance: InsuranceUseCases, queries: WalletQueries) -> None:
        self._funds = funds
        self._insurance = insurance
        self._queries = queries

    async def LockFunds(self, request: pb.LockFundsRequest, context) -> pb.LockFundsResponse:
        result = await self._funds.lock(
            lock_id=request.lock_id, order_id=_required("order_id", request.order_id),
            user_id=_required("user_id", request.user_id), asset=parse_asset("asset", request.asset),
            amount=parse_decimal("amount", request.amount, positive=True))
        return pb.LockFundsResponse(order_funds=order_funds_to_pb(result.order_funds),
                                    balance=balance_to_pb(result.balance))

    async def ReleaseFunds(self, request: pb.ReleaseFundsRequest, context) -> pb.ReleaseFundsResponse:
        which = request.WhichOneof("release")
        if which is None:
            raise InvalidArgument("one of amount or all_remaining is required")
        if which == "all_remaining" and not request.all_remaining:
            raise InvalidArgument("all_remaining must be true when set")
        amount = parse_decimal("amount", request.amount, positive=True) if which == "amount" else None
        result = await self._funds.release(
            release_id=_required("release_id", request.release_id), order_id=_required("order_id", request.order_id),
            user_id=_required("user_id", request.user_id), amount=amount)
        return pb.ReleaseFundsResponse(released=_format(result.amount), order_funds=order_funds_to_pb(result.order_funds),
                                       balance=balance_to_pb(result.balance))

    async def SetOrderMargin(self, request: pb.SetOrderMarginRequest, context) -> pb.SetOrderMarginResponse:
        result = await self._funds.set_order_margin(
            operation_id=_required("operation_id", request.operation_id),
            order_id=_required("order_id", request.order_id), user_id=_required("user_id", request.user_id),
            asset=parse_asset("asset", request.asset),
            amount=parse_decimal("amount", request.amount, non_negative=True))
        return pb.SetOrderMarginResponse(order_funds=order_funds_to_pb(result.order_funds),
                                         balance=balance_to_pb(result.balance), short=_format(result.amount))

    async def SettleTrade(self, request: pb.SettleTradeRequest, context) -> pb.SettleTradeResponse:
        if request.liquidity_role == trading_pb2.LIQUIDITY_ROLE_UNSPECIFIED:
            raise InvalidArgument("liquidity_role is required (MAKER or TAKER)")
        try:
            role = trading_pb2.LiquidityRole.Name(request.liquidity_role)
        except ValueError:
            raise InvalidArgument(f"liquidity_role {request.liquidity_role} is not a known value") from None
        fill = TradeFill(
            trade_id=_required("trade_id", request.trade_id), order_id=_required("order_id", request.order_id),
            user_id=_required("user_id", request.user_id), symbol=_required("symbol", request.symbol),
            asset=parse_asset("asset", request.asset), liquidity_role=role,
            price=parse_decimal("price", request.price, positive=True),
            quantity=parse_decimal("quantity", request.quantity, positive=True),
            margin=parse_decimal("margin", request.margin, non_negative=True),
            fee=parse_decimal("fee", request.fee))
        result = await self._funds.settle_trade(fill)
        return pb.SettleTradeResponse(
            journal_entry=entry_to_pb(result.entry) if result.entry else None,
            order_funds=order_funds_to_pb(result.order_funds), balance=balance_to_pb(result.balance))

    async def GetAccountBalances(self, request: pb.GetAccountBalancesRequest,
                                 context) -> pb.GetAccountBalancesResponse:
        balances = await self._queries.balances(_required("user_id", request.user_id), request.asset,
                                                must_exist=True)
        return pb.GetAccountBalancesResponse(balances=[balance_to_pb(b) for b in balances])

    async def DrawInsuranceFund(self, request: pb.DrawInsuranceFundRequest, context) -> pb.DrawInsuranceFundResponse:
        result = await self._insurance.draw(
            transfer_id=_required("transfer_id", request.transfer_id),
            settlement_id=_required("settlement_id", request.settlement_id),
            user_id=_required("user_id", request.user_id), asset=parse_asset("asset", request.asset),
            amount=parse_decimal("amount", request.amount, positive=True))
        return pb.DrawInsuranceFundResponse(journal_entry=entry_to_pb(result.entry),
                                            insurance_fund=system_balance_to_pb(result.insurance_fund),
                                            clearing=system_balance_to_pb(result.clearing))

    async def ContributeInsuranceFund(self, request: pb.ContributeInsuranceFundRequest,
                                      context) -> pb.ContributeInsuranceFundResponse:
        result = await self._insurance.contribute(
            transfer_id=_required("transfer_id", request.transfer_id),
            settlement_id=_required("settlement_id", request.settlement_id),
            user_id=_required("user_id", request.user_id), asset=parse_asset("asset", request.asset),
            amount=parse_decimal("amount", request.amount, positive=True))
        return pb.ContributeInsuranceFundResponse(journal_entry=entry_to_pb(result.entry),
                                                  balance=balance_to_pb(result.balance),
                                                  insurance_fund=system_balance_to_pb(result.insurance_fund))

    async def SweepClearingResidual(self, request: pb.SweepClearingResidualRequest,
                                    context) -> pb.SweepClearingResidualResponse:
        result = await self._insurance.sweep_residual(
            transfer_id=_required("transfer_id", request.transfer_id),
            reference_id=_required("reference_id", request.reference_id), asset=parse_asset("asset", request.asset),
            amount=parse_decimal("amount", request.amount, positive=True))
        return pb.SweepClearingResidualResponse(journal_entry=entry_to_pb(result.entry),
                                                insurance_fund=system_balance_to_pb(result.insurance_fund),
                                                clearing=system_balance_to_pb(result.clearing))

    async def GetSystemBalances(self, request: pb.GetSystemBalancesRequest, context) -> pb.GetSystemBalancesResponse:
        try:
            kind = account_kind_from_pb(request.account_kind)
        except ValueError:
            raise InvalidArgument(f"account_kind {request.account_kind} is not a known value") from None
        balances = await self._queries.system_balances(kind, request.asset)
        return pb.GetSystemBalancesResponse(balances=[system_balance_to_pb(b) for b in balances])

    async def GetSettlementOutcomes(self, request: pb.GetSettlementOutcomesRequest,
                                    context) -> pb.GetSettlementOutcomesResponse:
        outcomes = await self._queries.settlement_outcomes(list(dict.fromkeys(request.settlement_ids)))
        return pb.GetSettlementOutcomesResponse(outcomes=[pb.SettlementOutcome(
            settlement_id=o.settlement_id, applied=o.applied, posted=_format(o.posted), shortfall=_format(o.shortfall),
            shortfall_covered=_format(o.covered), shortfall_uncovered=_format(o.uncovered)) for o in outcomes])


def _format(value) -> str:
    return format_decimal(value) if value is not None else "0"
