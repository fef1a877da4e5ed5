"""python -m services.spot_sim: the local spot-exchange simulator (see server.py).

SPOT_SIM_PORT (required), SPOT_SIM_PRICES (JSON {"BTC/USDT": "97000", ...}),
SPOT_SIM_VOLATILITY (relative step, "0" for fixed prices), SPOT_SIM_STEP_S, SPOT_SIM_SPREAD.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal

from services.platform.config import env_float_seconds, env_int, env_str
from services.platform.logs import configure_logging
from services.spot_sim.server import DEFAULT_PRICES, SpotSimulator

log = logging.getLogger(__name__)


async def _run() -> None:
    prices = json.loads(os.environ.get("SPOT_SIM_PRICES") or json.dumps(DEFAULT_PRICES))
    sim = SpotSimulator(prices, volatility=env_str("SPOT_SIM_VOLATILITY", "0.0005"),
                        step_s=env_float_seconds("SPOT_SIM_STEP_S", 1.0), spread=env_str("SPOT_SIM_SPREAD", "0.0001"))
    port = await sim.start(env_int("SPOT_SIM_PORT"))
    log.info("spot simulator listening", extra={"port": port, "symbols": ",".join(sim.markets)})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await sim.stop()


if __name__ == "__main__":
    configure_logging("spot_sim")
    asyncio.run(_run())
