"""The Wallet service: balances, deposits through an external rail, and the double-entry ledger."""
