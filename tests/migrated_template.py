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

The races that run on a SQLite file, as the embedded default does (``core/payments/tests/races.py``),
copy a migrated SQLite file the same way (``sqlite_copy``), kept in the temporary folder under the
same name and built under a file lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
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
            _migrate({**os.environ, "DATABASE_URL": _url(settings_dict, building)})
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


def _migrate(env: dict) -> None:
    env = {**env, "TESTING": "1"}
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


def sqlite_copy(path: Path) -> None:
    """Write a migrated SQLite database for this run's apps and migrations to ``path``."""
    folder = Path(tempfile.gettempdir()) / "peerlearn-test-templates"
    folder.mkdir(exist_ok=True)
    apps_digest, migrations_digest = _fingerprint()
    template = folder / f"{PREFIX}_{apps_digest}_{migrations_digest}.sqlite3"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = template.with_suffix(f".building-{os.getpid()}")
            _migrate({**os.environ, "SQLITE_PATH": str(building), "DATABASE_URL": "", "REDIS_URL": ""})
            with contextlib.closing(sqlite3.connect(building)) as database:
                database.execute("PRAGMA journal_mode=DELETE")  # everything in the one file (no -wal)
            os.replace(building, template)
    shutil.copyfile(template, path)
