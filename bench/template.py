"""A migrated database to copy instead of migrating again.

Migrating PeerLearn's ~280 migrations takes about half a minute of CPU; ``bench/smoke.sh`` runs
five benches that each need a fresh database. It migrates one PostgreSQL database and one SQLite
file once, with the default plugins, and names them in ``BENCH_TEMPLATE_DATABASE`` and
``BENCH_TEMPLATE_SQLITE``; a bench that finds them copies (``CREATE DATABASE … TEMPLATE``, a file
copy) and its own ``migrate`` then has nothing left to do. Without them, a bench migrates as before.
"""

from __future__ import annotations

import os
import shutil

TEMPLATE_DATABASE = "BENCH_TEMPLATE_DATABASE"
TEMPLATE_SQLITE = "BENCH_TEMPLATE_SQLITE"


def create_database(name):
    """``CREATE DATABASE <name>`` (a psycopg ``sql.Identifier``), from the template when there is one."""
    from psycopg import sql

    template = os.environ.get(TEMPLATE_DATABASE)
    if template:
        return sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, sql.Identifier(template))
    return sql.SQL("CREATE DATABASE {}").format(name)


def is_templated() -> bool:
    return bool(os.environ.get(TEMPLATE_DATABASE))


def grant_all(url: str, role: str) -> None:
    """Let ``role`` use every table of the database at ``url`` (a copy's tables belong to the
    template's owner, not to a bench's own role)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as connection:
        who = sql.Identifier(role)
        for statement in (
            "GRANT ALL ON SCHEMA public TO {}",
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO {}",
            "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {}",
        ):
            connection.execute(sql.SQL(statement).format(who))


def sqlite_copy(path: str) -> bool:
    """Copy the migrated SQLite template to ``path``, if there is one; returns whether it did."""
    template = os.environ.get(TEMPLATE_SQLITE)
    if not template:
        return False
    shutil.copyfile(template, path)
    return True
