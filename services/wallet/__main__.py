"""python -m services.wallet: the Wallet service process (WalletService + WalletInternalService,
the outbox relay, and the user and settlement consumers)."""
from __future__ import annotations

from pathlib import Path

from tradex.wallet.v1 import wallet_pb2, wallet_pb2_grpc

from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.platform.user_stream import UserStreamHub, UserTopicTail
from services.wallet.adapters.rail_client import RailClient
from services.wallet.adapters.tables import SCHEMA, inbox, outbox
from services.wallet.api import consumers
from services.wallet.api.internal_servicer import WalletInternalServicer
from services.wallet.api.servicer import WalletServicer
from services.wallet.api.stream import TAILED_TOPICS
from services.wallet.app.deposits import DepositCaps, DepositUseCases
from services.wallet.app.funds import FundsUseCases
from services.wallet.app.queries import WalletQueries
from services.wallet.app.settlements import InsuranceUseCases
from services.wallet.config import WalletSettings

SERVICE_NAMES = [wallet_pb2.DESCRIPTOR.services_by_name[name].full_name
                 for name in ("WalletService", "WalletInternalService")]


async def build():
    settings = CommonSettings.from_env("wallet", default_port=50053)
    wallet = WalletSettings.from_env()
    # 20 concurrent webhooks for one deposit must not queue for a connection.
    engine = make_engine(settings.database_url, pool_size=20)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    deposits = DepositUseCases(
        engine=engine, rail=RailClient(wallet.rail_url), hmac_secret=wallet.rail_hmac_secret,
        caps=DepositCaps(wallet.deposit_caps), webhook_tolerance_ms=wallet.webhook_tolerance_ms,
        deposit_ttl_ms=wallet.deposit_ttl_ms, on_events_committed=relay.wake)
    queries = WalletQueries(engine)
    updates = UserStreamHub()  # StreamBalanceUpdates, fed from wallet.balance.updated.v1
    tail = UserTopicTail(settings.kafka_bootstrap, updates, TAILED_TOPICS, group="wallet.stream")
    public = WalletServicer(deposits, queries, updates)
    internal = WalletInternalServicer(FundsUseCases(engine, relay.wake), InsuranceUseCases(engine, relay.wake),
                                      queries)
    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="wallet.events")
    users = EventConsumer(name="wallet.users", hub=hub, topics=consumers.USER_TOPICS,
                          engine=engine, inbox=inbox, handlers=consumers.USER_HANDLERS)
    settlements = EventConsumer(name="wallet.settlements", hub=hub,
                                topics=consumers.SETTLEMENT_TOPICS, engine=engine, inbox=inbox,
                                handlers=consumers.SETTLEMENT_HANDLERS, sent_together=True)
    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: wallet_pb2_grpc.add_WalletServiceServicer_to_server(public, server),
                  lambda server: wallet_pb2_grpc.add_WalletInternalServiceServicer_to_server(internal, server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, hub.run, users.run, settlements.run, tail.run],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "wallet")
