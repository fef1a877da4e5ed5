"""python -m mesh.market_maker: the demo market maker `tradex up` starts (TRADEX_MARKET_MAKER=0: off).

A client like any other, through Envoy with the Python SDK: two accounts of its own (signed up,
funded by deposits through the payment rail, subject to KYC tier limits and rate limits):

- the maker keeps `levels` bids and asks around each instrument's index price (GetIndexPrice),
  `step` apart, and requotes (cancel, then place) when the index moved by more than half a step;
- the taker sends a small MARKET order of random side every `trade_every_s`, so there are trades,
  candles and a moving mark.

Settings: TRADEX_MM_TARGET (Envoy host:port), TRADEX_MM_PASSWORD, TRADEX_MM_SYMBOLS (comma list),
TRADEX_MM_LEVELS (3), TRADEX_MM_STEP ("0.001"), TRADEX_MM_REFRESH_S (2), TRADEX_MM_TRADE_EVERY_S (5),
TRADEX_MM_DEPOSITS and TRADEX_MM_LEVEL_NOTIONAL (JSON, per asset). Nothing here may crash on a refusal: it logs and goes on.
"""
from __future__ import annotations

import json
import logging
import os
import random
import signal
import time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tradex_sdk import Client
from tradex_sdk.errors import (
    AlreadyExistsError,
    FailedPreconditionError,
    NotFoundError,
    RateLimitedError,
    TradexError,
    UnauthenticatedError,
)

from services.platform.logs import configure_logging

log = logging.getLogger("market_maker")

DEFAULT_SYMBOLS = "BTC-USDT-PERP,ETH-USDT-PERP,BTC-INR-PERP"
# Within a KYC tier 0 account's daily deposit caps: it is an ordinary new account.
DEFAULT_DEPOSITS = json.dumps({"USDT": "1000", "INR": "85000"})
# Per level, in the quote asset: three levels a side hold more than the pricing service's default
# impact notional, so premium samples (and so the funding rate) have a book to read.
DEFAULT_LEVEL_NOTIONAL = json.dumps({"USDT": "250", "INR": "21000"})


def to_step(value: Decimal, step: Decimal, rounding) -> Decimal:
    return (value / step).to_integral_value(rounding=rounding) * step


def quotes(index: Decimal, tick: Decimal, lot: Decimal, min_notional: Decimal, levels: int,
           step: Decimal, level_notional: Decimal = Decimal(0)) -> list[tuple[str, Decimal, Decimal]]:
    """(side, price, quantity) of each level: bids below, asks above the index, on the tick grid;
    the quantity is the smallest lot multiple worth `level_notional` and at least twice the
    minimum notional."""
    out = []
    for k in range(1, levels + 1):
        bid = to_step(index * (1 - step * k), tick, ROUND_FLOOR)
        ask = to_step(index * (1 + step * k), tick, ROUND_CEILING)
        for side, price in (("BUY", bid), ("SELL", ask)):
            if price <= 0:
                continue
            quantity = max(lot, to_step(max(2 * min_notional, level_notional) / price, lot, ROUND_CEILING))
            out.append((side, price, quantity))
    return out


class Trader:
    """One SDK client that keeps itself signed in."""

    def __init__(self, target: str, email: str, password: str) -> None:
        self.client = Client(target)
        self.email, self.password = email, password

    def sign_in(self) -> None:
        try:
            self.client.signup(self.email, self.password)
            log.info("signed up %s", self.email)
        except AlreadyExistsError:
            self.client.login(self.email, self.password)

    def call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UnauthenticatedError:
            try:
                self.client.refresh()
            except TradexError:
                self.sign_in()
            return fn(*args, **kwargs)

    def fund(self, deposits: dict[str, Decimal]) -> bool:
        """Tops up each asset below half its target; False when a deposit was refused (a new
        account's wallet opens a moment after signup: try again soon)."""
        available = {b.asset: Decimal(b.available or "0") for b in self.call(self.client.balances)}
        done = True
        for asset, amount in deposits.items():
            if available.get(asset, Decimal(0)) < amount / 2:
                try:
                    deposit = self.call(self.client.create_deposit, asset, amount)
                except FailedPreconditionError as refused:  # e.g. the tier's daily cap: tomorrow then
                    log.info("deposit of %s %s refused: %s", amount, asset, refused)
                    done = False
                    continue
                log.info("deposit %s %s requested (%s)", amount, asset, deposit.deposit_id)
        return done


class MarketMaker:
    def __init__(self) -> None:
        env = os.environ
        self.target = env["TRADEX_MM_TARGET"]
        password = env["TRADEX_MM_PASSWORD"]
        self.symbols = [s for s in (env.get("TRADEX_MM_SYMBOLS") or DEFAULT_SYMBOLS).split(",") if s]
        self.levels = int(env.get("TRADEX_MM_LEVELS") or 3)
        self.step = Decimal(env.get("TRADEX_MM_STEP") or "0.001")
        self.refresh_s = float(env.get("TRADEX_MM_REFRESH_S") or 2)
        self.trade_every_s = float(env.get("TRADEX_MM_TRADE_EVERY_S") or 5)
        self.level_notional = {a: Decimal(v) for a, v in
                               json.loads(env.get("TRADEX_MM_LEVEL_NOTIONAL") or DEFAULT_LEVEL_NOTIONAL).items()}
        self.deposits = {a: Decimal(v) for a, v in json.loads(env.get("TRADEX_MM_DEPOSITS") or DEFAULT_DEPOSITS).items()}
        self.maker = Trader(self.target, "market-maker@tradex.local", password)
        self.taker = Trader(self.target, "noise-taker@tradex.local", password)
        self.centre: dict[str, Decimal] = {}
        self.instruments: dict[str, object] = {}
        self.next_trade = 0.0
        self.next_funding_check = 0.0
        self.stopping = False
        self._random = random.Random()

    def requote(self, symbol: str) -> None:
        instrument = self.instruments.get(symbol)
        if instrument is None:
            instrument = self.instruments[symbol] = self.maker.call(self.maker.client.get_instrument, symbol)
        index = self.maker.call(self.maker.client.get_index_price, symbol)
        if index.stale or not index.price:
            return
        price = Decimal(index.price)
        centre = self.centre.get(symbol)
        if centre is not None and abs(price - centre) / centre < self.step / 2:
            return
        for order in self.maker.call(self.maker.client.list_open_orders, symbol):
            try:
                self.maker.call(self.maker.client.cancel_order, order.order_id)
            except (NotFoundError, FailedPreconditionError):
                pass
        for side, limit, quantity in quotes(price, Decimal(instrument.tick_size), Decimal(instrument.lot_size),
                                            Decimal(instrument.min_notional), self.levels, self.step,
                                            self.level_notional.get(instrument.quote_asset, Decimal(0))):
            try:
                self.maker.call(self.maker.client.place_order, symbol, side, quantity, price=limit, leverage="5",
                                time_in_force="POST_ONLY")
            except FailedPreconditionError as refused:
                log.info("quote refused on %s: %s", symbol, refused)
        self.centre[symbol] = price

    def trade(self) -> None:
        symbol = self._random.choice(self.symbols)
        instrument = self.instruments.get(symbol)
        if instrument is None:
            return
        side = self._random.choice(("BUY", "SELL"))
        try:
            self.taker.call(self.taker.client.place_order, symbol, side, instrument.lot_size, order_type="MARKET",
                            time_in_force="IOC", leverage="5")
        except FailedPreconditionError as refused:
            log.info("noise order refused on %s: %s", symbol, refused)

    def run(self) -> None:
        while not self.stopping:
            try:
                self.maker.sign_in()
                self.taker.sign_in()
                break
            except TradexError as problem:  # Auth not up yet, or a limit: try again
                log.info("waiting to sign in: %s", problem)
                time.sleep(2)
        while not self.stopping:
            now = time.monotonic()
            try:
                if now >= self.next_funding_check:
                    self.next_funding_check = now + 60
                    funded = [self.maker.fund(self.deposits), self.taker.fund(self.deposits)]
                    if not all(funded):
                        self.next_funding_check = now + 3
                        self.centre.clear()  # requote once the money is there
                for symbol in self.symbols:
                    try:
                        self.requote(symbol)
                    except NotFoundError:
                        pass  # not seeded yet, or no index price yet
                if now >= self.next_trade:
                    self.trade()
                    self.next_trade = now + self.trade_every_s
            except RateLimitedError:
                log.info("rate limited; backing off")
                time.sleep(5)
            except TradexError as problem:
                log.warning("market maker step failed: %s", problem)
                time.sleep(1)
            time.sleep(self.refresh_s)


def main() -> None:
    configure_logging("market_maker")
    maker = MarketMaker()

    def stop(*_args) -> None:
        maker.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    maker.run()


if __name__ == "__main__":
    main()
