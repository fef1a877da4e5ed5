"""python -m services.auth: the Auth service process."""
from __future__ import annotations

from pathlib import Path

from tradex.auth.v1 import auth_pb2, auth_pb2_grpc

from services.auth.adapters.keys import load_or_create_private_key, public_jwk
from services.auth.adapters.rate_limit import FailureLimiter, RateLimiter
from services.auth.adapters.tables import SCHEMA, outbox
from services.auth.adapters.tokens import TokenMinter
from services.auth.api.servicer import AuthServicer
from services.auth.app.accounts import AuthUseCases
from services.platform.cache import make_redis
from services.platform.config import CommonSettings, env_int, env_str
from services.platform.db import make_engine
from services.platform.kafka import make_producer
from services.platform.outbox import OutboxRelay
from services.platform.runtime import ServiceSpec, load_verifier, main

SERVICE_NAME = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name


async def build():
    settings = CommonSettings.from_env("auth", default_port=50050)
    key = load_or_create_private_key(Path(env_str("TRADEX_JWT_PRIVATE_KEY_FILE")))
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url)
    relay = OutboxRelay(engine, outbox, make_producer(settings.kafka_bootstrap))
    window = env_int("AUTH_RATE_LIMIT_WINDOW_S", 60)
    use_cases = AuthUseCases(
        engine=engine,
        minter=TokenMinter(key, settings.jwt_issuer, settings.jwt_audience),
        signup_limiter=RateLimiter(redis, per_ip=env_int("AUTH_SIGNUP_LIMIT_PER_IP", 20),
                                   per_email=env_int("AUTH_SIGNUP_LIMIT_PER_EMAIL", 5), window_s=window,
                                   prefix="signup"),
        login_limiter=RateLimiter(redis, per_ip=env_int("AUTH_LOGIN_LIMIT_PER_IP", 100),
                                  per_email=env_int("AUTH_LOGIN_LIMIT_PER_EMAIL", 10), window_s=window,
                                  prefix="login"),
        on_events_committed=relay.wake,
        bcrypt_cost=env_int("AUTH_BCRYPT_COST", 12),
        # Password spraying: failed logins per client address, whatever the email.
        login_failure_limiter=FailureLimiter(redis, per_ip=env_int("AUTH_LOGIN_FAILURES_PER_IP", 20),
                                             window_s=env_int("AUTH_LOGIN_FAILURE_WINDOW_S", 900)),
    )
    servicer = AuthServicer(use_cases, {"keys": [public_jwk(key)]})

    async def close() -> None:
        await redis.aclose()
        await engine.dispose()

    spec = ServiceSpec(
        settings=settings, schema=SCHEMA,
        migrations_dir=Path(__file__).parent / "adapters" / "migrations",
        register=[lambda server: auth_pb2_grpc.add_AuthServiceServicer_to_server(servicer, server)],
        service_names=[SERVICE_NAME],
        background=[relay.run],
        on_stop=[close],
    )
    return spec, load_verifier(settings)


if __name__ == "__main__":
    main(build, "auth")
