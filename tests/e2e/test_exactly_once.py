"""Nothing lost, nothing applied twice — with the relay republishing and processes SIGKILLed."""
from __future__ import annotations

import os
import signal

import pytest

from mesh.exchange import SERVICES
from mesh.rest import call
from tests.e2e.kafka_support import records_with_event_id
from tests.e2e.test_configuration_flow import new_spec, sql, wait_for

pytestmark = pytest.mark.e2e


def kill_and_restart(exchange, name: str, before_restart=lambda: None) -> None:
    running = exchange.stack.services[name]
    os.kill(running.process.pid, signal.SIGKILL)
    running.process.popen.wait(timeout=10)
    exchange.stack.supervisor.stop(running.process)
    before_restart()
    definition = next(s for s in SERVICES if s.name == name)
    exchange.stack.start_service(definition.name, definition.module, exchange.service_env(), port=running.port)


def propose_and_approve(exchange, admins) -> str:
    spec = new_spec()
    assert call(exchange.http_url, "POST", "/v1/instruments", {"instrument": spec},
                admins["maker"]["token"]).status == 200
    approved = call(exchange.http_url, "POST", f"/v1/instruments/{spec['symbol']}/approve", {},
                    admins["checker"]["token"])
    assert approved.status == 200, approved.body
    return spec["symbol"]



def test_consumer_killed_while_events_arrive_applies_each_once(exchange, admins):
    symbols = []
    kill_and_restart(exchange, "risk", before_restart=lambda: symbols.extend(
        propose_and_approve(exchange, admins) for _ in range(3)))
    for symbol in symbols:
        wait_for(lambda s=symbol: sql(exchange, "select 1 from risk.instruments where symbol = %s", s))
        assert sql(exchange, "select count(*) from risk.inbox where event_id = %s",
                   f"instrument:{symbol}:v2") == [(1,)]


def test_relay_republishing_an_event_does_not_apply_it_twice(exchange, admins):
    symbol = propose_and_approve(exchange, admins)
    event_id = f"instrument:{symbol}:v2"
    wait_for(lambda: sql(exchange, "select 1 from risk.instruments where symbol = %s", symbol))
    first_update = sql(exchange, "select updated_at_unix_ms from risk.instruments where symbol = %s", symbol)

    # As if the relay died after Kafka acknowledged but before it recorded that: it sends again.
    def forget_publication():
        sql(exchange, "update metadata.outbox set published_at_unix_ms = null where event_id = %s "
                      "returning id", event_id)

    kill_and_restart(exchange, "metadata", before_restart=forget_publication)
    wait_for(lambda: sql(exchange, "select 1 from metadata.outbox where event_id = %s "
                                   "and published_at_unix_ms is not null", event_id))
    wait_for(lambda: len(records_with_event_id(exchange.stack.kafka_bootstrap, "md.instrument.created.v1",
                                               event_id)) == 2)
    # A later event proves the consumer has moved past the duplicate, which it skipped.
    later = propose_and_approve(exchange, admins)
    wait_for(lambda: sql(exchange, "select 1 from risk.instruments where symbol = %s", later))
    assert sql(exchange, "select count(*) from risk.inbox where event_id = %s", event_id) == [(1,)]
    assert sql(exchange, "select updated_at_unix_ms from risk.instruments where symbol = %s",
               symbol) == first_update
