import subprocess
import sys

import pytest

from services.platform.config import CommonSettings, ConfigError, env_float_seconds, env_int


def test_missing_variable_is_named(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL is required"):
        CommonSettings.from_env("metadata", default_port=1)


def test_malformed_values_are_named(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(ConfigError, match="DATABASE_URL must be a postgresql"):
        CommonSettings.from_env("metadata", default_port=1)
    monkeypatch.setenv("SOME_PORT", "eighty")
    with pytest.raises(ConfigError, match="SOME_PORT must be an integer"):
        env_int("SOME_PORT")
    monkeypatch.setenv("SOME_DELAY", "-1")
    with pytest.raises(ConfigError, match="SOME_DELAY must not be negative"):
        env_float_seconds("SOME_DELAY", 1.0)


def test_complete_environment_parses(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:5432/db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    monkeypatch.setenv("TRADEX_JWKS_FILE", "/tmp/jwks.json")
    monkeypatch.setenv("METADATA_GRPC_PORT", "50123")
    settings = CommonSettings.from_env("metadata", default_port=1)
    assert settings.grpc_port == 50123 and settings.jwt_issuer == "tradex-auth"


def test_a_service_started_without_its_environment_exits_with_a_clear_line():
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "services.metadata"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "DATABASE_URL is required" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
