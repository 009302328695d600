"""Shared fixtures: the five personas every test uses, and service requirements.

``REQUIRE_SERVICES=1`` (set by CI) turns a test that needs PostgreSQL or Redis and cannot
reach it into a failure instead of a skip.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from urllib.parse import urlparse

import hypothesis
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from core.users.models import Role
from core.users.tests.factories import PASSWORD, user_make

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false")

# Property tests assert behaviour, never timings: hypothesis's default 200 ms deadline per example
# failed test_money on a loaded two-core machine (874 ms) with nothing wrong in the code.
hypothesis.settings.register_profile("peerlearn", deadline=None)
hypothesis.settings.load_profile("peerlearn")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "expect_error_log(*loggers): the test expects ERROR records from these loggers (name prefixes, "
        "e.g. 'core.payments'); any other ERROR from core, cms or plugins fails the test",
    )


def pytest_ignore_collect(collection_path, config):
    """Skip the tests of plugins that are not enabled (PEERLEARN_PLUGINS)."""
    parts = collection_path.parts
    if "plugins" in parts:
        index = parts.index("plugins")
        if len(parts) > index + 1 and parts[index + 1] in settings.ALL_PLUGINS:
            return parts[index + 1] not in settings.PEERLEARN_PLUGINS
    return None


def service_missing(message: str) -> None:
    """Fail under REQUIRE_SERVICES, otherwise skip."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set")
    if not _reachable(url, 6379):
        service_missing(f"Redis at {url} is not reachable")
    return url


@pytest.fixture
def postgres_database(django_db_setup, django_db_blocker):
    """The test database, which must be PostgreSQL."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        service_missing("DATABASE_URL does not point at PostgreSQL")
    return settings.DATABASES["default"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """On PostgreSQL, each worker's test database is a copy of one migrated template
    (``tests/migrated_template.py``) instead of migrating on its own."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    from tests import migrated_template

    with django_db_blocker.unblock():
        database.setdefault("TEST", {})["TEMPLATE"] = migrated_template.ensure(database)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the default CMS pages, as after `make run`."""
    from cms.services import landing_pages_ensure

    with django_db_blocker.unblock():
        landing_pages_ensure()


@pytest.fixture(scope="session", autouse=True)
def _redis_per_worker():
    """On Redis, give each run's xdist worker a cache database, a cache key prefix and a
    channel-layer prefix of its own, so that clearing the cache between tests never touches
    another worker's keys nor another suite's on the same Redis (``tests/isolated_cache.py``),
    and one worker's broadcasts (e.g. to the landing group) never reach another's listeners."""
    if not settings.REDIS_URL:
        yield
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker.removeprefix("gw") or 0)
    run = (os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex)[:12]  # xdist: one per run
    scope = f"test-{run}-{worker}"
    cache_location = urlparse(settings.CACHES["default"]["LOCATION"])._replace(path=f"/{1 + number}").geturl()
    caches = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "tests.isolated_cache.RunScopedRedisCache",
            "LOCATION": cache_location,
            "KEY_PREFIX": f"{settings.CACHES['default'].get('KEY_PREFIX', '')}-{scope}",
        }
    }
    layer = settings.CHANNEL_LAYERS["default"]
    layers = {"default": {**layer, "CONFIG": {**layer["CONFIG"], "prefix": f"{layer['CONFIG']['prefix']}-{scope}"}}}
    with override_settings(CACHES=caches, CHANNEL_LAYERS=layers):
        yield
        cache.clear()  # this run's keys only; Redis keeps nothing behind


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_inline():
    """Celery tasks run inline in tests even when REDIS_URL names a broker (no worker runs);
    ``core/tests/test_services.py`` checks the broker itself, and ``core/tests/test_celery_worker.py``
    runs a real worker (broker, ETAs, retries, acks_late)."""
    from core.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new channel layer for every test. Each async test runs on an event loop of its own, and
    channels-redis binds its receive lock and queues to the loop that first used them, so one
    layer shared across tests fails with "bound to a different event loop" on Redis (CI)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached pages never leak from one test into the next."""
    cache.clear()


# Our loggers: an ERROR from any of them (or their children) fails the test that caused it.
GUARDED_LOGGERS = ("core", "cms", "plugins")


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _pushed_inside_playwrights_loop(record: logging.LogRecord) -> bool:
    """A browser test's own body runs inside Playwright's event loop, so data it creates there
    cannot push to sockets (asgiref refuses AsyncToSync in a thread with a running loop): a
    harness artefact, not the product's. The live server's thread is still guarded."""
    error = record.exc_info[1] if record.exc_info else None
    return (
        record.thread == threading.main_thread().ident
        and isinstance(error, RuntimeError)
        and "You cannot use AsyncToSync in the same thread as an async event loop" in str(error)
    )


def unexpected_error_records(records, *, expected: tuple[str, ...], browser: bool) -> list[logging.LogRecord]:
    """The records of ``records`` that no ``expect_error_log`` logger name (or prefix) covers."""
    return [
        record
        for record in records
        if not any(record.name == name or record.name.startswith(f"{name}.") for name in expected)
        and not (browser and _pushed_inside_playwrights_loop(record))
    ]


@pytest.fixture(autouse=True)
def _no_unexpected_error_logs(request):
    """Fail a test in which core, cms or a plugin logs an ERROR the test did not expect (a swallowed
    exception is still a bug). A test that provokes one says so: ``@pytest.mark.expect_error_log("core.x")``."""
    handler = _ErrorRecords()
    loggers = [logging.getLogger(name) for name in GUARDED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    expected = tuple(name for marker in request.node.iter_markers("expect_error_log") for name in marker.args)
    browser = request.node.get_closest_marker("browser") is not None
    unexpected = unexpected_error_records(handler.records, expected=expected, browser=browser)
    if unexpected:
        lines = [f"{record.name}: {record.getMessage()}" for record in unexpected]
        pytest.fail(
            "unexpected ERROR logs (mark the test with expect_error_log if it provokes them):\n" + "\n".join(lines),
            pytrace=False,
        )


# --- Personas -----------------------------------------------------------------------------


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def learner(db):
    return user_make(email="asha@example.com", name="Asha Learner", role=Role.LEARNER)


@pytest.fixture
def other_learner(db):
    return user_make(email="bilal@example.com", name="Bilal Learner", role=Role.LEARNER)


@pytest.fixture
def mentor(db):
    return user_make(email="meera@example.com", name="Meera Mentor", role=Role.MENTOR)


@pytest.fixture
def other_mentor(db):
    return user_make(email="nikhil@example.com", name="Nikhil Mentor", role=Role.MENTOR)


@pytest.fixture
def staff(db):
    from core.users import services

    user, _device = services.staff_user_create(email="sara@example.com", name="Sara Staff", password=PASSWORD)
    return user


@pytest.fixture
def personas(learner, mentor, other_learner, other_mentor, staff) -> dict:
    return {
        "learner": learner,
        "mentor": mentor,
        "other_learner": other_learner,
        "other_mentor": other_mentor,
        "staff": staff,
    }
