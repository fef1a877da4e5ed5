"""The wallet's pure logic: ledger, balances, deposits, order funds, settlements."""
import decimal

# NUMERIC(38,18) holds up to 38 significant digits; Python's default precision (28) would
# silently round the sum of two large balances. Contexts created after this (threads, new
# tasks' first use) start from DefaultContext; the importing thread's is raised directly.
decimal.DefaultContext.prec = 60
decimal.getcontext().prec = max(decimal.getcontext().prec, 60)
