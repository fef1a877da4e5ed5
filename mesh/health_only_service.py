"""A gRPC server that serves only grpc.health.v1 (SERVING), for testing the runtime without real services.

    HEALTH_ONLY_GRPC_PORT=50051 python -m mesh.health_only_service
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from services.platform.mesh_tls import MeshTls

log = logging.getLogger(__name__)

PORT_ENV = "HEALTH_ONLY_GRPC_PORT"


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    port = int(os.environ[PORT_ENV])
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = health.HealthServicer()
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    # Like every service port: mutual TLS with the certificate the stack handed us.
    tls = MeshTls.from_env()
    server.add_secure_port(f"127.0.0.1:{port}", tls.server_credentials())
    server.start()
    log.info("serving health on 127.0.0.1:%d", port)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    stopping.wait()
    server.stop(grace=1).wait()
    log.info("stopped")


if __name__ == "__main__":
    main()
