"""The external rail simulator: the only simulated part of TradeX. It stands in for a blockchain
watcher (USDT) and a bank / UPI payment gateway (INR): it hands out deposit addresses and
payment references, "sees" the money arrive after a configurable delay, and calls the Wallet's
webhook through Envoy, HMAC-signed as wallet.proto's ConfirmDepositRequest documents.

It imports nothing from the Wallet on purpose: like a real gateway, it implements the signing
rule from the contract."""
