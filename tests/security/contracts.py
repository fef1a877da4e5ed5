"""The RPCs the contracts define, walked once for the security tests: every generated `*_pb2`
module is loaded into the default descriptor pool (so `access_rule_for` sees every method), and
each method is listed once with its descriptor, request class and access rule. Which process serves
which RPC comes from the ServiceDefs (`mesh.exchange.SERVICES` or a running exchange's
`service_defs`); each test filters the list for what it checks.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tradex
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message

from mesh.exchange import ServiceDef
from services.platform.auth import AccessRule, access_rule_for


@dataclass(frozen=True)
class Rpc:
    service: str  # "tradex.wallet.v1.WalletService"
    name: str  # "ListBalances"
    method: MethodDescriptor
    request_class: type[Message]
    rule: AccessRule

    @property
    def full(self) -> str:
        """As gRPC names it: "/tradex.wallet.v1.WalletService/ListBalances"."""
        return f"/{self.service}/{self.name}"


@functools.cache
def _by_service() -> dict[str, tuple[Rpc, ...]]:
    modules = []
    for root in tradex.__path__:  # namespace packages: walk the files
        for path in sorted(Path(root).rglob("*_pb2.py")):
            modules.append(importlib.import_module("tradex." + ".".join(path.relative_to(root).with_suffix("").parts)))
    # Only once every contract is in the pool: an access rule may need another file's options.
    out: dict[str, tuple[Rpc, ...]] = {}
    for module in modules:
        for service in module.DESCRIPTOR.services_by_name.values():
            out[service.full_name] = tuple(
                Rpc(service.full_name, method.name, method, message_factory.GetMessageClass(method.input_type),
                    access_rule_for(f"/{service.full_name}/{method.name}"))
                for method in service.methods)
    return out


def contract_rpcs() -> list[Rpc]:
    """Every RPC of every service in the contracts, once."""
    return [rpc for rpcs in _by_service().values() for rpc in rpcs]


def service_rpcs(service_name: str) -> tuple[Rpc, ...]:
    """Every RPC of one service, in declaration order; KeyError for a service no contract defines."""
    return _by_service()[service_name]


def rpcs_by_process(service_defs: Iterable[ServiceDef]) -> list[tuple[str, Rpc]]:
    """(process name, RPC) for every method of every service a process registers. An entry naming one
    method ("pkg.Service/Method") still registers the whole service at that process (the edge routes
    only that method there), so all its methods are listed; a service two processes register is
    listed under each."""
    out = []
    for definition in service_defs:
        for service_name in dict.fromkeys(entry.split("/")[0] for entry in definition.grpc_services):
            out.extend((definition.name, rpc) for rpc in service_rpcs(service_name))
    return out


def routed_rpcs(service_defs: Iterable[ServiceDef]) -> list[tuple[str, Rpc]]:
    """(process name, RPC) for every RPC once, with the process that serves it: an entry "pkg.Service"
    serves all its methods, "pkg.Service/Method" that one; the first entry naming a method wins."""
    out, seen = [], set()
    for definition in service_defs:
        for entry in definition.grpc_services:
            service_name, _, only = entry.partition("/")
            for rpc in service_rpcs(service_name):
                if (only and rpc.name != only) or rpc.full in seen:
                    continue
                seen.add(rpc.full)
                out.append((definition.name, rpc))
    return out
