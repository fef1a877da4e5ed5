"""`tradex` command: run the exchange locally, manage admin accounts.

    tradex up [--data-dir .tradex/data] [--http-port 8080] [--no-seed]
    tradex admin create --email E --password P --role admin:maker
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from mesh.paths import PROJECT_ROOT

DEFAULT_DATA_DIR = PROJECT_ROOT / ".tradex" / "data"


def _up(args: argparse.Namespace) -> int:
    from mesh.exchange import Exchange
    from mesh.seed import seed

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    exchange = Exchange(args.data_dir, http_port=args.http_port)
    try:
        exchange.start()
        seeded = {} if args.no_seed else seed(exchange.http_url, exchange.stack.database_url, exchange.root)
        services = "\n".join(f"    {name:<10} grpc 127.0.0.1:{svc.port}  (reflection + health)"
                             for name, svc in exchange.stack.services.items())
        print(f"""
TradeX is up.
  REST (Envoy, JSON transcoding)  {exchange.http_url}      e.g. curl {exchange.http_url}/v1/instruments
  gRPC (Envoy, same port)         {exchange.grpc_target}  e.g. grpcurl -plaintext -protoset gen/python/src/tradex_proto/descriptor_set.binpb {exchange.grpc_target} list
  gRPC-Web (Envoy, same port)     {exchange.http_url}      e.g. node examples/ts/build/examples/ts/trader.js {exchange.http_url}
  OpenAPI                         {exchange.http_url}/openapi.json   (rendered at {exchange.http_url}/docs)
  services (direct, for grpcurl with reflection):
{services}
  data and logs                   {exchange.root}  (logs/<process>.log)
  demo admins                     {exchange.root / 'admin-credentials.json'}
  instruments                     {', '.join(seeded.get('instruments', [])) or '(not seeded)'}
  prices                          curl {exchange.http_url}/v1/markets/BTC-INR-PERP/index   (docs/PRICES.md)
  spot venues (ccxt)              {exchange.spot_sim_url or 'the real exchanges (TRADEX_SPOT_SIM=0)'}
  WebSocket market data           {exchange.ws_url or '(off)'}   (docs/WEBSOCKET.md)
Press Ctrl-C to stop everything.""", flush=True)
        while not stop.wait(1.0):
            dead = [p.name for p in exchange.stack.supervisor.processes if not p.is_alive()]
            if dead:
                print(f"process(es) exited: {', '.join(dead)} — see {exchange.root}/logs", file=sys.stderr)
                return 1
        return 0
    finally:
        print("stopping...", flush=True)
        exchange.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradex", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run the whole exchange on this machine")
    up.add_argument("--data-dir", type=Path, default=Path(os.environ.get("TRADEX_DATA_DIR", DEFAULT_DATA_DIR)))
    up.add_argument("--http-port", type=int, default=int(os.environ.get("TRADEX_HTTP_PORT", "8080")))
    up.add_argument("--no-seed", action="store_true", help="do not create demo admins and instruments")
    sub.add_parser("admin", help="admin accounts (see: tradex admin create --help)", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "admin":
        from services.auth.admin import main as admin_main
        return admin_main(rest)
    return _up(args)


if __name__ == "__main__":
    sys.exit(main())
