"""Production settings pass Django's deployment checklist with zero warnings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "TESTING", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_zero_warnings():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="peerlearn.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("check", DEBUG="0", TESTING="0", ALLOWED_HOSTS="peerlearn.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )
    result = _run(
        "shell", "-c", code, DEBUG="0", TESTING="0", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="x.example"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False True True True True [\"'self'\"]"
