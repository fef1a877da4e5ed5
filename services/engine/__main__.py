"""python -m services.engine: the Matching Engine process (all symbols, one apply loop)."""
from __future__ import annotations

from tradex.engine.v1 import engine_pb2, engine_pb2_grpc

from services.engine.api.consumer import CommandLoop
from services.engine.api.servicer import EngineServicer
from services.platform.config import CommonSettings, env_int
from services.platform.runtime import ServiceSpec, load_verifier, main

SERVICE_NAME = engine_pb2.DESCRIPTOR.services_by_name["EngineService"].full_name


async def build():
    settings = CommonSettings.from_env("engine", default_port=50056)
    loop = CommandLoop(settings.kafka_bootstrap, snapshot_every=max(1, env_int("ENGINE_SNAPSHOT_EVERY", 1000)))
    servicer = EngineServicer(loop)
    spec = ServiceSpec(
        settings=settings,
        register=[lambda server: engine_pb2_grpc.add_EngineServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        background=[loop.run],
    )
    # Its RPCs are internal (no token needed), but a token that is sent is still verified.
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "engine")
