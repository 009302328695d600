"""Every command in README.md works, as written, in a fresh terminal.

The commands are read from the README itself: its ``sh`` code blocks (``export`` lines set the
terminal's environment for the lines after them) and the commands it quotes inline. Each one
must have a rule below, so a new command in the README without a test fails here. The real
services path runs on PostgreSQL and Redis (a database and a Redis database of its own), in a
terminal that has nothing set but what the README says to export.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# How each command is checked. "run": started and stopped once /healthz answers; "worker":
# started and stopped once Celery reports ready; "manage": run to completion; "ci": what CI
# itself is (.ci/run runs `make test`); "example": a pattern with a placeholder, not a command.
RULES = {
    "make run": "run",
    "make test": "ci",
    "make bench-smoke": "ci",  # .ci/run runs it
    "make worker": "worker",
    'DEBUG=1 .venv/bin/python manage.py create_staff_user --email you@example.com --name "Your Name"': "manage",
    "make reconcile": "manage",
    "manage.py check --deploy": "manage",
    "DEBUG=1 .venv/bin/python manage.py gamification_recompute": "manage",
    "uvicorn core.asgi:application --workers N": "example",
}


def readme_blocks() -> list[list[str]]:
    """The README's ``sh`` code blocks, as lists of lines without comments."""
    text = README.read_text()
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines = [line.split("#", 1)[0].strip() for line in body.splitlines()]
        blocks.append([line for line in lines if line])
    return blocks


def readme_inline_commands() -> list[str]:
    text = re.sub(r"```.*?```", "", README.read_text(), flags=re.S)
    spans = re.findall(r"`([^`\n]+)`", text)
    starts = ("make ", ".venv/bin/", "manage.py ", "uvicorn ", "celery ", "DEBUG=1 ")
    return [span for span in spans if span.startswith(starts)]


def readme_commands() -> list[str]:
    commands = [line for block in readme_blocks() for line in block if not line.startswith("export ")]
    return commands + readme_inline_commands()


def test_every_readme_command_has_a_rule():
    commands = set(readme_commands())

    assert {"make run", "make test", "make worker"} <= commands
    assert commands <= set(RULES), f"README commands without a test here: {sorted(commands - set(RULES))}"


def test_the_real_services_block_exports_what_it_runs_with():
    block = next(block for block in readme_blocks() if "make worker" in block)
    exported = {line.split()[1].split("=")[0] for line in block if line.startswith("export ")}

    assert exported == {"DATABASE_URL", "REDIS_URL"}


# --- Running them -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_terminal(**exported: str) -> dict[str, str]:
    """A new terminal's environment: nothing of this test run's (no DEBUG, no SECRET_KEY)."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TERM") if name in os.environ}
    return env | exported


class Started:
    """A command in its own process group, its output collected in a file."""

    def __init__(self, command: str, env: dict, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            shlex.split(command),
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, ready, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            assert self.process.poll() is None, f"exited with {self.process.returncode}:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"not ready after {timeout} s:\n{self.output()[-3000:]}"
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _healthy(port: int):
    def check() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    return check


@pytest.fixture
def readme_services(postgres_database, redis_url):
    """A PostgreSQL database and a Redis database of their own, dropped afterwards."""
    import psycopg

    server = urlparse(os.environ["DATABASE_URL"])
    name = f"peerlearn_readme_{os.getpid()}"
    admin = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    redis = urlparse(redis_url)._replace(path="/14").geturl()
    yield {"DATABASE_URL": server._replace(path=f"/{name}").geturl(), "REDIS_URL": redis}
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.services
@pytest.mark.django_db
def test_the_real_services_path_works_as_written(request, tmp_path):
    if settings.PEERLEARN_PLUGINS != settings.DEFAULT_PLUGINS:
        # A fresh terminal has no PEERLEARN_PLUGINS: the commands run with the default set whatever
        # this run's set, so the run with the default set (CI's `make test`) is the one that checks them.
        pytest.skip("the README's commands run with the default plugins; checked by the run with the default set")
    readme_services = request.getfixturevalue("readme_services")
    block = next(block for block in readme_blocks() if "make worker" in block)
    # Its own static folder: `make run` collects static files, and in the checkout's staticfiles/
    # that raced the other test workers' WhiteNoise, which lists the folder as it starts
    # (a file gone between listing and stat failed two unrelated tests).
    env = fresh_terminal(STATIC_ROOT=str(tmp_path / "static"))
    started = []
    try:
        for line in block:
            if line.startswith("export "):
                name = line.split()[1].split("=")[0]
                env[name] = readme_services[name]  # the README's value, pointed at this test's services
                continue
            rule = RULES[line]
            if rule == "run":
                port = _free_port()
                run = Started(line, env | {"PORT": str(port)}, tmp_path / "run.log")
                started.append(run)
                run.wait_for(_healthy(port), timeout=300)
            elif rule == "worker":
                worker = Started(line, env, tmp_path / "worker.log")
                started.append(worker)
                worker.wait_for(lambda log=worker: " ready." in log.output(), timeout=180)
        # The commands the README quotes, in the same terminal, against the same services.
        for command in readme_inline_commands():
            if RULES[command] != "manage":
                continue
            # create_staff_user asks for the password at a terminal; without one it reads this.
            extra = {"STAFF_PASSWORD": "A-long-readme-passw0rd"}
            if command.startswith("manage.py "):  # quoted as a Django command: run with the venv's python
                command = f".venv/bin/python {command}"
            if "--deploy" in command:  # "Production also needs ...": the README's list of settings
                extra |= {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "peerlearn.example"}
                extra |= {"SITE_URL": "https://peerlearn.example"}
            result = subprocess.run(
                ["bash", "-c", command],
                cwd=ROOT,
                env=env | extra,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert result.returncode == 0, f"{command}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            if "--deploy" in command:
                assert "WARNINGS" not in result.stderr + result.stdout
    finally:
        for process in reversed(started):
            process.stop()
