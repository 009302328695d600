"""How fast is the landing page, compared with the barest Django view on the same server?

    .venv/bin/python bench/landing.py [--concurrency 32] [--seconds 10] [--workers 2] [--sessions 30]

Builds a throwaway embedded-default site (SQLite in WAL mode, local-memory cache) with the
production settings (DEBUG=0, secure cookies, HSTS, CSP; requests carry
``X-Forwarded-Proto: https`` as they would behind the TLS-terminating load balancer), fills
it with approved mentors and real upcoming sessions, serves it as production does
(uvicorn, one worker per core), then drives ``/`` and ``/bench/bare/`` with the same load:
``--concurrency`` keep-alive clients for ``--seconds`` each. Prints requests/s of both,
their ratio, and p50/p99 latency of ``/``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import template  # noqa: E402

PY = sys.executable

SEED = """
from datetime import timedelta
from django.utils import timezone
from core.mentoring.services import session_create
from core.users.services import mentor_approve
from core.users.tests.factories import user_make
count = {sessions}
mentors = []
for index in range(max(1, min(count, 10))):
    mentor = user_make(email=f"bench-mentor{{index}}@example.com", name=f"Bench Mentor {{index}}", role="mentor")
    mentor_approve(mentor=mentor)
    mentors.append(mentor)
for index in range(count):
    session_create(
        mentor=mentors[index % len(mentors)],
        title=f"Bench session {{index}}",
        price_paise=50000 + 100 * index,
        starts_at=timezone.now() + timedelta(hours=2 + 3 * index),
        topics=["Basics", "Practice"],
    )
print(f"seeded {{count}} sessions")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


async def client(port: int, path: str, deadline: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nAccept-Encoding: identity\r\n\r\n"
    ).encode()
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await reader.readline()
            if b" 200 " not in status:
                raise SystemExit(f"{path}: {status!r}")
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        writer.close()


async def warm_up(port: int, paths: list[str], concurrency: int, seconds: float = 3.0) -> None:
    """Load every path first, so neither measurement pays for the workers' first requests."""
    for path in paths:
        await asyncio.gather(*(client(port, path, time.perf_counter() + seconds, []) for _ in range(concurrency)))


async def drive(port: int, path: str, concurrency: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(client(port, path, start + seconds, latencies) for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - start), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--tiny", action="store_true", help="1 second, 2 connections (CI: the bench runs; no figures)")
    args = parser.parse_args()
    if args.tiny:
        args.concurrency, args.seconds, args.workers, args.sessions = 2, 1.0, 1, 3

    workdir = Path(tempfile.mkdtemp(prefix="peerlearn-bench-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "TESTING"}},
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SQLITE_PATH": str(workdir / "db.sqlite3"),
        "STATIC_ROOT": str(workdir / "static"),
        "ROOT_URLCONF": "bench.urls",
        "LOG_LEVEL": "WARNING",
    }
    template.sqlite_copy(env["SQLITE_PATH"])  # bench/smoke.sh's migrated copy, when there is one
    manage(env, "migrate", "--no-input")
    manage(env, "ensure_default_pages")
    manage(env, "collectstatic", "--no-input")
    manage(env, "shell", "-c", SEED.format(sessions=args.sessions))
    server = subprocess.Popen(
        [PY, "-m", "uvicorn", "core.asgi:application", "--port", str(port), "--workers", str(args.workers),
         "--no-access-log", "--lifespan", "off", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        # Until the server listens (a loaded machine can take a while), never on without it.
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start (exit code {server.poll()})") from None
                time.sleep(0.1)
        results = {}
        asyncio.run(warm_up(port, ["/bench/bare/", "/"], args.concurrency))
        for path in ("/bench/bare/", "/"):
            results[path] = asyncio.run(drive(port, path, args.concurrency, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)

    def p99(latencies: list[float]) -> float:
        ordered = sorted(latencies)
        return ordered[max(0, int(len(ordered) * 0.99) - 1)]

    bare_rps, bare_latencies = results["/bench/bare/"]
    landing_rps, latencies = results["/"]
    print(f"workers={args.workers} concurrency={args.concurrency} seconds={args.seconds} sessions={args.sessions}")
    for label, rps, measured in (("bare view", bare_rps, bare_latencies), ("landing /", landing_rps, latencies)):
        median = statistics.median(measured)
        print(f"{label:<12}: {rps:8.0f} req/s  p50 {median:6.1f} ms  p99 {p99(measured):6.1f} ms")
    print(f"ratio       : {landing_rps / bare_rps:8.2f}  (goal >= 0.5)")
    print(f"landing p99 : {p99(latencies):8.1f} ms  (goal < 50 ms)")


if __name__ == "__main__":
    main()
