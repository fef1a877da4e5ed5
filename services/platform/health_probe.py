"""python -m services.platform.health_probe PORT: exit 0 when the service on 127.0.0.1:PORT
answers grpc.health.v1 SERVING over the mesh's mutual TLS (with this pod's own certificate).

Kubernetes' built-in gRPC probe cannot present a client certificate, and service ports accept
no other kind of connection, so the manifests in k8s/ probe with this instead."""
from __future__ import annotations

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.platform.mesh_tls import MeshTls


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: python -m services.platform.health_probe PORT", file=sys.stderr)
        return 2
    tls = MeshTls.from_env()
    with grpc.secure_channel(f"127.0.0.1:{argv[0]}", tls.channel_credentials()) as channel:
        try:
            status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2).status
        except grpc.RpcError as error:
            print(f"not serving: {error.code().name} {error.details()}", file=sys.stderr)
            return 1
    return 0 if status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
