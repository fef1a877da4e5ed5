"""Funding's pure rules: boundaries, payment sign and rounding, freshness, the statement hash a
user verifies, and the seal check on what the Wallet actually did."""
from __future__ import annotations

from decimal import Decimal as D

from services.funding.domain import model
from services.funding.domain.model import FrozenPrices, Line, Outcome, Side

Q = D("0.00000001")
HOUR = 3_600_000


def test_boundaries_are_multiples_of_the_interval_since_the_epoch():
    eight = 8 * HOUR
    assert model.boundary_at_or_before(eight * 10 + 5, eight) == eight * 10
    assert model.boundary_at_or_before(eight * 10, eight) == eight * 10
    assert model.boundary_at_or_before(16 * HOUR + 1, eight) % (24 * HOUR) == 16 * HOUR
    assert model.funding_id(1700000000000, "u1", "BTC-USDT-PERP") == "funding:1700000000000:u1:BTC-USDT-PERP"
    assert model.cycle_id("BTC-USDT-PERP", 5) == "BTC-USDT-PERP:5"


def test_longs_pay_shorts_when_the_rate_is_positive_and_rounding_favours_the_exchange():
    long = model.payment(Side.LONG, D("2"), D("100"), D("0.0001"), Q)
    short = model.payment(Side.SHORT, D("2"), D("100"), D("0.0001"), Q)
    assert (long, short) == (D("-0.02"), D("0.02"))
    assert model.payment(Side.LONG, D("1"), D("100"), D("-0.0001"), Q) == D("0.01")
    assert model.payment(Side.SHORT, D("1"), D("100"), D("-0.0001"), Q) == D("-0.01")
    # 1/3 of a quantum each way: the payer pays a whole quantum, the receiver gets nothing.
    third = D("0.000000003333")
    assert model.payment(Side.LONG, D("1"), D("1"), third, Q) == D("-0.00000001")
    assert model.payment(Side.SHORT, D("1"), D("1"), third, Q) == D("0")
    assert model.payment(Side.LONG, D("1"), D("100"), D("0"), Q) == 0


def test_stale_missing_or_old_prices_never_open_a_cycle():
    fresh = FrozenPrices(D("0.0001"), D("100"), D("99.9"), computed_at_ms=10_000, stale=False)
    assert model.freshness_problem(fresh, now_ms=12_000, max_age_ms=5_000) == ""
    assert "old" in model.freshness_problem(fresh, now_ms=16_000, max_age_ms=5_000)
    assert model.freshness_problem(None, now_ms=0, max_age_ms=1)
    stale = FrozenPrices(D("0.0001"), D("100"), D("99.9"), computed_at_ms=10_000, stale=True)
    assert "stale" in model.freshness_problem(stale, now_ms=10_000, max_age_ms=5_000)


def test_a_user_verifies_their_line_against_the_public_statement():
    lines = [Line(model.funding_id(8, f"u{i}", "X"), Side.LONG if i % 2 else Side.SHORT, D(i + 1), D("100.50"),
                  D("0.0001"), D(i) / 7) for i in range(5)]
    hashes = sorted(model.line_hash(line) for line in lines)
    root = model.statement_hash(hashes)
    mine = lines[3]
    text, h = model.canonical(mine), model.line_hash(mine)
    assert text.startswith("FUNDING_STATEMENT_V1|funding:8:u3:X|LONG|4|100.5|0.0001|")
    assert model.verify_line(text, h, hashes.index(h), hashes, root)
    # Any change to the line, to the list or to the root is detected.
    assert not model.verify_line(text.replace("|LONG|", "|SHORT|"), h, hashes.index(h), hashes, root)
    assert not model.verify_line(text, h, hashes.index(h), hashes[:-1] + ["0" * 64], root)
    assert not model.verify_line(text, h, (hashes.index(h) + 1) % 5, hashes, root)
    # The same lines in any order give the same statement hash.
    assert model.statement_hash(list(reversed(hashes))) == root


def outcome(amount: str, posted: str | None = None, covered: str = "0", uncovered: str = "0",
            applied: bool = True) -> Outcome:
    amount_d = D(amount)
    posted_d = amount_d if posted is None else D(posted)
    short = -(amount_d - posted_d) if amount_d < 0 else D(0)
    return Outcome(amount_d, applied, posted_d, short, D(covered), D(uncovered))


def test_seal_passes_on_a_zero_sum_with_a_covered_shortfall_and_a_positive_residual():
    check = model.seal_check([outcome("-0.02000001"), outcome("0.02"), outcome("-1", "-0.4", covered="0.6"),
                              outcome("1")], D("0.0001"), 0)
    assert check.problem == ""
    assert (check.total_paid, check.total_received) == (D("1.02000001"), D("1.02"))
    assert (check.collected, check.covered, check.credited) == (D("0.42000001"), D("0.6"), D("1.02"))
    assert (check.shortfall, check.residual) == (D("0.6"), D("0.00000001"))


def test_seal_refuses_dead_letters_unapplied_uncovered_or_imbalanced_cycles():
    tol = D("0.0001")
    assert "DEAD_LETTER" in model.seal_check([outcome("-1"), outcome("1")], tol, 1).problem
    assert "not applied" in model.seal_check([outcome("-1", applied=False), outcome("1")], tol, 0).problem
    assert "not covered" in model.seal_check([outcome("-1", "-0.4", covered="0.5", uncovered="0.1"),
                                              outcome("1")], tol, 0).problem
    assert "imbalance" in model.seal_check([outcome("-1"), outcome("2")], tol, 0).problem
    assert model.seal_check([], tol, 0).problem == ""
