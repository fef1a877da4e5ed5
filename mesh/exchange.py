"""The whole exchange on one machine: infra, topics, keys, every service, and Envoy in front.

Used by `tradex up` and by the integration/e2e test session, so tests run exactly what a
developer runs.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tradex_proto import DESCRIPTOR_SET_PATH, OPENAPI_PATH

from gateway.envoy_config import JwtSettings, UpstreamTls, build_bootstrap, write_bootstrap
from mesh.paths import PROJECT_ROOT
from mesh.process import free_port, port_is_open
from mesh.servers.kafka import create_topics
from mesh.stack import Stack
from mesh.topics import all_topics
from services.auth.adapters.keys import ensure_keys

log = logging.getLogger(__name__)

JWT_ISSUER = "tradex-auth"
JWT_AUDIENCE = "tradex"


@dataclass(frozen=True)
class ServiceDef:
    name: str
    module: str
    grpc_services: tuple[str, ...]


ENGINE_SNAPSHOT_TOPIC = {"cleanup.policy": "compact", "max.message.bytes": str(16 * 1024 * 1024)}

# Start order matters only for readiness of the edge: Envoy starts after all of them.
SERVICES: tuple[ServiceDef, ...] = (
    ServiceDef("auth", "services.auth", ("tradex.auth.v1.AuthService",)),
    ServiceDef("metadata", "services.metadata", ("tradex.metadata.v1.MetadataService",)),
    ServiceDef("risk", "services.risk", ("tradex.risk.v1.RiskService",)),
    ServiceDef("user", "services.user", ("tradex.user.v1.UserService",)),
    ServiceDef("wallet", "services.wallet", ("tradex.wallet.v1.WalletService", "tradex.wallet.v1.WalletInternalService")),
    ServiceDef("engine", "services.engine", ("tradex.engine.v1.EngineService",)),
    # After the services it calls (metadata, risk, wallet): it is given their <NAME>_ADDR.
    ServiceDef("order", "services.order", ("tradex.order.v1.OrderService", "tradex.order.v1.OrderInternalService")),
    # After metadata (METADATA_ADDR: fee rates, settlement asset, maintenance rate).
    ServiceDef("position", "services.position", ("tradex.position.v1.PositionService",)),
    # Index (ccxt, against the local spot simulator unless TRADEX_SPOT_SIM=0), mark and funding
    # estimates; serves MarketDataService's price RPCs until Market Data exists. After the engine
    # (it reads books through ENGINE_ADDR).
    ServiceDef("pricing", "services.pricing", ("tradex.marketdata.v1.MarketDataService/GetIndexPrice",
                                               "tradex.marketdata.v1.MarketDataService/GetMarkPrice")),
    # Books, trades, candles, tickers and their streams: the rest of MarketDataService (the edge
    # routes the two price methods above to pricing). After the engine (ENGINE_ADDR: snapshots).
    ServiceDef("marketdata", "services.marketdata", ("tradex.marketdata.v1.MarketDataService",)),
    # Funding cycles (leader-elected scheduler, SKIP LOCKED workers, sealer, statements). After the
    # services it calls: metadata, pricing (mark, index, rate), position (snapshot), wallet (outcomes).
    ServiceDef("funding", "services.funding", ("tradex.funding.v1.FundingService",)),
    # Liquidations (risk.liquidation.v1 -> IOC through Order -> fills -> insurance fund / ADL).
    # After the services it calls: order, wallet, position, metadata.
    ServiceDef("settlement", "services.settlement", ("tradex.settlement.v1.SettlementService",)),
)


class Exchange:
    def __init__(self, root: Path | str, *, http_port: int = 8080, services=SERVICES,
                 extra_env: dict[str, str] | None = None) -> None:
        self.root = Path(root).resolve()
        self.http_port = http_port
        self.service_defs = services
        self.extra_env = dict(extra_env or {})
        self.stack = Stack(self.root)
        self.private_key_path, self.jwks_path = ensure_keys(self.root / "keys")
        # The deposit rail simulator (see start_rail_sim): its port is picked in start().
        self.rail_port = 0
        self.rail_hmac_secret = os.environ.get("TRADEX_RAIL_HMAC_SECRET") or secrets.token_hex(32)
        # The local spot-exchange simulator the index worker's ccxt talks to (see start_spot_sim).
        self.spot_sim_port = 0
        # The WebSocket market-data gateway (see start_ws_gateway): its port is picked in start().
        self.ws_port = 0

    def service_env(self) -> dict[str, str]:
        return {
            **self.stack.env(),
            "TRADEX_JWKS_FILE": str(self.jwks_path),
            "TRADEX_JWT_PRIVATE_KEY_FILE": str(self.private_key_path),
            "TRADEX_JWT_ISSUER": JWT_ISSUER,
            "TRADEX_JWT_AUDIENCE": JWT_AUDIENCE,
            "TRADEX_RAIL_URL": self.rail_url,
            "TRADEX_RAIL_HMAC_SECRET": self.rail_hmac_secret,
            **({"PRICING_VENUE_API_URL": self.spot_sim_url} if self.spot_sim_port else {}),
            # Where every service started so far listens (METADATA_ADDR=127.0.0.1:<port>, ...), for
            # services that call others over gRPC; so list a service after those it calls.
            **{f"{name.upper().replace('-', '_')}_ADDR": running.address
               for name, running in self.stack.services.items()},
            **self.extra_env,
        }

    def start(self) -> None:
        started = time.monotonic()
        try:
            self.stack.start_infra()
            # Before the rest, so it is created with its own config: only the latest snapshot per
            # symbol matters (recovery reads the whole topic) and a deep book's snapshot is large.
            create_topics(self.stack.kafka_bootstrap, ["engine.snapshot.v1"], config=ENGINE_SNAPSHOT_TOPIC)
            create_topics(self.stack.kafka_bootstrap, all_topics())
            self.rail_port = free_port()
            self.start_spot_sim()
            for service in self.service_defs:
                self.start_service(service)
            self.start_edge()
            self.start_ws_gateway()
            self.start_rail_sim()
            self.start_market_maker()
        except BaseException:
            self.stop()
            raise
        log.info("exchange up in %.1f s", time.monotonic() - started)

    def start_service(self, service: ServiceDef):
        return self.stack.start_service(service.name, service.module, self.service_env())

    def start_edge(self) -> None:
        upstreams = {}
        for service in self.service_defs:
            running = self.stack.services[service.name]
            for grpc_service in service.grpc_services:
                upstreams[grpc_service] = running.address
        envoy_identity = self.stack.pki.issue("envoy")
        config = build_bootstrap(
            DESCRIPTOR_SET_PATH, upstreams, listener_port=self.http_port, admin_port=0,
            jwt=JwtSettings(issuer=JWT_ISSUER, audiences=(JWT_AUDIENCE,), jwks_path=str(self.jwks_path)),
            upstream_tls=UpstreamTls(ca_path=str(envoy_identity.ca), cert_path=str(envoy_identity.cert),
                                     key_path=str(envoy_identity.key)),
            openapi_path=OPENAPI_PATH if OPENAPI_PATH.exists() else None,
            # Browser origins allowed to call the edge (gRPC-Web, REST): TRADEX_CORS_ORIGINS=a,b
            cors_origins=[o for o in {**os.environ, **self.extra_env}.get("TRADEX_CORS_ORIGINS", "").split(",") if o])
        path = write_bootstrap(config, self.root / "envoy" / "envoy.json")
        envoy = self.stack.start_envoy(path)
        if self.http_port == 0:
            self.http_port = next(iter(envoy.listener_ports().values()))

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}" if self.ws_port else ""

    def start_ws_gateway(self) -> None:
        """The WebSocket market-data gateway (gateway/ws.py) beside Envoy: a client of the edge's
        gRPC streams, verifying access JWTs itself for the private channels. Needs marketdata."""
        if not any(service.name == "marketdata" for service in self.service_defs):
            return
        self.ws_port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "WS_PORT": str(self.ws_port),
               "TRADEX_WS_UPSTREAM": self.grpc_target, "TRADEX_JWKS_FILE": str(self.jwks_path),
               "TRADEX_JWT_ISSUER": JWT_ISSUER, "TRADEX_JWT_AUDIENCE": JWT_AUDIENCE, **self.extra_env}
        self.stack.supervisor.start("ws_gateway", [sys.executable, "-m", "gateway.ws"], env=env, cwd=PROJECT_ROOT,
                                    health=lambda: port_is_open("127.0.0.1", self.ws_port))
        log.info("WebSocket gateway on %s", self.ws_url)

    @property
    def rail_url(self) -> str:
        return f"http://127.0.0.1:{self.rail_port}" if self.rail_port else ""

    def start_rail_sim(self) -> None:
        """The external deposit rail's simulator (a plain HTTP process, not a gRPC service). It calls
        the Wallet's webhook through Envoy, so it starts after the edge, on the port the Wallet was
        already given in TRADEX_RAIL_URL."""
        if not any(service.name == "wallet" for service in self.service_defs):
            return
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "RAIL_SIM_PORT": str(self.rail_port),
               "TRADEX_RAIL_HMAC_SECRET": self.rail_hmac_secret,
               "TRADEX_RAIL_WEBHOOK_URL": f"{self.http_url}/v1/wallet/rail/webhook", **self.extra_env}
        self.stack.supervisor.start("rail_sim", [sys.executable, "-m", "services.rail_sim"], env=env,
                                    cwd=PROJECT_ROOT, health=lambda: port_is_open("127.0.0.1", self.rail_port))

    @property
    def spot_sim_url(self) -> str:
        return f"http://127.0.0.1:{self.spot_sim_port}" if self.spot_sim_port else ""

    def start_spot_sim(self) -> None:
        """The spot venues' simulator (plain HTTP), before the services so pricing gets its URL.
        TRADEX_SPOT_SIM=0 leaves it out: pricing then talks to the real venues."""
        wanted = {**os.environ, **self.extra_env}.get("TRADEX_SPOT_SIM", "1") != "0"
        if not wanted or not any(service.name == "pricing" for service in self.service_defs):
            return
        self.spot_sim_port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "SPOT_SIM_PORT": str(self.spot_sim_port), **self.extra_env}
        self.stack.supervisor.start("spot_sim", [sys.executable, "-m", "services.spot_sim"], env=env,
                                    cwd=PROJECT_ROOT, health=lambda: port_is_open("127.0.0.1", self.spot_sim_port))

    def start_market_maker(self) -> None:
        """The demo market maker (mesh/market_maker.py): a client through Envoy with its own accounts.
        TRADEX_MARKET_MAKER=0 leaves it out (the test session does: its quotes would trade with tests)."""
        settings = {**os.environ, **self.extra_env}
        if settings.get("TRADEX_MARKET_MAKER", "1") == "0" or "pricing" not in self.stack.services:
            return
        path = self.root / "market-maker-credentials.json"
        if not path.exists():
            path.write_text(json.dumps({"password": "Mm-" + secrets.token_urlsafe(16)}))
            path.chmod(0o600)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TRADEX_MM_TARGET": self.grpc_target,
               "TRADEX_MM_PASSWORD": json.loads(path.read_text())["password"], **self.extra_env}
        self.stack.supervisor.start("market_maker", [sys.executable, "-m", "mesh.market_maker"], env=env,
                                    cwd=PROJECT_ROOT)

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def grpc_target(self) -> str:
        """Native gRPC goes through the same Envoy port as REST."""
        return f"127.0.0.1:{self.http_port}"

    def stop(self) -> None:
        self.stack.stop()

    def __enter__(self) -> Exchange:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
