"""The wallet's pure rules: balanced entries, non-negative balances, the trading-path postings,
settlement collection, deposit validation and the webhook signature."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from services.platform.errors import AlreadyExists, FailedPrecondition, InvalidArgument, Unauthenticated
from services.rail_sim.signing import sign as rail_sign
from services.wallet.config import parse_caps
from services.wallet.domain import order_funds as of
from services.wallet.domain import settlements as st
from services.wallet.domain import signature
from services.wallet.domain.balances import Balance, InsufficientFunds, apply_to_users
from services.wallet.domain.deposits import check_daily_cap, parse_deposit_amount, utc_day_start
from services.wallet.domain.idempotency import check_replay, fingerprint
from services.wallet.domain.ledger import (
    Account,
    AccountKind,
    Direction,
    EntryKind,
    JournalEntry,
    Posting,
    UnbalancedEntry,
    check_balanced,
    move,
)

U = "user-1"
AVAILABLE = Account.user(AccountKind.USER_AVAILABLE, U, "USDT")
LOCKED = Account.user(AccountKind.USER_LOCKED, U, "USDT")
MARGIN = Account.user(AccountKind.USER_POSITION_MARGIN, U, "USDT")
FEES = Account.system(AccountKind.FEES, "USDT")
EXTERNAL = Account.system(AccountKind.EXTERNAL, "USDT")
CLEARING = Account.system(AccountKind.CLEARING, "USDT")
FUND = Account.system(AccountKind.INSURANCE_FUND, "USDT")


def balance(available="0", locked="0", margin="0", version=3) -> Balance:
    return Balance(U, "USDT", D(available), D(locked), D(margin), version)


def applied(postings, start: Balance) -> Balance:
    return apply_to_users({(U, "USDT"): start}, tuple(postings), 1).balances[(U, "USDT")]


# --- the ledger ----------------------------------------------------------------------------------

def test_a_move_is_balanced_and_an_unbalanced_entry_is_refused():
    check_balanced(move(EXTERNAL, AVAILABLE, D("5")))
    with pytest.raises(UnbalancedEntry):
        check_balanced((Posting(EXTERNAL, Direction.DEBIT, D("5")), Posting(AVAILABLE, Direction.CREDIT, D("4.99"))))
    with pytest.raises(UnbalancedEntry):  # balanced in total, but across two assets
        check_balanced((Posting(EXTERNAL, Direction.DEBIT, D("5")),
                        Posting(Account.user(AccountKind.USER_AVAILABLE, U, "INR"), Direction.CREDIT, D("5"))))
    with pytest.raises(UnbalancedEntry):
        check_balanced((Posting(EXTERNAL, Direction.DEBIT, D("0")), Posting(AVAILABLE, Direction.CREDIT, D("0"))))
    with pytest.raises(UnbalancedEntry):
        JournalEntry("j", EntryKind.DEPOSIT, "k", "r", (Posting(AVAILABLE, Direction.CREDIT, D(1)),), 0)


def test_user_accounts_need_an_owner_and_system_accounts_have_none():
    with pytest.raises(ValueError):
        Account(AccountKind.USER_AVAILABLE, "USDT")
    with pytest.raises(ValueError):
        Account(AccountKind.FEES, "USDT", U)


def test_applying_postings_bumps_the_version_once_and_refuses_a_negative_balance():
    after = applied(move(AVAILABLE, LOCKED, D("2")) + move(LOCKED, MARGIN, D("1")), balance(available="5"))
    assert (after.available, after.locked, after.position_margin, after.version) == (D(3), D(1), D(1), 4)
    with pytest.raises(InsufficientFunds) as refused:
        applied(move(AVAILABLE, LOCKED, D("5.000000000000000001")), balance(available="5"))
    assert refused.value.reason == "INSUFFICIENT_FUNDS"


def test_large_balances_keep_all_38_digits():
    big = D("12345678901234567890.123456789012345678")
    after = applied(move(EXTERNAL, AVAILABLE, D("0.000000000000000001")), balance(available=str(big)))
    assert after.available == D("12345678901234567890.123456789012345679")


# --- the trading path ------------------------------------------------------------------------------

def test_lock_takes_available_and_attributes_it_to_the_order():
    funds = of.OrderFunds("o1", U, "USDT")
    postings, funds = of.lock(balance(available="10"), funds, D("4"))
    assert applied(postings, balance(available="10")).locked == D(4)
    assert (funds.locked, funds.total_locked) == (D(4), D(4))
    with pytest.raises(InsufficientFunds):
        of.lock(balance(available="3"), funds, D("4"))


def test_release_never_takes_more_than_the_order_has_locked():
    funds = of.OrderFunds("o1", U, "USDT", locked=D(4), total_locked=D(4))
    with pytest.raises(FailedPrecondition):
        of.release(balance(locked="9"), funds, D("4.5"))  # the user has 9 locked, the order only 4
    postings, funds, released = of.release(balance(locked="9"), funds, None)
    assert released == D(4) and funds.locked == 0 and funds.released == D(4)
    assert of.release(balance(locked="5"), funds, None) == ((), funds, D(0))


def test_settle_trade_moves_margin_then_takes_the_fee_from_the_lock_then_from_available():
    start = balance(available="1", locked="10")
    funds = of.OrderFunds("o1", U, "USDT", locked=D(10), total_locked=D(10))
    postings, funds = of.settle_trade(start, funds, D("9.5"), D("1.2"))
    after = applied(postings, start)
    # 9.5 margin; fee 1.2 = 0.5 from the rest of the lock + 0.7 from available
    assert (after.available, after.locked, after.position_margin) == (D("0.3"), D(0), D("9.5"))
    assert sum(p.signed for p in postings if p.account == FEES) == D("1.2")
    assert (funds.locked, funds.settled_margin, funds.fees) == (D(0), D("9.5"), D("1.2"))


def test_settle_trade_pays_a_maker_rebate_from_fees_and_refuses_what_nothing_covers():
    start = balance(available="0", locked="2")
    funds = of.OrderFunds("o1", U, "USDT", locked=D(2), total_locked=D(2))
    postings, _ = of.settle_trade(start, funds, D("2"), D("-0.1"))
    assert applied(postings, start).available == D("0.1")
    with pytest.raises(InsufficientFunds):
        of.settle_trade(start, funds, D("2"), D("0.01"))


def test_a_fill_needing_more_margin_than_locked_takes_the_excess_from_available():
    # SELL 1 @ 100 at 10x locked 10.04; a bid at 110 filled it, so the position needs 11.
    start = balance(available="5", locked="10.04")
    funds = of.OrderFunds("o1", U, "USDT", locked=D("10.04"), total_locked=D("10.04"))
    postings, funds = of.settle_trade(start, funds, D("11"), D("0.044"))
    after = applied(postings, start)
    assert after.position_margin == D("11") and after.locked == D(0)
    assert after.available == D("5") - D("0.96") - D("0.044")
    assert funds.settled_margin == D("11") and funds.locked == D(0)
    assert sum(p.signed for p in postings) == 0


def test_a_fill_beyond_lock_and_available_moves_what_there_is():
    start = balance(available="0.5", locked="10")
    funds = of.OrderFunds("o1", U, "USDT", locked=D("10"), total_locked=D("10"))
    postings, funds = of.settle_trade(start, funds, D("11"), D(0))
    after = applied(postings, start)
    assert (after.available, after.locked, after.position_margin) == (D(0), D(0), D("10.5"))
    assert funds.settled_margin == D("10.5")


def test_order_funds_belong_to_one_user_and_asset():
    funds = of.OrderFunds("o1", U, "USDT")
    with pytest.raises(InvalidArgument):
        of.check_owner(funds, "someone-else", "USDT")
    with pytest.raises(InvalidArgument):
        of.check_owner(funds, U, "INR")


# --- settlement.v1 and the insurance fund ------------------------------------------------------------

def test_funding_receipt_comes_from_clearing_and_a_payment_from_total_equity():
    postings, posted = st.settle(balance(available="3"), st.SettlementKind.FUNDING, D("5"))
    assert posted == D(5) and postings == move(CLEARING, AVAILABLE, D(5))
    postings, posted = st.settle(balance(available="3"), st.SettlementKind.FUNDING, D("-5"))
    assert posted == D(-3) and postings == move(AVAILABLE, CLEARING, D(3))
    postings, posted = st.settle(balance(available="3", margin="1"), st.SettlementKind.FUNDING, D("-5"))
    assert posted == D(-4) and postings == move(AVAILABLE, CLEARING, D(3)) + move(MARGIN, CLEARING, D(1))
    assert st.settle(balance(available="0"), st.SettlementKind.FUNDING, D("0")) == ((), D(0))


def test_the_kinds_before_trade_are_retired_and_never_applied():
    assert st.RETIRED_KINDS == {"REALIZED_PNL", "MARGIN_RELEASE"}
    assert {k.value for k in st.SettlementKind} == {"FUNDING", "TRADE"}
    with pytest.raises(ValueError):
        st.settle(balance(available="3"), st.SettlementKind.TRADE, D("1"))


def test_insurance_draw_and_contribution():
    assert st.insurance_draw(D(10), "USDT", D(10)) == move(
        Account.system(AccountKind.INSURANCE_FUND, "USDT"), CLEARING, D(10))
    with pytest.raises(InsufficientFunds):
        st.insurance_draw(D(10), "USDT", D("10.01"))
    postings = st.insurance_contribution(balance(available="5", margin="2"), D(3))
    assert applied(postings, balance(available="5", margin="2")).position_margin == 0
    assert applied(postings, balance(available="5", margin="2")).available == D(4)


# --- deposits, idempotency, signature ----------------------------------------------------------------

def test_deposit_amounts_respect_the_asset_precision():
    assert parse_deposit_amount("INR", "100.50") == D("100.50")
    assert parse_deposit_amount("USDT", "0.000001") == D("0.000001")
    for asset, text in (("INR", "1.001"), ("USDT", "0.0000001"), ("USDT", "-1"), ("USDT", "1e3"), ("USDT", "")):
        with pytest.raises(InvalidArgument, match="amount"):
            parse_deposit_amount(asset, text)


def test_daily_cap():
    check_daily_cap("USDT", D(1000), D(400), D(600), 0)
    with pytest.raises(FailedPrecondition) as refused:
        check_daily_cap("USDT", D(1000), D(400), D("600.01"), 0)
    assert refused.value.reason == "DEPOSIT_CAP_EXCEEDED"
    assert utc_day_start(86_400_000 * 3 + 5) == 86_400_000 * 3
    assert parse_caps('{"0": {"USDT": "5"}}') == {0: {"USDT": D(5)}}


def test_fingerprints_normalise_decimals():
    assert fingerprint(amount=D("10"), order_id="o") == fingerprint(amount=D("10.000"), order_id="o")
    assert fingerprint(amount=D("10"), order_id="o") != fingerprint(amount=D("10.1"), order_id="o")
    with pytest.raises(AlreadyExists):
        check_replay("lock:o", fingerprint(amount=D(1)), fingerprint(amount=D(2)))


SECRET = b"0123456789abcdef0123456789abcdef"


def _verify(**overrides):
    fields = dict(deposit_id="d1", rail_reference="0xabc", asset="USDT", amount="10.5", timestamp_unix_ms=1_000_000)
    fields["signature"] = signature.sign(SECRET, **fields)
    fields.update(overrides)
    signature.verify(SECRET, now_ms=1_000_000 + 1000, tolerance_ms=300_000, **fields)


def test_the_signature_covers_every_field_and_the_timestamp_must_be_fresh():
    _verify()
    for field, value in (("amount", "10.50"), ("asset", "INR"), ("deposit_id", "d2"), ("rail_reference", "0xabd"),
                         ("signature", "0" * 64), ("signature", "")):
        with pytest.raises(Unauthenticated):
            _verify(**{field: value})
    fields = dict(deposit_id="d1", rail_reference="0xabc", asset="USDT", amount="10.5", timestamp_unix_ms=1)
    with pytest.raises(Unauthenticated, match="timestamp") as stale:
        signature.verify(SECRET, signature=signature.sign(SECRET, **fields), now_ms=400_000, tolerance_ms=300_000,
                         **fields)
    assert stale.value.reason == "STALE_SIGNATURE"


def test_the_rail_simulator_signs_exactly_as_the_wallet_verifies():
    fields = dict(deposit_id="d1", rail_reference="UTR1", asset="INR", amount="99.5", timestamp_unix_ms=42)
    assert rail_sign(SECRET, **fields) == signature.sign(SECRET, **fields)
    assert signature.canonical(**fields) == "v1|d1|UTR1|INR|99.5|42"


# --- settlement.v1 kind TRADE ----------------------------------------------------------------------

def test_trade_instruction_moves_margin_from_the_orders_lock_and_charges_the_fee_from_its_rest():
    start = Balance(U, "USDT", available=D(100), locked=D(12), position_margin=D(0))
    funds = of.OrderFunds("o", U, "USDT", locked=D(12), total_locked=D(12))
    applied = st.settle_trade_instruction(start, funds, st.TradeInstruction(D(0), D(10), D(0), D("0.5")))
    assert applied.funds.locked == D("1.5") and applied.funds.settled_margin == 10 and applied.funds.fees == D("0.5")
    assert (applied.margin_short, applied.pnl_short, applied.fee_short) == (0, 0, 0)
    assert applied.postings == (move(LOCKED, MARGIN, D(10)) + move(LOCKED, FEES, D("0.5")))


def test_trade_instruction_frees_margin_before_a_loss_and_never_refuses():
    start = Balance(U, "USDT", available=D(1), locked=D(0), position_margin=D(10))
    funds = of.OrderFunds("o", U, "USDT")
    # close: 10 margin back, a loss of 25 and a fee of 1: equity is 11, so 15 is short
    applied = st.settle_trade_instruction(start, funds, st.TradeInstruction(D(10), D(0), D(-25), D(1)))
    assert (applied.pnl_short, applied.fee_short) == (D(14), D(1))
    assert applied.postings == (move(MARGIN, AVAILABLE, D(10)) + move(AVAILABLE, CLEARING, D(11)))
    cover, uncovered = st.shortfall_cover(D(5), "USDT", applied.pnl_short, applied.fee_short)
    assert cover == move(FUND, CLEARING, D(5)) and uncovered == D(10)


def test_an_order_margin_bucket_is_set_to_a_level_in_one_move():
    bucket = of.OrderFunds("om:u:S", U, "USDT", locked=D(10), total_locked=D(10))
    postings, funds, short = of.set_level(balance(available="5", locked="10"), bucket, D(4))
    assert postings == move(LOCKED, AVAILABLE, D(6)) and (funds.locked, funds.released, short) == (D(4), D(6), 0)
    postings, funds, short = of.set_level(balance(available="5", locked="10"), bucket, D(13))
    assert postings == move(AVAILABLE, LOCKED, D(3)) and (funds.locked, funds.total_locked, short) == (D(13), D(13), 0)
    # never refused: what available cannot cover stays short
    postings, funds, short = of.set_level(balance(available="5", locked="10"), bucket, D(20))
    assert postings == move(AVAILABLE, LOCKED, D(5)) and (funds.locked, short) == (D(15), D(5))
    assert of.set_level(balance(available="5", locked="10"), bucket, D(10)) == ((), bucket, 0)
    with pytest.raises(InvalidArgument):
        of.set_level(balance(), bucket, D(-1))
