"""docker/: the compose file validates, every setting is documented, the image stays slim and
non-root. No Docker engine runs here: the compose file is checked with docker-compose's own
`config` when installed, and its structure is checked in every case."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from typing import Any

import pytest
import yaml

from tests.production.conftest import ROOT

DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
SECRETS = {"POSTGRES_PASSWORD": "pg-test-password", "SPACEREG_SECRET_KEY": "test-secret-key"}


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def setting_variables() -> list[str]:
    """The environment variable of every field of registry.settings.Settings."""
    from registry.settings import Settings

    prefix = Settings.model_config.get("env_prefix", "")
    return [
        str(info.validation_alias)
        if isinstance(info.validation_alias, str)
        else f"{prefix}{name}".upper()
        for name, info in Settings.model_fields.items()
    ]


def entrypoint_variables() -> list[str]:
    text = (DOCKER / "entrypoint.sh").read_text()
    return sorted(set(re.findall(r'^: "\$\{(SPACEREG_[A-Z_]+):=', text, re.MULTILINE)))


def docker_compose() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (Debian package docker-compose)")
    return binary


def test_docker_compose_config_accepts_the_file() -> None:
    binary = docker_compose()
    env = {"PATH": os.environ["PATH"], **SECRETS}
    done = subprocess.run(
        [binary, "-f", str(COMPOSE), "config"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    app = resolved["services"]["app"]["environment"]
    assert app["DATABASE_URL"] == "postgresql://spacereg:pg-test-password@db:5432/spacereg"
    assert int(app["SPACEREG_WORKERS"]) >= 2
    profiles = subprocess.run(
        [
            binary,
            "-f",
            str(COMPOSE),
            "--profile",
            "tls",
            "--profile",
            "backup",
            "config",
            "--services",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert profiles.returncode == 0, profiles.stderr
    assert set(profiles.stdout.split()) == {"db", "migrate", "app", "worker", "proxy", "backup"}


def test_docker_compose_refuses_to_run_without_the_secrets() -> None:
    binary = docker_compose()
    for missing in SECRETS:
        env = {"PATH": os.environ["PATH"], **{k: v for k, v in SECRETS.items() if k != missing}}
        done = subprocess.run(
            [binary, "-f", str(COMPOSE), "config"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode != 0
        assert f"set {missing}" in done.stderr


def test_services_start_in_order_with_volumes() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("app", "worker"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert services["app"]["command"] == ["serve"]
    assert services["worker"]["command"] == ["worker"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    # The app is reached through the TLS proxy; its own port only on loopback.
    assert all(str(p).startswith("127.0.0.1:") for p in services["app"]["ports"])
    assert services["proxy"]["profiles"] == ["tls"]
    caddyfile = (DOCKER / "Caddyfile").read_text()
    assert "reverse_proxy app:8000" in caddyfile
    declared = set(compose()["volumes"])
    used = {
        volume.split(":", 1)[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith(".")
    }
    assert used <= declared and "spacereg-pgdata" in used and "spacereg-backups" in used


def test_every_setting_is_set_and_explained_in_compose_and_readme() -> None:
    text = COMPOSE.read_text()
    env = compose()["x-spacereg-environment"]
    lines = text.splitlines()
    for variable in setting_variables():
        assert variable in env, f"{variable} is not in compose.yaml's x-spacereg-environment"
        at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{variable}:"))
        above = lines[at - 1].strip()
        assert above.startswith("#") or lines[at - 2].strip().startswith("#"), (
            f"{variable} has no comment explaining it in compose.yaml"
        )
    readme = (ROOT / "README.md").read_text()
    assert "## Run in production" in readme
    section = readme.split("## Run in production", 1)[1]
    for variable in [*setting_variables(), *entrypoint_variables()]:
        assert f"`{variable}`" in section, (
            f"{variable} is not documented in README 'Run in production'"
        )


def test_image_is_slim_non_root_with_a_healthcheck() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    instructions = [
        line.split(None, 1)
        for line in re.sub(r"\\\n", " ", text).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    froms = [args for op, args in instructions if op == "FROM"]
    assert len(froms) == 2 and all("slim" in f or "PYTHON_IMAGE" in f for f in froms)
    assert "slim" in next(args for op, args in instructions if op == "ARG")
    [user] = [args for op, args in instructions if op == "USER"]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user.strip()), "USER must be numeric and not root"
    [health] = [args for op, args in instructions if op == "HEALTHCHECK"]
    assert "/health" in health
    assert [args for op, args in instructions if op == "ENTRYPOINT"] == ['["spacereg-entrypoint"]']

    # Every source the image copies exists, and every package pyproject ships is copied.
    copied = []
    for op, args in instructions:
        if op == "COPY" and "--from=" not in args:
            sources = [a for a in args.split() if not a.startswith("--")][:-1]
            copied += sources
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert packages <= set(copied)
    assert pyproject["project"]["readme"] in copied


def test_build_context_admits_only_the_package() -> None:
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules[0] == "*"
    admitted = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    for never in ("tests", "bench", ".venv", ".git", "docs"):
        assert never not in admitted
    assert "**/*.db" in rules
