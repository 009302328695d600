"""A migrated PostgreSQL database that the test databases are copied from.

Every pytest run on PostgreSQL creates one test database per xdist worker, and each used to run
all ~280 migrations (about 27 s of CPU, Wagtail's half of it): twice per run, three runs per CI.
Instead the first worker of a run migrates one database, named after what decides its schema
(the installed apps and every migration file's bytes), and Django creates each test database
from it (``TEST["TEMPLATE"]``); its own ``migrate`` then finds nothing to apply and only sends
``post_migrate`` (permissions, the forum's starter boards), as on any database.

A template is built under a temporary name by ``manage.py migrate`` in a child process and only
then renamed, so a template that exists is complete; the workers of one run, and two suites on one
server, take a PostgreSQL advisory lock while they look for it or build it. Templates of older
migration sets with the same apps are dropped when a new one is built.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "peerlearn_tpl"
LOCK = 7_240_318  # the advisory lock's key: any number no other code of ours locks


def _fingerprint() -> tuple[str, str]:
    """(the apps' digest, the migrations' digest): what a migrated database's schema depends on."""
    from django.apps import apps

    labels = hashlib.sha256()
    migrations = hashlib.sha256()
    for config in apps.get_app_configs():
        labels.update(config.name.encode() + b"\0")
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            migrations.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return labels.hexdigest()[:10], migrations.hexdigest()[:10]


def _server(settings_dict: dict) -> dict:
    return {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }


def _url(settings_dict: dict, name: str) -> str:
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{name}"


def ensure(settings_dict: dict) -> str:
    """The name of a migrated template for this run's apps and migrations, built if missing."""
    import psycopg
    from psycopg import sql

    apps_digest, migrations_digest = _fingerprint()
    family = f"{PREFIX}_{apps_digest}_"
    name = f"{family}{migrations_digest}"
    building = f"{name}_building"
    with psycopg.connect(**_server(settings_dict)) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        try:
            existing = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
            if name in existing:
                return name
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(building)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
            env = {**os.environ, "DATABASE_URL": _url(settings_dict, building), "TESTING": "1"}
            env.pop("PYTEST_XDIST_WORKER", None)
            migrated = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if migrated.returncode != 0:
                raise RuntimeError(f"migrating the test template failed:\n{migrated.stdout}\n{migrated.stderr}")
            connection.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(name))
            )
            for older in sorted(existing):
                if older.startswith(family) and not older.endswith("_building"):
                    with contextlib.suppress(psycopg.errors.ObjectInUse):  # being copied: kept for now
                        connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(older)))
            return name
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
