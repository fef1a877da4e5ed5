"""`python -m build` makes a wheel and an sdist of tradex-sdk that carry py.typed, every module
and the README, and depend only on tradex-proto, grpcio and protobuf. (Installing the wheel into
a clean venv is checked by hand; it needs the package index for grpcio and protobuf.)"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

SDK = Path(__file__).resolve().parents[3] / "sdk"


def test_wheel_and_sdist(tmp_path):
    import build  # noqa: F401 - part of the dev install (pyproject), so this never skips
    source = tmp_path / "sdk"  # a copy: building leaves build/ and *.egg-info beside the sources
    shutil.copytree(SDK, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = tmp_path.glob("tradex_sdk-*.whl")
    [sdist] = tmp_path.glob("tradex_sdk-*.tar.gz")
    names = zipfile.ZipFile(wheel).namelist()
    modules = {p.name for p in (SDK / "src" / "tradex_sdk").glob("*.py")}
    assert {f"tradex_sdk/{m}" for m in modules} | {"tradex_sdk/py.typed"} <= set(names)
    [meta_name] = [n for n in names if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(zipfile.ZipFile(wheel).read(meta_name).decode())
    requires = sorted(r.split(">")[0].split("<")[0].strip() for r in meta.get_all("Requires-Dist"))
    assert requires == ["grpcio", "protobuf", "tradex-proto"]
    assert "Self-verifying" in meta.get_payload() or "stream_book" in meta.get_payload()
    assert any(n.endswith("README.md") for n in tarfile.open(sdist).getnames())
