"""python -m services.user: the User service process."""
from __future__ import annotations

from pathlib import Path

from tradex.user.v1 import user_pb2, user_pb2_grpc

from services.platform.config import CommonSettings
from services.platform.db import make_engine
from services.platform.kafka import EventConsumer, make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main
from services.user.adapters.tables import SCHEMA, inbox, outbox
from services.user.api.consumers import ACCOUNT_TOPICS, CONSUMER_NAME, HANDLERS
from services.user.api.servicer import UserServicer
from services.user.app.kyc import KycUseCases
from services.user.app.profiles import ProfileUseCases

SERVICE_NAME = user_pb2.DESCRIPTOR.services_by_name["UserService"].full_name


async def build():
    settings = CommonSettings.from_env("user", default_port=50052)
    engine = make_engine(settings.database_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    consumer = EventConsumer(name=CONSUMER_NAME, bootstrap=settings.kafka_bootstrap, topics=ACCOUNT_TOPICS,
                             engine=engine, inbox=inbox, handlers=HANDLERS)
    servicer = UserServicer(ProfileUseCases(engine, on_events_committed=relay.wake),
                            KycUseCases(engine, on_events_committed=relay.wake))
    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: user_pb2_grpc.add_UserServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        # user.created.v1 is written by the consumer, which has no post-commit hook to wake the
        # relay; the relay's idle poll (20 ms) picks it up.
        background=[relay.run, consumer.run],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "user")
