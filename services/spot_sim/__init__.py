"""A local spot-exchange simulator: the public ticker endpoints of Binance, Coinbase, Kraken and
OKX in their own JSON formats, so that the pricing service's real ccxt code path runs offline."""
