"""python -m services.rail_sim: the external rail simulator.

Environment: RAIL_SIM_PORT (listen port, 127.0.0.1), TRADEX_RAIL_HMAC_SECRET (shared with the
Wallet), TRADEX_RAIL_WEBHOOK_URL (the Wallet's webhook through Envoy),
RAIL_SIM_CONFIRM_DELAY_S (default 2: how long until a deposit "arrives"),
RAIL_SIM_MAX_ATTEMPTS (default 10 webhook attempts).
"""
from __future__ import annotations

import logging
import signal
import threading

from services.platform.config import env_float_seconds, env_int, env_str
from services.platform.logs import configure_logging
from services.rail_sim.delivery import Deliverer
from services.rail_sim.intents import IntentBook
from services.rail_sim.server import RailServer

log = logging.getLogger("services.rail_sim")


def main() -> None:
    configure_logging("rail_sim")
    port = env_int("RAIL_SIM_PORT")
    book = IntentBook()
    deliverer = Deliverer(book, env_str("TRADEX_RAIL_HMAC_SECRET").encode(), env_str("TRADEX_RAIL_WEBHOOK_URL"),
                          max_attempts=env_int("RAIL_SIM_MAX_ATTEMPTS", 10))
    delay_ms = int(env_float_seconds("RAIL_SIM_CONFIRM_DELAY_S", 2.0) * 1000)
    server = RailServer(("127.0.0.1", port), book, deliverer, delay_ms)
    confirmer = threading.Thread(target=deliverer.run, name="confirmer", daemon=True)
    confirmer.start()

    def stop(*_) -> None:
        deliverer.stop()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("rail simulator listening", extra={"port": port, "webhook": deliverer.webhook_url,
                                                "confirm_delay_ms": delay_ms})
    server.serve_forever(poll_interval=0.2)
    server.server_close()


if __name__ == "__main__":
    main()
