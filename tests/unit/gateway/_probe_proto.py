"""A throw-away TradeX-style proto for edge tests: one method for each kind of access rule.

The real protos carry no internal or streaming RPC yet (and may change), so the edge tests compile
this one with grpc_tools and append it to the real descriptor set. It is not a contract.
"""

from __future__ import annotations

from pathlib import Path

from google.protobuf import descriptor_pb2

REPO = Path(__file__).resolve().parents[3]
SERVICE = "tradex.edgeprobe.v1.EdgeProbeService"
# A second service, pointed at a closed port by the tests: what a client sees when a service is down.
DOWN_SERVICE = "tradex.edgeprobe.v1.EdgeProbeDownService"

PROBE_PROTO = """
syntax = "proto3";

package tradex.edgeprobe.v1;

import "google/api/annotations.proto";
import "tradex/common/v1/access.proto";

service EdgeProbeService {
  rpc Echo(EchoRequest) returns (EchoResponse) {
    option (google.api.http) = {get: "/v1/probe/echo/{text}"};
    option (tradex.common.v1.access) = {anonymous: true};
  }
  // Has a REST mapping, yet must never be reachable through Envoy.
  rpc InternalEcho(EchoRequest) returns (EchoResponse) {
    option (google.api.http) = {get: "/v1/probe/internal/{text}"};
    option (tradex.common.v1.access) = {internal: true};
  }
  // No access rule at all: internal too.
  rpc NoRuleEcho(EchoRequest) returns (EchoResponse) {
    option (google.api.http) = {get: "/v1/probe/norule/{text}"};
  }
  rpc Count(CountRequest) returns (stream CountResponse) {
    option (google.api.http) = {get: "/v1/probe/count"};
    option (tradex.common.v1.access) = {roles: ["trader"]};
  }
  rpc Upload(stream EchoRequest) returns (EchoResponse) {
    option (tradex.common.v1.access) = {roles: ["trader"]};
  }
}

service EdgeProbeDownService {
  rpc Ping(EchoRequest) returns (EchoResponse) {
    option (google.api.http) = {get: "/v1/probe/down/{text}"};
    option (tradex.common.v1.access) = {anonymous: true};
  }
}

message EchoRequest {
  string text = 1;
}

message EchoResponse {
  string text = 1;
  // The authorization metadata the server saw ("" when none).
  string seen_authorization = 2;
}

message CountRequest {
  int32 up_to = 1;
}

message CountResponse {
  int32 value = 1;
}
"""


def build_probe_descriptor_set(
    workdir: Path, base: Path | None = None
) -> tuple[Path, descriptor_pb2.FileDescriptorSet]:
    """Compiles the probe proto and appends it to ``base`` (default: the real TradeX set).

    Returns the path of the merged set (written in ``workdir``) and the merged set itself.
    """
    import grpc_tools
    from grpc_tools import protoc

    if base is None:
        from tradex_proto import DESCRIPTOR_SET_PATH

        base = Path(DESCRIPTOR_SET_PATH)
    src = workdir / "probe_src"
    proto_path = src / "tradex" / "edgeprobe" / "v1" / "probe.proto"
    proto_path.parent.mkdir(parents=True, exist_ok=True)
    proto_path.write_text(PROBE_PROTO)
    probe_set_path = workdir / "probe_only.binpb"
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    rc = protoc.main(
        [
            "protoc",
            f"-I{src}",
            f"-I{REPO / 'protos'}",
            f"-I{REPO / 'third_party' / 'googleapis'}",
            f"-I{well_known}",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={probe_set_path}",
            "tradex/edgeprobe/v1/probe.proto",
        ]
    )
    if rc != 0:
        raise RuntimeError(f"protoc failed with {rc}")
    merged = descriptor_pb2.FileDescriptorSet.FromString(base.read_bytes())
    known = {f.name for f in merged.file}
    probe = descriptor_pb2.FileDescriptorSet.FromString(probe_set_path.read_bytes())
    for f in probe.file:  # dependencies come first in a protoc set; keep that order
        if f.name not in known:
            merged.file.append(f)
            known.add(f.name)
    out = workdir / "descriptor_set_with_probe.binpb"
    out.write_bytes(merged.SerializeToString())
    return out, merged
