"""Configuration: clear one-line errors, a clean deploy check, documented variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vangnet.lib.env import REGISTRY, ConfigError, Env

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "VANGNET_MODE": "production",
    "VANGNET_SECRET_KEY": "k" * 20 + "-a9f3Q7zLm2Xc8Vb1Nn4Hj6Gt5Rr0Ee" + "p" * 20,
    "VANGNET_ALLOWED_HOSTS": "vangnet.example.nl",
}


def vangnet(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    # A clean environment: no Vangnet settings, and not the browser tests' async switch.
    skip = ("VANGNET_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    clean |= {"VANGNET_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "vangnet.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"VANGNET_MODE": "production"},
            "VANGNET_SECRET_KEY (or VANGNET_SECRET_KEY_FILE) must be set",
        ),
        ({"DATABASE_URL": "mysql://x@localhost/db"}, "DATABASE_URL must point at PostgreSQL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a usable database URL"),
        ({"VANGNET_IDLE_MINUTES": "soon"}, "VANGNET_IDLE_MINUTES='soon' is not a whole number"),
        (
            {"VANGNET_MODE": "production", "VANGNET_SECRET_KEY": "x" * 60},
            "VANGNET_ALLOWED_HOSTS must name the site's host",
        ),
        (
            {"VANGNET_SECRET_KEY_FILE": "/nonexistent/key"},
            "VANGNET_SECRET_KEY_FILE=/nonexistent/key cannot be read",
        ),
    ],
)
def test_misconfiguration_stops_with_one_line(tmp_path, env, message):
    result = vangnet(["check"], env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("vangnet: configuration error: ") and message in lines[0]


def test_deploy_check_is_clean_in_production(tmp_path):
    env = PRODUCTION | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = vangnet(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_from_file(tmp_path):
    key = tmp_path / "key"
    key.write_text("s" * 60 + "\n")
    assert (
        Env({"VANGNET_SECRET_KEY_FILE": str(key)}).str("VANGNET_SECRET_KEY", "", "x", secret=True)
        == "s" * 60
    )


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("ja", True), ("0", False), ("no", False)])
def test_bool_values(raw, value):
    assert Env({"X": raw}).bool("X", False, "x") is value


def test_bad_bool_is_refused():
    with pytest.raises(ConfigError):
        Env({"X": "maybe"}).bool("X", False, "x")


def test_every_variable_is_documented_in_the_readme():
    import vangnet.settings  # noqa: F401 - fills the registry

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in REGISTRY if f"`{name}`" not in readme]
    assert missing == []
