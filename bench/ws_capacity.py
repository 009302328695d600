"""How many logged-in notification sockets does the server hold, and how fast does a broadcast reach them?

    .venv/bin/python bench/ws_capacity.py [--connections 2000] [--workers 2] [--timeout 60]
        [--opening 100] [--database-url postgres://postgres@127.0.0.1:5432/peerlearn_bench_ws]
        [--redis-url redis://127.0.0.1:6379/11]

Serves the site as production does (uvicorn, one worker per core, DEBUG=0, the Redis channel
layer) on 127.0.0.1 and starts and stops it itself. The default database, ``peerlearn_bench_ws``,
is the bench's own: dropped, created and migrated on every run and left afterwards for a look; a
``--database-url`` of your own is created if missing and migrated, never dropped. Redis is used
through ``--redis-url`` (db 11 by default, not the dbs 0-3 others use) with a channel-layer and
cache prefix of this run's own (``CHANNEL_LAYER_PREFIX``, ``CACHE_KEY_PREFIX``); at the end only
the keys under that prefix are deleted (SCAN + DEL, never FLUSHALL).

Makes ``--connections`` learners in bulk (unusable passwords, no hashing), one socket each, each
logged in through a session as a login leaves it (``SessionStore``: the cached_db engine writes the
row and the Redis cache). Raises this process's open-files limit to its hard limit (printed).
Then opens one ``/ws/notifications/`` socket per learner (``--opening`` handshakes at a time, each
with its session cookie and ``Origin: http://127.0.0.1:<port>``, which the
``AllowedHostsOriginValidator`` allows) and waits for each one's ``hello``.

Timed: from this process, through the same channels_redis layer the server uses, one ``notify``
message to every learner's group ``user.<id>`` (50 sends in flight at a time, as
``core.realtime.services`` would send them but without saving a notification each), its payload
carrying the moment of its own send; each socket notes when it arrives. Prints connected/attempted,
failures by reason, the fan-out latency (send to receipt on each socket: p50, p99, max) and the
whole broadcast (first send to last receipt), and the RSS of the uvicorn worker processes
(``VmRSS`` of the server's children) before the sockets opened and with them open, per
connection. Both ends share 2 cores, so latency includes this client's own JSON work.
Every handshake and the broadcast give up after ``--timeout`` seconds; exits non-zero when any
socket failed or missed the broadcast.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import template  # noqa: E402
from bench.booking_contention import free_port, maintenance_url, manage, p99  # noqa: E402

PY = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peerlearn_bench_ws"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
MAX_CONNECTIONS = 10_000
SENDS_IN_FLIGHT = 50  # channels_redis's connection pool refuses more than about 100 at once (MaxConnectionsError)


# --- Setting up -----------------------------------------------------------------------------


def database_prepare(url: str, *, own: bool) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        if own:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(template.create_database(sql.Identifier(name)))


def raise_file_limit() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def seed(count: int, tag: str) -> list[tuple[int, str]]:
    """``count`` learners, each logged in: returns (user id, session cookie value) pairs."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from core.users.models import Role, User

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    unusable = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            (
                User(email=f"bench-ws-{tag}-{index}@example.com", name=f"Socket {index}", role=Role.LEARNER,
                     password=unusable)
                for index in range(count)
            ),
            batch_size=2000,
        )  # fmt: skip
    people = []
    for user in users:
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        people.append((user.pk, store.session_key))
    return people


def worker_rss_kib(server_pid: int) -> dict[int, int]:
    """VmRSS (KiB) of each child of the uvicorn supervisor, the multiprocessing helper left out."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == server_pid and b"resource_tracker" not in cmdline:
            children.append((int(entry), int(fields.get("VmRSS", "0 kB").split()[0])))
    return dict(children)


def redis_clean(url: str, prefixes: list[str]) -> int:
    import redis

    client = redis.Redis.from_url(url)
    deleted = 0
    for prefix in prefixes:
        batch = []
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
    client.close()
    return deleted


# --- The sockets ----------------------------------------------------------------------------


class Tally:
    def __init__(self, attempted: int) -> None:
        self.attempted = attempted
        self.connected = 0
        self.failures: collections.Counter[str] = collections.Counter()
        self.fanout_ms: list[float] = []
        self.last_receipt = 0.0
        self.open_s = 0.0


def reason(exc: BaseException) -> str:
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    if isinstance(exc, InvalidStatus):
        return f"handshake refused: HTTP {exc.response.status_code}"
    if isinstance(exc, ConnectionClosed):
        code = exc.rcvd.code if exc.rcvd else "none"
        return f"closed by the server (code {code})"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError):
        return f"OSError: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


async def hold(port: int, cookie: str, tally: Tally, gate: asyncio.Semaphore, opened: asyncio.Event, go: asyncio.Event,
               done: asyncio.Event, timeout: float, sockets: list) -> None:  # fmt: skip
    from django.conf import settings
    from websockets.asyncio.client import connect

    try:
        async with gate:
            ws = await connect(
                f"ws://127.0.0.1:{port}/ws/notifications/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
                open_timeout=timeout,
                ping_interval=None,
                compression=None,
            )
            sockets.append(ws)
            hello = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            if hello.get("type") != "hello":
                raise RuntimeError(f"first message was {hello.get('type')!r}, not hello")
        tally.connected += 1
    except Exception as exc:  # noqa: BLE001 - every failure is counted by its reason
        tally.failures[reason(exc)] += 1
        if tally.connected + sum(tally.failures.values()) == tally.attempted:
            opened.set()
        return
    if tally.connected + sum(tally.failures.values()) == tally.attempted:
        opened.set()
    await go.wait()
    try:
        while True:
            message = json.loads(await ws.recv())
            if message.get("type") == "bench":
                now = time.monotonic()
                tally.fanout_ms.append((now - message["sent_at"]) * 1000)
                tally.last_receipt = max(tally.last_receipt, now)
                if len(tally.fanout_ms) == tally.connected:
                    done.set()
                return
    except Exception as exc:  # noqa: BLE001
        tally.failures[f"during the broadcast: {reason(exc)}"] += 1


async def run(port: int, people: list[tuple[int, str]], args, server_pid: int) -> tuple:
    from channels.layers import get_channel_layer

    from core.realtime.consumers import user_group

    tally = Tally(len(people))
    gate = asyncio.Semaphore(args.opening)
    opened, go, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    sockets: list = []
    before = worker_rss_kib(server_pid)
    began = time.monotonic()
    holders = [
        asyncio.create_task(hold(port, cookie, tally, gate, opened, go, done, args.timeout, sockets))
        for _pk, cookie in people
    ]
    try:
        await opened.wait()
        tally.open_s = time.monotonic() - began
        await asyncio.sleep(1)  # let the workers settle before reading their memory
        after = worker_rss_kib(server_pid)

        layer = get_channel_layer()
        go.set()
        await asyncio.sleep(0.2)  # every holder is back in recv()
        first_send = time.monotonic()

        sending = asyncio.Semaphore(SENDS_IN_FLIGHT)

        async def send(pk: int) -> None:
            async with sending:
                payload = {"type": "bench", "sent_at": time.monotonic()}
                await layer.group_send(user_group(pk), {"type": "notify", "payload": payload})

        await asyncio.gather(*(send(pk) for pk, _cookie in people))
        sent_s = time.monotonic() - first_send
        if tally.connected:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), args.timeout)
        whole_s = (tally.last_receipt - first_send) if tally.last_receipt else 0.0
        return tally, before, after, sent_s, whole_s
    finally:
        for task in holders:
            task.cancel()
        await asyncio.gather(*holders, return_exceptions=True)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return f"p50 {statistics.median(values):7.1f} ms  p99 {p99(values):7.1f} ms  max {max(values):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=60, help="seconds a handshake or the broadcast may take")
    parser.add_argument("--opening", type=int, default=100, help="handshakes in flight at once")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--tiny", action="store_true", help="10 sockets, 1 worker (CI: the bench runs; no figures)")
    args = parser.parse_args()
    if args.tiny:
        args.connections, args.workers, args.opening = 10, 1, 10
    if not 1 <= args.connections <= MAX_CONNECTIONS:
        parser.error(f"--connections must be between 1 and {MAX_CONNECTIONS}")
    for option, url in (("--database-url", args.database_url), ("--redis-url", args.redis_url)):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            parser.error(f"{option} must point at this machine (127.0.0.1)")

    soft, hard = raise_file_limit()
    needed = args.connections + 200
    if soft < needed:
        parser.error(f"the open-files limit is {soft} (hard {hard}); {args.connections} sockets need about {needed}")

    tag = secrets.token_hex(3)
    prefix = f"bench-ws-{tag}"
    workdir = Path(tempfile.mkdtemp(prefix="peerlearn-bench-ws-"))
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "TESTING"} and not k.startswith("RAZORPAY")
        },
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CHANNEL_LAYER_PREFIX": prefix,
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_TASK_ALWAYS_EAGER": "1",  # nothing here queues tasks; never leave any in a shared broker
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "core.settings"),
    }
    own_database = args.database_url == DEFAULT_DATABASE_URL
    database_prepare(args.database_url, own=own_database)
    manage(env, "migrate", "--no-input")

    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    seeded = time.monotonic()
    people = seed(args.connections, tag)
    seed_s = time.monotonic() - seeded
    connection.close()

    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [PY, "-m", "uvicorn", "core.asgi:application", "--port", str(port), "--workers", str(args.workers),
             "--no-access-log", "--lifespan", "off", "--log-level", "warning", "--backlog", "4096"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # a loaded machine can take a while; never on without it
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start (exit code {server.poll()})") from None
                time.sleep(0.1)
        time.sleep(1)  # every worker has its socket (they start one after another)
        tally, before, after, sent_s, whole_s = asyncio.run(run(port, people, args, server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        deleted = redis_clean(args.redis_url, [prefix])

    before_total, after_total = sum(before.values()), sum(after.values())
    per = (after_total - before_total) / tally.connected if tally.connected else 0
    print(
        f"connections={args.connections} workers={args.workers} opening={args.opening} "
        f"open-files limit {soft} (hard {hard}) redis={args.redis_url} prefix={prefix}"
    )
    print(f"learners made     : {len(people)} in {seed_s:.1f} s (one socket each)")
    print(f"connected         : {tally.connected}/{tally.attempted} (hello received) in {tally.open_s:.1f} s")
    failed = sum(tally.failures.values())
    print(f"failures          : {failed}")
    for text, count in tally.failures.most_common():
        print(f"  {count:5d} × {text}")
    closed = sum(n for text, n in tally.failures.items() if text.startswith("during the broadcast"))
    missed = tally.connected - len(tally.fanout_ms) - closed
    print(f"broadcast received: {len(tally.fanout_ms)}/{tally.connected} sockets; sends took {sent_s * 1000:.0f} ms")
    if missed:
        print(f"  {missed:5d} × open sockets that never got it (a channel over its capacity drops silently)")
    print(f"fan-out           : {spread(tally.fanout_ms)}  (send → receipt, per socket)")
    print(f"whole broadcast   : {whole_s * 1000:.0f} ms from the first send to the last receipt")
    print(
        "worker RSS        : before "
        + " + ".join(f"{kib / 1024:.0f}" for kib in before.values())
        + f" = {before_total / 1024:.0f} MiB; open "
        + " + ".join(f"{kib / 1024:.0f}" for kib in after.values())
        + f" = {after_total / 1024:.0f} MiB"
    )
    print(f"per connection    : {per:.1f} KiB of worker RSS")
    print(f"redis             : {deleted} keys under the run's prefix deleted")
    if failed or missed or len(tally.fanout_ms) < tally.connected:
        print(f"server log        : {log_path}")
        raise SystemExit("FAILED: some sockets did not connect or missed the broadcast")


if __name__ == "__main__":
    main()
