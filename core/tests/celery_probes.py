"""Tasks for ``test_celery_worker.py`` only: the project's Celery app (its settings: acks_late,
prefetch 1) with four probe tasks that report to Redis, never to the database, so that a real
worker can run them while the test holds its database in a transaction.

    celery -A core.tests.celery_probes worker -Q <queue>

``PROBE_REDIS_URL`` is where the probes report; ``PROBE_VISIBILITY_TIMEOUT`` shortens how long
Redis keeps an unacknowledged task before giving it to another worker (an hour by default).
"""

from __future__ import annotations

import os
import signal
import time

import redis

from core.celery import app

if "PROBE_VISIBILITY_TIMEOUT" in os.environ:
    # Kombu scans for unacknowledged tasks to restore only on every tenth poll of a 10 s timer by
    # default, so a restart soon after a death could wait minutes: scan every second here.
    app.conf.broker_transport_options = {
        "visibility_timeout": float(os.environ["PROBE_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


def _report() -> redis.Redis:
    return redis.Redis.from_url(os.environ["PROBE_REDIS_URL"])


@app.task(name="probe.record")
def probe_record(token: str) -> None:
    _report().rpush(token, repr(time.time()))


@app.task(name="probe.flaky", bind=True, max_retries=5)
def probe_flaky(self, token: str, failures: int) -> None:
    attempt = _report().incr(f"{token}:attempts")
    if attempt <= failures:
        raise self.retry(exc=RuntimeError(f"attempt {attempt} fails"), countdown=0.2)
    _report().rpush(token, str(attempt))


@app.task(name="probe.die_once")
def probe_die_once(token: str) -> None:
    """The first delivery kills the whole worker mid-task, before it is acknowledged."""
    if _report().incr(f"{token}:attempts") == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    _report().rpush(token, "done")
