"""The Kafka topics, read from the contracts themselves.

Every event message in protos/ is documented as `// Topic <name>, key = ...`; the descriptor
set keeps those comments (source info), so the list of topics to create cannot drift from
the contracts.
"""
from __future__ import annotations

import re
from pathlib import Path

from google.protobuf import descriptor_pb2
from tradex_proto import DESCRIPTOR_SET_PATH

_TOPIC = re.compile(r"^\s*Topic ([a-z0-9_.]+)", re.MULTILINE)


def topics_from_descriptor_set(path: Path = DESCRIPTOR_SET_PATH) -> dict[str, list[str]]:
    """topic -> full names of the messages documented as its payload."""
    files = descriptor_pb2.FileDescriptorSet.FromString(Path(path).read_bytes())
    topics: dict[str, list[str]] = {}
    for file in files.file:
        if not file.package.startswith("tradex."):
            continue
        for location in file.source_code_info.location:
            # path [4, i] is the i-th top-level message of the file
            if len(location.path) == 2 and location.path[0] == 4:
                for name in _TOPIC.findall(location.leading_comments):
                    message = file.message_type[location.path[1]].name
                    topics.setdefault(name, []).append(f"{file.package}.{message}")
    return topics


def all_topics() -> list[str]:
    return sorted(topics_from_descriptor_set())
