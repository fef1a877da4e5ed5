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


def test_every_local_service_has_a_deployment_with_mtls_health_probes_and_its_identity():
    docs = list(documents())
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    certificates = {d["spec"]["secretName"]: d for d in docs if d["kind"] == "Certificate"}
    for service in SERVICES:
        pod = deployments[service.name]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert container["command"] == ["python", "-m", service.module]
        port = str(container["ports"][0]["containerPort"])
        # kubelet's gRPC probe cannot present a client certificate; the probe module can.
        assert container["readinessProbe"]["exec"]["command"] == [
            "python", "-m", "services.platform.health_probe", port]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["TRADEX_TLS_CERT_FILE"].startswith("/etc/tradex/mesh/")
        secret = next(v["secret"]["secretName"] for v in pod["volumes"] if v["name"] == "mesh-tls")
        assert certificates[secret]["spec"]["commonName"] == service.name


def test_the_websocket_gateway_is_deployed_as_a_client_of_the_envoy_service():
    docs = list(documents())
    deployment = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "ws-gateway")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "gateway.ws"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    envoy = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "envoy")
    assert env["TRADEX_WS_UPSTREAM"] == f"envoy.tradex.svc:{envoy['spec']['ports'][0]['port']}"
    assert env["WS_HOST"] == "0.0.0.0" and env["TRADEX_JWKS_FILE"].startswith("/etc/tradex/jwks/")
    assert any(d["kind"] == "Service" and d["metadata"]["name"] == "ws-gateway" for d in docs)
