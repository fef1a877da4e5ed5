"""The synchronous calls Settlement makes, over the mesh's mutual TLS:
  Order     CancelUserOrders, SubmitLiquidationOrder (IOC, no lock)
  Wallet    GetAccountBalances, GetSettlementOutcomes, ContributeInsuranceFund, GetSystemBalances
  Position  ListPositionsBySymbol (the account's positions now)
  Metadata  GetInstrument (tick size, taker fee rate, quote asset)
Errors become platform errors; protobuf stops here."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import grpc
from tradex.common.v1 import orders_pb2, positions_pb2, trading_pb2
from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc
from tradex.order.v1 import order_pb2, order_pb2_grpc
from tradex.position.v1 import position_pb2, position_pb2_grpc
from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from services.platform.decimals import format_decimal, parse_decimal
from services.platform.errors import FailedPrecondition, Unavailable
from services.platform.ids import now_ms
from services.platform.mesh_tls import mesh_channel
from services.settlement.domain.liquidation import Side, Wallet

SIDES = {positions_pb2.POSITION_SIDE_LONG: Side.LONG, positions_pb2.POSITION_SIDE_SHORT: Side.SHORT}


@dataclass(frozen=True)
class Instrument:
    symbol: str
    asset: str
    tick_size: Decimal
    taker_fee_rate: Decimal


@dataclass(frozen=True)
class HeldPosition:
    user_id: str
    symbol: str
    asset: str
    side: Side
    size: Decimal
    entry_price: Decimal
    margin: Decimal


@dataclass(frozen=True)
class FillOutcome:
    applied: bool
    shortfall: Decimal
    covered: Decimal


def _unavailable(what: str, error: grpc.aio.AioRpcError) -> Unavailable:
    return Unavailable(f"{what}: {error.code().name} {error.details()}")


class Upstreams:
    def __init__(self, *, order_addr: str, wallet_addr: str, position_addr: str, metadata_addr: str,
                 timeout_s: float = 5.0) -> None:
        self._channels = [mesh_channel(a) for a in (order_addr, wallet_addr, position_addr, metadata_addr)]
        self._orders = order_pb2_grpc.OrderInternalServiceStub(self._channels[0])
        self._wallet = wallet_pb2_grpc.WalletInternalServiceStub(self._channels[1])
        self._positions = position_pb2_grpc.PositionServiceStub(self._channels[2])
        self._metadata = metadata_pb2_grpc.MetadataServiceStub(self._channels[3])
        self._timeout_s = timeout_s
        self._instruments: dict[str, Instrument] = {}

    async def close(self) -> None:
        for channel in self._channels:
            await channel.close()

    async def instrument(self, symbol: str) -> Instrument:
        if symbol in self._instruments:
            return self._instruments[symbol]
        try:
            response = await self._metadata.GetInstrument(metadata_pb2.GetInstrumentRequest(symbol=symbol),
                                                          timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            raise _unavailable(f"metadata GetInstrument {symbol}", error) from None
        i = response.instrument
        found = Instrument(symbol=i.symbol, asset=i.quote_asset.upper(),
                           tick_size=parse_decimal("tick_size", i.tick_size, positive=True),
                           taker_fee_rate=parse_decimal("taker_fee_rate", i.taker_fee_rate or "0"))
        self._instruments[symbol] = found  # an instrument's parameters never change once listed
        return found

    async def cancel_user_orders(self, user_id: str) -> list[str]:
        try:
            response = await self._orders.CancelUserOrders(order_pb2.CancelUserOrdersRequest(
                user_id=user_id, reason=orders_pb2.ORDER_CANCEL_REASON_LIQUIDATION), timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            raise _unavailable("order CancelUserOrders", error) from None
        return list(response.order_ids)

    async def submit_liquidation_order(self, *, liquidation_id: str, user_id: str, symbol: str, side: Side,
                                       quantity: Decimal, price: Decimal) -> str:
        close_side = trading_pb2.SIDE_SELL if side is Side.LONG else trading_pb2.SIDE_BUY
        try:
            response = await self._orders.SubmitLiquidationOrder(order_pb2.SubmitLiquidationOrderRequest(
                liquidation_id=liquidation_id, user_id=user_id, symbol=symbol, side=close_side,
                quantity=format_decimal(quantity), price=format_decimal(price)), timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.ALREADY_EXISTS,
                                grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND):
                raise FailedPrecondition(f"order SubmitLiquidationOrder: {error.code().name} {error.details()}") \
                    from None
            raise _unavailable("order SubmitLiquidationOrder", error) from None
        return response.order.order_id

    async def balances(self, user_id: str, asset: str) -> Wallet:
        try:
            response = await self._wallet.GetAccountBalances(wallet_pb2.GetAccountBalancesRequest(
                user_id=user_id, asset=asset), timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return Wallet(Decimal(0), Decimal(0), Decimal(0))
            raise _unavailable("wallet GetAccountBalances", error) from None
        for b in response.balances:
            if b.asset.upper() == asset:
                return Wallet(available=parse_decimal("available", b.available or "0"),
                              locked=parse_decimal("locked", b.locked or "0"),
                              position_margin=parse_decimal("position_margin", b.position_margin or "0"))
        return Wallet(Decimal(0), Decimal(0), Decimal(0))

    async def user_positions(self, user_id: str, symbols: list[str]) -> list[HeldPosition]:
        """The user's open positions in `symbols`, as the Position service holds them now."""
        found = []
        as_of = now_ms()
        for symbol in symbols:
            token = ""
            while True:
                try:
                    response = await self._positions.ListPositionsBySymbol(position_pb2.ListPositionsBySymbolRequest(
                        symbol=symbol, as_of_unix_ms=as_of, page_size=1000, page_token=token),
                        timeout=self._timeout_s)
                except grpc.aio.AioRpcError as error:
                    raise _unavailable(f"position ListPositionsBySymbol {symbol}", error) from None
                for p in response.positions:
                    if p.user_id != user_id or p.side not in SIDES:
                        continue
                    size = parse_decimal("size", p.size or "0", non_negative=True)
                    if size:
                        found.append(HeldPosition(
                            user_id=p.user_id, symbol=p.symbol or symbol, asset=p.asset.upper(), side=SIDES[p.side],
                            size=size, entry_price=parse_decimal("entry_price", p.entry_price, positive=True),
                            margin=parse_decimal("margin", p.margin or "0")))
                token = response.next_page_token
                if not token:
                    break
        return found

    async def positions_of_symbol(self, symbol: str) -> list[HeldPosition]:
        found, token, as_of = [], "", now_ms()
        while True:
            try:
                response = await self._positions.ListPositionsBySymbol(position_pb2.ListPositionsBySymbolRequest(
                    symbol=symbol, as_of_unix_ms=as_of, page_size=1000, page_token=token), timeout=self._timeout_s)
            except grpc.aio.AioRpcError as error:
                raise _unavailable(f"position ListPositionsBySymbol {symbol}", error) from None
            for p in response.positions:
                size = parse_decimal("size", p.size or "0", non_negative=True)
                if size and p.side in SIDES:
                    found.append(HeldPosition(
                        user_id=p.user_id, symbol=symbol, asset=p.asset.upper(), side=SIDES[p.side], size=size,
                        entry_price=parse_decimal("entry_price", p.entry_price, positive=True),
                        margin=parse_decimal("margin", p.margin or "0")))
            token = response.next_page_token
            if not token:
                return found

    async def fill_outcomes(self, settlement_ids: list[str]) -> dict[str, FillOutcome]:
        result: dict[str, FillOutcome] = {}
        for start in range(0, len(settlement_ids), 1000):
            try:
                response = await self._wallet.GetSettlementOutcomes(wallet_pb2.GetSettlementOutcomesRequest(
                    settlement_ids=settlement_ids[start:start + 1000]), timeout=self._timeout_s)
            except grpc.aio.AioRpcError as error:
                raise _unavailable("wallet GetSettlementOutcomes", error) from None
            for o in response.outcomes:
                result[o.settlement_id] = FillOutcome(
                    applied=o.applied, shortfall=parse_decimal("shortfall", o.shortfall or "0"),
                    covered=parse_decimal("shortfall_covered", o.shortfall_covered or "0"))
        return result

    async def contribute(self, *, transfer_id: str, record_id: str, user_id: str, asset: str, amount: Decimal) -> None:
        try:
            await self._wallet.ContributeInsuranceFund(wallet_pb2.ContributeInsuranceFundRequest(
                transfer_id=transfer_id, settlement_id=record_id, user_id=user_id, asset=asset,
                amount=format_decimal(amount)), timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.ALREADY_EXISTS,
                                grpc.StatusCode.INVALID_ARGUMENT):
                raise FailedPrecondition(f"wallet ContributeInsuranceFund: {error.code().name} "
                                         f"{error.details()}") from None
            raise _unavailable("wallet ContributeInsuranceFund", error) from None

    async def insurance_fund(self) -> list[tuple[str, Decimal, int]]:
        try:
            response = await self._wallet.GetSystemBalances(wallet_pb2.GetSystemBalancesRequest(
                account_kind=wallet_pb2.LEDGER_ACCOUNT_KIND_INSURANCE_FUND), timeout=self._timeout_s)
        except grpc.aio.AioRpcError as error:
            raise _unavailable("wallet GetSystemBalances", error) from None
        return sorted((b.asset, parse_decimal("balance", b.balance or "0"), b.updated_at_unix_ms)
                      for b in response.balances)
