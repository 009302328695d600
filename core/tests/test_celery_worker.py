"""A real Celery worker against Redis: what the suite's eager tasks never exercise (the broker,
ETAs, retries and acks_late). The worker runs ``core.tests.celery_probes`` (the project's app and
settings, with probe tasks that report to Redis) in a subprocess, on a queue and a Redis database
of this test's own, so parallel runs and other workers never take each other's tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis
from celery import Celery

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[2]
PROBE_DB = 13  # the cache uses 1.., the broker and channel layer 0, the README test 14
VISIBILITY_TIMEOUT = 3.0


class Worker:
    def __init__(self, broker: str, queue: str, log: Path):
        env = os.environ | {
            "REDIS_URL": broker,
            "PROBE_REDIS_URL": broker,
            "PROBE_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DEBUG": "1",
        }
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "core.tests.celery_probes", "worker", "-Q", queue,
             "--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "-n", f"{queue}@%h", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while " ready." not in self.output():
            assert self.process.poll() is None, f"the worker exited:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"the worker is not ready:\n{self.output()[-3000:]}"
            time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def probe(redis_url, tmp_path):
    """A worker on a queue of its own, a client app to send to it, and where the probes report."""
    broker = urlparse(redis_url)._replace(path=f"/{PROBE_DB}").geturl()
    queue = f"probe-{uuid.uuid4().hex[:12]}"
    report = redis.Redis.from_url(broker)
    sender = Celery("probe-sender", broker=broker)
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(broker, queue, tmp_path / f"worker-{len(workers)}.log")  # one log each: "ready." is per worker
        workers.append(worker)
        return worker

    def send(name: str, *args, **options):
        return sender.send_task(name, args=[*args], queue=queue, **options)

    def wait_for(token: str, count: int = 1, timeout: float = 60) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while report.llen(token) < count:
            assert time.monotonic() < deadline, f"{token}: nothing after {timeout} s\n{workers[-1].output()[-3000:]}"
            time.sleep(0.05)
        return report.lrange(token, 0, -1)

    yield {"start": start, "send": send, "wait_for": wait_for, "report": report}
    for worker in workers:
        worker.stop()
    sender.close()
    report.close()


def _token() -> str:
    return f"probe-{uuid.uuid4().hex}"


def test_a_queued_task_runs_through_the_broker(probe):
    probe["start"]()
    token = _token()

    probe["send"]("probe.record", token)

    assert len(probe["wait_for"](token)) == 1


def test_a_task_with_an_eta_runs_after_a_later_task_without_one(probe):
    probe["start"]()
    later, now = _token(), _token()
    sent = time.time()

    probe["send"]("probe.record", later, countdown=3)
    probe["send"]("probe.record", now)

    probe["wait_for"](now)
    assert probe["report"].llen(later) == 0  # the task sent first has not run before its ETA
    ran_at = float(probe["wait_for"](later)[0])
    assert ran_at >= sent + 3


def test_a_failing_task_is_retried_until_it_succeeds(probe):
    probe["start"]()
    token = _token()

    probe["send"]("probe.flaky", token, 2)

    assert probe["wait_for"](token) == [b"3"]  # failed twice, succeeded on the third attempt


def test_acks_late_redelivers_a_task_whose_worker_died(probe):
    first = probe["start"]()
    token = _token()

    probe["send"]("probe.die_once", token)
    first.process.wait(timeout=60)  # the task killed its worker before acknowledging
    assert probe["report"].llen(token) == 0
    probe["start"]()

    assert probe["wait_for"](token, timeout=60 + VISIBILITY_TIMEOUT) == [b"done"]
    assert int(probe["report"].get(f"{token}:attempts")) == 2
