"""Issue 14's end-to-end scenario, through the SDK only (no REST, no SQL): an admin creates and
approves an instrument; two users sign up, deposit through the rail, trade with each other, see
fills, positions and balances change consistently, and stream the book with checksums verified
(sync and async); a third user's requests for their data are refused."""
from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal

import pytest
from tradex_sdk import (
    AsyncClient,
    Client,
    InsufficientMargin,
    InvalidOrder,
    NotFoundError,
    PermissionDeniedError,
    UnauthenticatedError,
)

from tests.e2e.order_support import publish_index

pytestmark = pytest.mark.e2e
PASSWORD = "a-Good-passw0rd!"


def eventually(read, check, timeout: float = 30.0, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached, last value: {value!r}")
        time.sleep(interval)


def usdt(client: Client):
    [balance] = [b for b in client.wallet.balances() if b.asset == "USDT"]
    return balance


def new_symbol() -> dict:
    base = "S" + uuid.uuid4().hex[:6].upper()
    return {"symbol": f"{base}-USDT-PERP", "base_asset": base, "quote_asset": "USDT", "tick_size": "0.01",
            "lot_size": "0.1", "min_notional": "10", "max_leverage": "20", "maintenance_margin_rate": "0.01",
            "maker_fee_rate": "0.0001", "taker_fee_rate": "0.0004", "price_band_rate": "0.1",
            "max_order_quantity": "1000"}


def run_scenario(target: str, maker: dict, checker: dict, priced=lambda symbol: None) -> None:
    """`priced(symbol)` gives the new market its index price (100) before anyone trades: a LIMIT
    order on a market with no price at all is refused (NO_REFERENCE_PRICE)."""
    spec = new_symbol()
    symbol = spec["symbol"]
    with Client(target) as admin_maker, Client(target) as admin_checker:
        admin_maker.auth.login(maker["email"], maker["password"])
        admin_checker.auth.login(checker["email"], checker["password"])
        proposed = admin_maker.admin.create_instrument(**spec)
        assert proposed.symbol == symbol and proposed.tick_size == Decimal("0.01")
        approved = admin_checker.admin.approve_instrument(symbol)
        assert approved.status.name == "INSTRUMENT_STATUS_ACTIVE"
    priced(symbol)

    alice, bob, eve = Client(target), Client(target), Client(target)
    try:
        for who, client in (("alice", alice), ("bob", bob), ("eve", eve)):
            tokens = client.auth.signup(f"{who}-{uuid.uuid4().hex[:8]}@example.com", PASSWORD)
            assert tokens.roles == ("trader",) and tokens.access_token
        for client in (alice, bob):
            deposit = client.wallet.deposit("USDT", Decimal("1000"))
            assert deposit.amount == Decimal("1000")
            assert [d.deposit_id for d in client.wallet.deposits()] == [deposit.deposit_id]
        for client in (alice, bob):
            eventually(lambda c=client: usdt(c).available, lambda v: v == Decimal("1000"))

        # Typed errors with reasons; floats are refused before anything is sent.
        with pytest.raises(InvalidOrder) as off_tick:
            alice.orders.place(symbol, "BUY", Decimal("1"), price=Decimal("100.001"))
        assert off_tick.value.reason == "INVALID_ARGUMENT"
        with pytest.raises(TypeError):
            alice.orders.place(symbol, "BUY", 1.0, price=Decimal("100"))
        # Risk learns of a new account from an event: UNKNOWN_ACCOUNT until then.
        broke = eventually(lambda: _try(eve.orders.place, symbol, "BUY", Decimal("1"), price=Decimal("100")),
                           lambda e: getattr(e, "reason", "") != "UNKNOWN_ACCOUNT")
        assert isinstance(broke, InsufficientMargin) and broke.reason == "INSUFFICIENT_MARGIN"

        # The book stream (sync): a snapshot, then Alice's resting bid arrives as a verified delta.
        stream = alice.market_data.stream_book(symbol)
        first = next(stream)
        assert first.is_snapshot and first.bids == () and first.checksum == 0
        bid = alice.orders.place(symbol, "BUY", Decimal("2"), price=Decimal("100"))
        assert bid.status.name in ("ORDER_STATUS_NEW", "ORDER_STATUS_PENDING", "ORDER_STATUS_ACCEPTED")
        update = next(stream)
        while not update.bids:
            update = next(stream)
        assert update.best_bid.price == Decimal("100") and update.best_bid.quantity == Decimal("2")
        assert stream.resyncs == []
        stream.close()

        amended = alice.orders.amend(bid.order_id, quantity=Decimal("1.5"))
        assert amended.order_id == bid.order_id
        eventually(lambda: alice.orders.get(bid.order_id).quantity, lambda q: q == Decimal("1.5"))
        assert [o.order_id for o in alice.orders.list(symbol)] == [bid.order_id]

        # Bob sells into it: both see the fill, positions and balances consistently.
        ask = bob.orders.place(symbol, "SELL", Decimal("1"), price=Decimal("100"), time_in_force="IOC")
        [bob_fill] = eventually(lambda: bob.orders.fills(symbol), lambda f: len(f) == 1)
        [alice_fill] = eventually(lambda: alice.orders.fills(symbol), lambda f: len(f) == 1)
        assert bob_fill.order_id == ask.order_id and alice_fill.order_id == bid.order_id
        assert bob_fill.trade_id == alice_fill.trade_id
        assert (bob_fill.price, bob_fill.quantity) == (alice_fill.price, alice_fill.quantity) == \
            (Decimal("100"), Decimal("1"))
        assert bob_fill.liquidity_role.name.endswith("TAKER") and alice_fill.liquidity_role.name.endswith("MAKER")
        [long] = eventually(lambda: alice.positions.list(symbol), lambda p: len(p) == 1 and p[0].size)
        [short] = eventually(lambda: bob.positions.list(symbol), lambda p: len(p) == 1 and p[0].size)
        assert long.side.name.endswith("LONG") and short.side.name.endswith("SHORT")
        assert long.size == short.size == Decimal("1") and long.entry_price == Decimal("100")
        for client, fill in ((alice, alice_fill), (bob, bob_fill)):
            # The Wallet applies Position's settlement.v1 a hop after the position shows: wait for it.
            balance = eventually(lambda c=client: usdt(c), lambda b, f=fill: b.total == Decimal("1000") - f.fee)
            assert balance.available < Decimal("1000")  # no price move yet: only the fee is spent

        # Cancel the rest of Alice's bid; cancel_all finds nothing else.
        cancelled = alice.orders.cancel(bid.order_id)
        assert cancelled.order_id == bid.order_id
        eventually(lambda: alice.orders.get(bid.order_id).status.name, lambda s: s == "ORDER_STATUS_CANCELLED")
        assert alice.orders.cancel_all(symbol) == ()

        # The third user gets none of their data.
        with pytest.raises(NotFoundError):
            eve.orders.get(bid.order_id)
        assert eve.orders.fills(symbol) == [] and eve.positions.list(symbol) == ()
        with pytest.raises(PermissionDeniedError):
            eve.admin.approve_instrument(symbol)
        eve.auth.logout()
        with pytest.raises(UnauthenticatedError):
            eve.wallet.balances()

        # The same book through AsyncClient: snapshot verified, empty again after the cancel.
        asyncio.run(_async_book(target, symbol))
    finally:
        for client in (alice, bob, eve):
            client.close()


def _try(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the caller looks at the error
        return error


async def _async_book(target: str, symbol: str) -> None:
    async with AsyncClient(target) as client:
        book = await client.market_data.book(symbol)
        stream = client.market_data.stream_book(symbol)
        first = await stream.__anext__()
        assert first.is_snapshot and first.seq == book.engine_seq and first.checksum == book.checksum
        assert stream.resyncs == []
        stream.close()
        ticker = await client.market_data.ticker(symbol)
        assert ticker.last_price == Decimal("100")
        [trade] = await client.market_data.trades(symbol)
        assert trade.quantity == Decimal("1")


def test_sdk_scenario(exchange, admins):
    run_scenario(exchange.grpc_target, admins["maker"], admins["checker"],
                 priced=lambda symbol: publish_index(exchange, symbol, "100"))
