"""Many learners press "Book & pay" on the same session slot at once: does exactly one end up booked?

    .venv/bin/python bench/booking_contention.py [--learners 200] [--workers 2] [--timeout 60]
        [--db-connections 40] [--database-url postgres://USER@127.0.0.1:5432/NAME]

Builds the site on PostgreSQL with the production settings (DEBUG=0, secure cookies, HSTS, CSP;
requests carry ``X-Forwarded-Proto: https`` as they would behind the TLS-terminating load
balancer) and no Razorpay keys, so the offline test-mode gateway takes the payments. The default
database, ``peerlearn_bench_booking``, is the bench's own: dropped, created and migrated on every
run, left in place afterwards for a look, and owned by the role ``peerlearn_bench``, which may
hold at most ``--db-connections`` connections, so the server never takes the whole of a
PostgreSQL that others use too (superusers such as ``postgres`` ignore such limits). A
``--database-url`` of your own is only migrated, never dropped nor limited; each run makes its
own people and session in it. ``CONN_MAX_AGE`` and ``DJANGO_SETTINGS_MODULE`` from the
environment reach the server, to try other connection settings.

Through the ORM it makes an approved mentor, one upcoming session and ``--learners`` learners,
each already logged in (a session row, as a login would leave; no password hashing). It serves
the site as production does (uvicorn, one worker per core) on 127.0.0.1, and every learner opens
the session page first (untimed, four at a time: it sets the CSRF cookie and opens the learner's
keep-alive connection).

Then, timed, all learners at once: POST ``/bookings/start/<session>/``. Whoever gets the
10-minute hold goes on as a browser would: the test checkout page, Pay, the post back to
``/bookings/<pk>/return/`` and the booking page. Everyone else must get a plain refusal
("Someone is booking this slot right now…" with HTTP 409, or "Slot taken, try another").
Next the mentor accepts every pending request at once (each from its own connection), which
captures a payment and confirms, with the database allowing one confirmation per session.

Prints what each learner was told (each distinct text counted), anything else (errors, 5xx:
must be 0), p50/p99 latency of the booking requests, the mentor's answers, the outcome read
from the database (bookings and payments by status: exactly one confirmed and one captured;
whether every ledger entry balances) and the most connections the server held. Exits
non-zero when any of those fails. Every request gives up after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import math
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import template  # noqa: E402

PY = sys.executable
DEFAULT_DATABASE_URL = "postgres://peerlearn_bench@127.0.0.1:5432/peerlearn_bench_booking"
MAX_LEARNERS = 2000


# --- Just enough of a browser ---------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Page(HTMLParser):
    """The forms of a page (action and named inputs) and the texts it tells the person."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.told: list[str] = []  # error alerts and toasts, in page order
        self._in_form = False
        self._in_alert = False
        self._capture: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "form":
            self.forms.append((attributes.get("action", ""), {}))
            self._in_form = True
        elif tag == "input" and self._in_form and attributes.get("name"):
            self.forms[-1][1][attributes["name"]] = attributes.get("value", "")
        elif tag == "div" and "alert--error" in classes:
            self._in_alert = True
        elif tag == "p" and (self._in_alert or "toast__text" in classes):
            self._capture = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "p" and self._capture is not None:
            self.told.append(" ".join("".join(self._capture).split()))
            self._capture = None
        elif tag == "div":
            self._in_alert = False

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._capture.append(data)

    def form(self, action_prefix: str, *, having: str = "csrfmiddlewaretoken") -> tuple[str, dict[str, str]]:
        """The first form posting to a path starting with ``action_prefix`` that has the field ``having``."""
        for action, fields in self.forms:
            if action.startswith(action_prefix) and having in fields:
                return action, fields
        raise LookupError(f"no form posting to {action_prefix!r} with {having!r}")


class Browser:
    """One person: a keep-alive HTTP/1.1 connection to the server and their cookies."""

    def __init__(self, port: int, cookies: dict[str, str], timeout: float) -> None:
        self.port = port
        self.cookies = dict(cookies)
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict[str, str]) -> Response:
        return await self.request("POST", path, urlencode(form).encode())

    async def request(self, method: str, path: str, body: bytes = b"") -> Response:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            "X-Forwarded-Proto: https",
            "Accept-Encoding: identity",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if method == "POST":  # what a browser sends with a same-origin form post
            lines += [
                f"Origin: https://127.0.0.1:{self.port}",
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        response = await asyncio.wait_for(self._exchange(raw), self.timeout)
        for name, value in response.headers:
            if name == "set-cookie":
                pair, _, attributes = value.partition(";")
                key, _, cookie = pair.strip().partition("=")
                if "max-age=0" in attributes.lower().replace(" ", ""):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie
        return response

    async def _exchange(self, raw: bytes) -> Response:
        reused = self.writer is not None
        if not reused:
            await self._connect()
        self.writer.write(raw)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line and reused:  # the server closed the idle connection unread: send again
            self.close()
            await self._connect()
            self.writer.write(raw)
            await self.writer.drain()
            status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection without answering")
        status = int(status_line.split()[1])
        headers = []
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        fields = dict(headers)
        if fields.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                body += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
        elif "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
        else:
            body = await self.reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return Response(status, headers, body)

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# --- Setting up -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def database_prepare(url: str, *, own: bool, connection_limit: int) -> None:
    """Create the database. The bench's own is dropped first and owned by a role that may hold at most
    ``connection_limit`` connections (PostgreSQL exempts superusers from the limit, so not ``postgres``):
    the server's connections then never crowd out other users of the same PostgreSQL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name, role = parts.path.lstrip("/"), parts.username or "postgres"
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        database = sql.Identifier(name)
        if own:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            statement = "ALTER ROLE {} CONNECTION LIMIT {}" if exists else "CREATE ROLE {} LOGIN CONNECTION LIMIT {}"
            connection.execute(sql.SQL(statement).format(sql.Identifier(role), sql.Literal(connection_limit)))
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            owner = sql.SQL(" OWNER {}").format(sql.Identifier(role)) if own else sql.SQL("")
            connection.execute(template.create_database(database) + owner)
            if own and template.is_templated():
                template.grant_all(urlunsplit(urlsplit(maintenance_url(url))._replace(path=f"/{name}")), role)


def maintenance_url(url: str) -> str:
    """The same PostgreSQL, its ``postgres`` database, as the ``postgres`` superuser (trust auth)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"postgres@{parts.hostname}:{parts.port or 5432}", path="/postgres"))


class ConnectionSampler:
    """Counts the database's PostgreSQL connections every 20 ms in a thread; ``peak`` is the most seen."""

    def __init__(self, url: str) -> None:
        self.url, self.name = url, urlsplit(url).path.lstrip("/")
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(maintenance_url(self.url), autocommit=True) as connection:
            while not self._stop.wait(0.02):
                count = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name]
                ).fetchone()[0]
                self.peak = max(self.peak, count)


def seed(learner_count: int) -> tuple[int, dict[str, str], list[dict[str, str]]]:
    """An approved mentor, one upcoming session, logged-in learners. Returns the session's pk and cookies."""
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from core.mentoring.services import session_create
    from core.users.models import Role, User
    from core.users.services import mentor_approve, user_complete_registration, user_create_with_role

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    tag = secrets.token_hex(3)

    def person(email: str, role: str, name: str, details: dict) -> User:
        user = User(email=email)
        user.set_unusable_password()  # they are logged in below; no password hashing in the setup
        user = user_create_with_role(user=user, name=name, role=role, details=details)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        user_complete_registration(user=user)
        return user

    def logged_in(user: User) -> dict[str, str]:
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return {settings.SESSION_COOKIE_NAME: store.session_key}

    mentor = person(
        f"bench-{tag}-mentor@example.com", Role.MENTOR, "Bench Mentor", {"domains": ["Programming"], "skills": ["SQL"]}
    )
    mentor_approve(mentor=mentor)
    session = session_create(
        mentor=mentor,
        title="Bench: one slot, many learners",
        price_paise=100_000,
        starts_at=timezone.now() + timedelta(days=2),
        topics=["Locks", "Constraints"],
    )
    learners = [
        person(f"bench-{tag}-learner{index}@example.com", Role.LEARNER, f"Learner {index}", {"interests": ["SQL"]})
        for index in range(learner_count)
    ]
    return session.pk, logged_in(mentor), [logged_in(learner) for learner in learners]


# --- The timed part -------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.told: collections.Counter[str] = collections.Counter()  # refusals, by text
        self.booked: collections.Counter[str] = collections.Counter()  # holders' booking pages, by text
        self.other: list[str] = []
        self.start_ms: list[float] = []
        self.flow_ms: list[float] = []
        self.burst_s = 0.0


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise RuntimeError(f"{what}: HTTP {response.status} {' | '.join(Page(response.text).told)[:200]}")
    return response


FAILURES = (OSError, TimeoutError, RuntimeError, LookupError, ValueError, asyncio.IncompleteReadError)


async def open_session_page(browser: Browser, session_pk: int, gate: asyncio.Semaphore, tally: Tally) -> str:
    """Untimed, a few at a time: the learner looks at the session; returns the Book & pay form's CSRF token."""
    try:
        async with gate:
            page = expect(await browser.get(f"/sessions/{session_pk}/"), 200, "session page (untimed)")
        return Page(page.text).form(f"/bookings/start/{session_pk}/")[1]["csrfmiddlewaretoken"]
    except FAILURES as exc:
        tally.other.append(f"{type(exc).__name__}: {exc}"[:240])
        return ""


async def book_and_pay(browser: Browser, session_pk: int, token: str, tally: Tally) -> None:
    began = time.perf_counter()
    try:
        start = await browser.post(f"/bookings/start/{session_pk}/", {"csrfmiddlewaretoken": token})
        tally.start_ms.append((time.perf_counter() - began) * 1000)
        checkout = start.header("location")
        if start.status != 302 or not checkout.startswith("/testmode/checkout/"):
            told = Page(start.text).told
            if start.status == 409 and told:
                tally.told[told[0]] += 1
            else:
                tally.other.append(f"start: HTTP {start.status} {' | '.join(told)[:200]}")
            return
        page = expect(await browser.get(checkout), 200, "checkout page")
        _action, fields = Page(page.text).form("", having="callback")
        paid = await browser.post(checkout.split("?")[0], {**fields, "action": "pay"})
        callback, answer = Page(expect(paid, 200, "checkout pay").text).form("/bookings/", having="razorpay_signature")
        back = expect(await browser.post(callback, answer), 302, "checkout return")
        detail = expect(await browser.get(back.header("location")), 200, "booking page")
        tally.booked[" / ".join(Page(detail.text).told) or "(nothing said)"] += 1
        tally.flow_ms.append((time.perf_counter() - began) * 1000)
    except FAILURES as exc:
        tally.other.append(f"{type(exc).__name__}: {exc}"[:240])


async def learners_run(port: int, session_pk: int, cookies: list[dict[str, str]], timeout: float) -> Tally:
    tally = Tally()
    browsers = [Browser(port, jar, timeout) for jar in cookies]
    try:
        gate = asyncio.Semaphore(4)
        tokens = await asyncio.gather(*(open_session_page(browser, session_pk, gate, tally) for browser in browsers))
        ready = [(browser, token) for browser, token in zip(browsers, tokens, strict=True) if token]
        began = time.perf_counter()
        await asyncio.gather(*(book_and_pay(browser, session_pk, token, tally) for browser, token in ready))
        tally.burst_s = time.perf_counter() - began
    finally:
        for browser in browsers:
            browser.close()
    return tally


async def mentor_accept(browser: Browser, booking_pk: int, answers: collections.Counter, latencies: list[float]):
    try:
        page = expect(await browser.get(f"/bookings/{booking_pk}/"), 200, "mentor's booking page")
        action, fields = Page(page.text).form(f"/bookings/{booking_pk}/accept/")
        began = time.perf_counter()
        accepted = expect(await browser.post(action, fields), 302, "accept")
        latencies.append((time.perf_counter() - began) * 1000)
        after = expect(await browser.get(accepted.header("location")), 200, "page after accept")
        answers[" / ".join(Page(after.text).told) or "(nothing said)"] += 1
    except FAILURES as exc:
        answers[f"error: {type(exc).__name__}: {exc}"[:240]] += 1


async def mentor_run(port: int, cookies: dict[str, str], pending: list[int], timeout: float):
    """The mentor answers every pending request at the same moment, each from its own tab."""
    answers: collections.Counter[str] = collections.Counter()
    latencies: list[float] = []
    browsers = [Browser(port, cookies, timeout) for _ in pending]
    try:
        await asyncio.gather(
            *(mentor_accept(browser, pk, answers, latencies) for browser, pk in zip(browsers, pending, strict=True))
        )
    finally:
        for browser in browsers:
            browser.close()
    return answers, latencies


# --- Reading the outcome --------------------------------------------------------------------


def outcome(session_pk: int) -> dict:
    from django.db.models import Count

    from core.bookings.models import Booking, BookingStatus
    from core.payments import ledger
    from core.payments.models import JournalEntry, Payment, PaymentStatus
    from core.testmode.models import TestPayment

    bookings = Booking.objects.filter(session_id=session_pk)
    payments = Payment.objects.filter(booking__session_id=session_pk)
    return {
        "bookings": list(bookings.values_list("status", "status_reason").annotate(n=Count("id")).order_by("status")),
        "payments": list(payments.values_list("status").annotate(n=Count("id")).order_by("status")),
        "confirmed": bookings.filter(status=BookingStatus.CONFIRMED).count(),
        "captured": payments.filter(status=PaymentStatus.CAPTURED).count(),
        "gateway_captured": TestPayment.objects.filter(
            order_id__in=payments.values("razorpay_order_id"), status="captured"
        ).count(),
        "entries": JournalEntry.objects.filter(payment__in=payments).count(),
        "balanced": ledger.entries_balanced(),
    }


def p99(latencies: list[float]) -> float:
    """Nearest rank: the smallest value that at least 99 % of the latencies do not exceed."""
    ordered = sorted(latencies)
    return ordered[math.ceil(len(ordered) * 0.99) - 1]


def spread(latencies: list[float]) -> str:
    if not latencies:
        return "none"
    return f"p50 {statistics.median(latencies):7.1f} ms  p99 {p99(latencies):7.1f} ms  max {max(latencies):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=60, help="seconds any one request may take")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--db-connections",
        type=int,
        default=40,
        help="most PostgreSQL connections the bench's own database role may hold (max_connections is shared)",
    )
    parser.add_argument("--tiny", action="store_true", help="5 learners, 1 worker (CI: the bench runs; no figures)")
    args = parser.parse_args()
    if args.tiny:
        args.learners, args.workers = 5, 1
    if not 1 <= args.learners <= MAX_LEARNERS:
        parser.error(f"--learners must be between 1 and {MAX_LEARNERS}")
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--database-url must point at this machine (127.0.0.1)")

    workdir = Path(tempfile.mkdtemp(prefix="peerlearn-bench-"))
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
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "core.settings"),
    }
    own_database = args.database_url == DEFAULT_DATABASE_URL
    database_prepare(args.database_url, own=own_database, connection_limit=args.db_connections)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")

    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from core.bookings.models import Booking, BookingStatus

    if own_database:  # the bench itself reads and writes as a superuser, so the role's limit binds the server only
        connection.settings_dict["USER"] = "postgres"
    session_pk, mentor_cookies, learner_cookies = seed(args.learners)
    connection.close()

    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [PY, "-m", "uvicorn", "core.asgi:application", "--port", str(port), "--workers", str(args.workers),
             "--no-access-log", "--lifespan", "off", "--log-level", "warning",
             "--timeout-keep-alive", "120"],  # the learners' connections idle while the others open the page
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
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
        with ConnectionSampler(args.database_url) as learners_sampler:
            tally = asyncio.run(learners_run(port, session_pk, learner_cookies, args.timeout))
        pending = list(
            Booking.objects.filter(session_id=session_pk, status=BookingStatus.PENDING).values_list("pk", flat=True)
        )
        connection.close()
        with ConnectionSampler(args.database_url) as mentor_sampler:
            answers, accept_ms = asyncio.run(mentor_run(port, mentor_cookies, pending, args.timeout))
    finally:
        server.terminate()
        server.wait(timeout=10)
    result = outcome(session_pk)

    limit = f"role limit {args.db_connections}" if own_database else "no limit set by the bench"
    database = settings.DATABASES["default"]
    pool = database.get("OPTIONS", {}).get("pool")
    print(
        f"learners={args.learners} workers={args.workers} database={database['NAME']} ({limit})"
        f" CONN_MAX_AGE={database['CONN_MAX_AGE']} pool={pool or 'off'}"
    )
    print(f"all learners pressed Book & pay at once; every answer in {tally.burst_s:.2f} s")
    print(f"booking requests  : {spread(tally.start_ms)}  ({len(tally.start_ms)} POST /bookings/start/)")
    print(f"book and pay      : {spread(tally.flow_ms)}  ({len(tally.flow_ms)} got the hold: start → checkout → page)")
    print(f"got the hold, paid: {sum(tally.booked.values())}")
    for text, count in tally.booked.most_common():
        print(f"  {count:5d} × their booking page said: {text}")
    print(f"told plainly no   : {sum(tally.told.values())}")
    for text, count in tally.told.most_common():
        print(f"  {count:5d} × {text}")
    print(f"anything else     : {len(tally.other)}  (goal 0)")
    for text, count in collections.Counter(tally.other).most_common(10):
        print(f"  {count:5d} × {text}")
    print(f"mentor accepted   : {len(pending)} pending request(s) at once; {spread(accept_ms)}")
    for text, count in answers.most_common():
        print(f"  {count:5d} × {text}")
    print("bookings (db)     : " + ", ".join(f"{s}={n}" + (f" ({r})" if r else "") for s, r, n in result["bookings"]))
    print("payments (db)     : " + ", ".join(f"{s}={n}" for s, n in result["payments"]))
    print(f"confirmed         : {result['confirmed']}  (goal 1)")
    print(f"captured          : {result['captured']} payment, {result['gateway_captured']} at the gateway  (goal 1)")
    print(f"ledger            : {result['entries']} entries for this session, all balanced: {result['balanced']}")
    peak = max(learners_sampler.peak, mentor_sampler.peak)
    print(f"db connections    : at most {peak} open to the database at once (the server's)")

    failures = []
    if result["confirmed"] != 1 or result["captured"] != 1 or result["gateway_captured"] != 1:
        failures.append("not exactly one confirmed booking and one captured payment")
    if tally.other or any(text.startswith("error:") for text in answers):
        failures.append("some requests failed")
    if not result["balanced"]:
        failures.append("the ledger does not balance")
    if failures:
        print(f"server log        : {log_path}")
        raise SystemExit("FAILED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
