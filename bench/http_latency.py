"""Latency of a few pages of a running PeerLearn (`make run` in another terminal).

    .venv/bin/python bench/http_latency.py [--base http://127.0.0.1:8000] [--requests 200]

Prints p50/p95/max in milliseconds for each path, sequential requests over one keep-alive
connection, so it measures the server, not the client's concurrency.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import time
from urllib.parse import urlparse

PATHS = ["/healthz", "/", "/accounts/login/", "/accounts/signup/"]


def measure(base: str, path: str, count: int) -> list[float]:
    url = urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=10)
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - start) * 1000)
        if response.status >= 400:
            raise SystemExit(f"{path} answered {response.status}")
    connection.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tiny", action="store_true", help="3 requests a page (CI: the bench runs; no figures)")
    args = parser.parse_args()
    if args.tiny:
        args.requests = 3
    print(f"{'path':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  ({args.requests} requests each)")
    for path in PATHS:
        measure(args.base, path, 5)  # warm up
        timings = sorted(measure(args.base, path, args.requests))
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{path:<22}{statistics.median(timings):>9.1f}{p95:>9.1f}{timings[-1]:>9.1f}")


if __name__ == "__main__":
    main()
