"""python -m services.metadata: the Metadata service process."""
from __future__ import annotations

from pathlib import Path

from tradex.metadata.v1 import metadata_pb2, metadata_pb2_grpc

from services.metadata.adapters.tables import SCHEMA, outbox
from services.metadata.api.servicer import MetadataServicer
from services.metadata.app.instruments import InstrumentUseCases
from services.platform.config import CommonSettings
from services.platform.db import make_engine
from services.platform.kafka import make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main

SERVICE_NAME = metadata_pb2.DESCRIPTOR.services_by_name["MetadataService"].full_name


async def build():
    settings = CommonSettings.from_env("metadata", default_port=50051)
    engine = make_engine(settings.database_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    use_cases = InstrumentUseCases(engine, on_events_committed=relay.wake)
    servicer = MetadataServicer(use_cases)
    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: metadata_pb2_grpc.add_MetadataServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        background=[relay.run],
        on_stop=[engine.dispose],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "metadata")
