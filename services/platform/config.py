"""Settings from the environment, failing fast with a message that names the variable."""
from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"environment variable {name} is required but not set")
        return default
    return value


def env_int(name: str, default: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ConfigError(f"environment variable {name} is required but not set")
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from None


def env_float_seconds(name: str, default: float) -> float:
    """Durations only (never money)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name} must be a number of seconds, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"environment variable {name} must not be negative, got {raw!r}")
    return value


@dataclass(frozen=True)
class CommonSettings:
    """What every service process reads at start-up."""

    service_name: str
    grpc_port: int
    database_url: str
    kafka_bootstrap: str
    redis_url: str
    jwks_file: str
    jwt_issuer: str
    jwt_audience: str
    # Loopback by default (make up): nothing off the machine reaches a service port. In a cluster
    # the pod address is needed (0.0.0.0); every port still demands a mesh certificate.
    grpc_host: str = "127.0.0.1"

    @classmethod
    def from_env(cls, service_name: str, default_port: int | None = None) -> CommonSettings:
        prefix = service_name.upper()
        database_url = env_str("DATABASE_URL")
        if not database_url.startswith("postgresql"):
            raise ConfigError(f"DATABASE_URL must be a postgresql:// URL, got {database_url!r}")
        return cls(
            service_name=service_name,
            grpc_port=env_int(f"{prefix}_GRPC_PORT", default_port),
            database_url=database_url,
            kafka_bootstrap=env_str("KAFKA_BOOTSTRAP"),
            redis_url=env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
            jwks_file=env_str("TRADEX_JWKS_FILE"),
            jwt_issuer=env_str("TRADEX_JWT_ISSUER", "tradex-auth"),
            jwt_audience=env_str("TRADEX_JWT_AUDIENCE", "tradex"),
            grpc_host=env_str("TRADEX_GRPC_HOST", "127.0.0.1"),
        )
