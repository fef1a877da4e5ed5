"""Where the local runtime keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def default_cache_dir() -> Path:
    """Downloads worth keeping when the runtime data is wiped (the Kafka jars): `<project>/.tradex/cache`."""
    override = os.environ.get("TRADEX_CACHE_DIR")
    return Path(override) if override else PROJECT_ROOT / ".tradex" / "cache"
