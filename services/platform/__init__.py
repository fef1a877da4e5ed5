"""What every TradeX service shares: config, logs, the gRPC bootstrap, errors, auth, storage,
Kafka with the outbox relay and the inbox. Services import this package and `tradex.*`
(generated), never each other."""
