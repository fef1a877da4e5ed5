"""python -m services.order: the Order service process (OrderService + OrderInternalService,
the outbox relay, the engine-event and user-status consumers, the wallet-call drainer, the
placement reconciler and the order.updated.v1 tail behind StreamOrderUpdates)."""
from __future__ import annotations

from pathlib import Path

from tradex.order.v1 import order_pb2, order_pb2_grpc

from services.order.adapters import wallet_call_store
from services.order.adapters.instruments import InstrumentDirectory
from services.order.adapters.risk_client import RiskClient
from services.order.adapters.tables import SCHEMA, inbox, outbox
from services.order.adapters.wallet_client import WalletClient
from services.order.api import consumers
from services.order.api.internal_servicer import OrderInternalServicer
from services.order.api.servicer import OrderServicer
from services.order.app.commands import OrderCommands
from services.order.app.liquidation import LiquidationUseCases
from services.order.app.order_margin import OrderMarginSync
from services.order.app.placement import PlacementUseCases
from services.order.app.queries import OrderQueries
from services.order.app.reconciler import PlacementReconciler
from services.order.app.stream import update_tail
from services.order.app.wallet_calls import WalletCallDrainer
from services.order.config import OrderSettings
from services.platform.config import CommonSettings
from services.platform.consumer_hub import ConsumerHub
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.platform.user_stream import UserStreamHub

# A request waiting on another request's placement row gives up after this (ABORTED: retry).
LOCK_TIMEOUT_MS = 10_000
SERVICE_NAMES = [order_pb2.DESCRIPTOR.services_by_name[name].full_name
                 for name in ("OrderService", "OrderInternalService")]


async def build():
    settings = CommonSettings.from_env("order", default_port=50055)
    order = OrderSettings.from_env()
    engine = make_engine(settings.database_url, pool_size=20, lock_timeout_ms=LOCK_TIMEOUT_MS)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    instruments = InstrumentDirectory(order.metadata_addr, ttl_s=order.instrument_ttl_s,
                                      timeout_s=order.rpc_timeout_s)
    risk = RiskClient(order.risk_addr, timeout_s=order.rpc_timeout_s)
    wallet = WalletClient(order.wallet_addr, timeout_s=order.rpc_timeout_s)
    drainer = WalletCallDrainer(engine, wallet.send, sync=OrderMarginSync(engine, wallet),
                                settle_s=order.wallet_call_settle_s)

    def wake_drainer_if_owed() -> None:
        if wallet_call_store.take_queued():
            drainer.wake()

    def after_commit() -> None:
        relay.wake()
        wake_drainer_if_owed()

    placement = PlacementUseCases(engine, instruments, risk, wallet, on_events_committed=after_commit)
    commands = OrderCommands(engine, instruments, risk, on_events_committed=after_commit)
    updates = UserStreamHub()
    public = OrderServicer(placement, commands, OrderQueries(engine), updates)
    internal = OrderInternalServicer(LiquidationUseCases(engine, instruments, on_events_committed=after_commit),
                                     commands)
    hub = ConsumerHub(bootstrap=settings.kafka_bootstrap, group="order.events")
    engine_events = EventConsumer(
        name=consumers.ENGINE_CONSUMER, hub=hub, topics=consumers.ENGINE_TOPICS,
        engine=engine, inbox=inbox, handlers=consumers.ENGINE_HANDLERS, relevant=consumers.is_order_event,
        on_committed=after_commit, sent_together=True)  # the FILLED path: round trips are its time
    # Withdrawn orders' cancel commands reach the relay through the outbox's NOTIFY.
    user_status = EventConsumer(name=consumers.USER_CONSUMER, hub=hub,
                                topics=consumers.USER_TOPICS, engine=engine, inbox=inbox,
                                handlers=consumers.USER_HANDLERS)
    positions = EventConsumer(name=consumers.POSITION_CONSUMER, hub=hub,
                              topics=consumers.POSITION_TOPICS, engine=engine, inbox=inbox,
                              handlers=consumers.POSITION_HANDLERS, relevant=consumers.position_or_settlement,
                              on_committed=wake_drainer_if_owed)
    reconciler = PlacementReconciler(engine, wallet, abandon_after_s=order.placement_abandon_after_s,
                                     interval_s=order.reconcile_interval_s, on_committed=wake_drainer_if_owed)
    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: order_pb2_grpc.add_OrderServiceServicer_to_server(public, server),
                  lambda server: order_pb2_grpc.add_OrderInternalServiceServicer_to_server(internal, server)],
        service_names=SERVICE_NAMES,
        background=[relay.run, hub.run, engine_events.run, user_status.run, positions.run, drainer.run, reconciler.run,
                    update_tail(settings.kafka_bootstrap, updates).run],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "order")
