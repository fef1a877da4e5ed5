"""The k8s manifests parse, and every service the local mesh runs has a Deployment with a gRPC probe."""
from pathlib import Path

import yaml

from mesh.exchange import SERVICES

K8S = Path(__file__).resolve().parents[3] / "k8s"


def documents():
    for path in sorted(K8S.glob("*.yaml")):
        yield from (doc for doc in yaml.safe_load_all(path.read_text()) if doc)


def test_manifests_parse_and_name_their_kind():
    docs = list(documents())
    assert docs and all(doc.get("kind") and doc.get("apiVersion") for doc in docs)


def test_every_local_service_has_a_deployment_with_grpc_probes():
    deployments = {d["metadata"]["name"]: d for d in documents() if d["kind"] == "Deployment"}
    for service in SERVICES:
        container = deployments[service.name]["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["python", "-m", service.module]
        assert "grpc" in container["readinessProbe"]
