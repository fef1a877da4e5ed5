"""A protoc plugin (stdin CodeGeneratorRequest -> stdout CodeGeneratorResponse) around grpcio-tools.

buf can run grpcio-tools' bundled protoc only for the builtin python/pyi generators; the gRPC
stub generator lives inside grpc_tools as a C++ plugin with no executable, so this re-runs
grpc_tools.protoc in a temp dir on the request's files and hands the *_pb2_grpc.py back to buf.
"""
from __future__ import annotations

import os
import sys
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> None:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse()
    response.supported_features = plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    with tempfile.TemporaryDirectory() as tmp:
        descriptor_set = descriptor_pb2.FileDescriptorSet(file=request.proto_file)
        set_path = os.path.join(tmp, "in.binpb")
        with open(set_path, "wb") as handle:
            handle.write(descriptor_set.SerializeToString())
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        args = ["protoc", f"--descriptor_set_in={set_path}", f"--grpc_python_out={out_dir}"]
        args += list(request.file_to_generate)
        if protoc.main(args) != 0:
            response.error = "grpc_tools.protoc failed for " + ", ".join(request.file_to_generate)
        else:
            for root, _dirs, files in os.walk(out_dir):
                for name in sorted(files):
                    full = os.path.join(root, name)
                    generated = response.file.add()
                    generated.name = os.path.relpath(full, out_dir)
                    with open(full, encoding="utf-8") as handle:
                        generated.content = handle.read()
    sys.stdout.buffer.write(response.SerializeToString())


if __name__ == "__main__":
    main()
