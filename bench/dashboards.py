"""How fast is every dashboard page with 10,000 sessions and 50,000 bookings on PostgreSQL?

    .venv/bin/python bench/dashboards.py [--sessions 10000] [--bookings 50000] [--requests 200]
        [--concurrency WORKERS] [--warmup 20] [--workers CORES] [--keep-data] [--explain]
        [--pages REGEX] [--compare-plugin NAME]
        [--database-url postgres://postgres@127.0.0.1:5432/peerlearn_bench_dashboards]

Builds the site on PostgreSQL with the production settings (DEBUG=0, secure cookies, HSTS, CSP;
requests carry ``X-Forwarded-Proto: https`` as they would behind the TLS-terminating load
balancer) and no Razorpay keys. The default database, ``peerlearn_bench_dashboards``, is the
bench's own: dropped, created and migrated on every run and dropped again at the end, unless
``--keep-data`` keeps it (a later ``--keep-data`` run with the same sizes then reuses its data,
which is how to look at query plans). A ``--database-url`` of your own is created if missing and
migrated, never dropped; it must not hold an earlier run of other sizes.

The data is written in bulk (about half a minute; no password hashing), in the shapes the services
leave: ``--sessions`` sessions of 20 approved mentors (one in 500 sessions) and ``--bookings``
paid requests from 5,000 learners (one per 10 bookings). Past sessions are completed (one booking
confirmed, its payment captured and the mentor's share released; the other requests rejected
"Slot taken" and their payments voided) or cancelled (the confirmed learner refunded in full);
upcoming ones are confirmed or still have requests waiting for the mentor. Every captured payment
has its ledger entries (capture, release or refund) and the measured mentor has withdrawn part of
their earnings (requested and paid-out entries); the entries are checked against what the real
``core.payments.ledger`` writers post, and all of them to balance. The measured mentor has a
tenth of it all (1,000 sessions, 5,000 bookings), the measured learner one booking in a hundred
(500, with many mentors); the output says exactly what each has.

The pages are every section of both dashboards, read from ``core.dashboards.navigation``
(``MENTOR_SECTIONS``, ``LEARNER_SECTIONS``) when the bench runs, plus the mentor's session list
and ``earnings.csv``; a section that is not there yet (no URL, or 404) is left out and named.
Both people are logged in through a session row, as a login leaves it. First, in the bench
process, Django's test client opens each page once to warm it, then three times: the SQL of the
first of those is counted (``CaptureQueriesContext``), their median time is the view's own. Then
the site is served as production serves it: one uvicorn process per core (``--workers``) behind
a load balancer, which here is the client spreading its connections over them round-robin, on
127.0.0.1. Every page gets ``--warmup`` untimed requests, then, page after page, ``--requests``
timed GETs from ``--concurrency`` keep-alive connections (a small asyncio HTTP/1.1 client, as in
the other benches). Each page stops after ``--page-seconds`` and each request after ``--timeout``
seconds.

By default there is one connection per process: every process is always busy, so req/s is what
the site can serve, and no request waits behind another, so p50 and p95 are what a person waits
for a page while the site is busy but not overloaded. More connections than processes measure
queueing instead: with ``--concurrency 8`` on two processes each request waits for about three
others, and the latencies grow about fourfold while req/s stays the same.

``--pages`` keeps the pages whose "role label" matches a regular expression ("learner home").
``--compare-plugin NAME`` measures what a plugin costs instead: the site is served twice side by
side, with the plugins set (less NAME) and with NAME added, and the timed requests go to one and
the other in alternating rounds of a tenth, so that whatever else the machine is doing falls on
both alike; it prints p50 and p95 of both, the p95 difference and how many more bytes the page has
with the plugin (its panels). The recommendations plugin's panel on the learner's home:
``--pages "learner home" --compare-plugin recommendations``.

Prints, per page: p50 and p95 latency, requests/s, response bytes, the SQL queries and their time
in the counted visit, and the view's own time when it has the process to itself (no queueing).
For a page whose p95 is over ``--slow-ms`` (and for every page with ``--explain``) it runs EXPLAIN
ANALYZE on each of the page's queries and prints them by execution time, the slowest one's plan in
full. Exits non-zero when any timed request failed or got an answer other than 200.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import template  # noqa: E402

PY = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peerlearn_bench_dashboards"
MENTOR_EMAIL = "bench-measured-mentor@example.com"
LEARNER_EMAIL = "bench-measured-learner@example.com"
SEED = 6  # the same data on every run
PRICES_PAISE = (50_000, 75_000, 100_000, 150_000, 200_000, 250_000)
TOPICS = (
    "Python for data analysis", "System design interview prep", "DSA: graphs and trees", "React from scratch",
    "SQL for analysts", "JEE physics: mechanics", "Calculus for JEE", "Figma for beginners", "Spoken English",
    "Product management basics", "Django REST APIs", "Machine learning foundations", "Resume review",
    "GATE CS: operating systems", "Excel for finance", "UPSC essay writing", "Kotlin for Android", "Public speaking",
)  # fmt: skip
FIRST_NAMES = (
    "Aarav", "Vivaan", "Aditya", "Ishaan", "Kabir", "Arjun", "Rohan", "Siddharth", "Ananya", "Diya", "Priya",
    "Meera", "Kavya", "Saanvi", "Ira", "Nisha", "Farhan", "Zoya", "Harpreet", "Lakshmi", "Tenzin", "Joseph",
)  # fmt: skip
LAST_NAMES = (
    "Sharma", "Verma", "Iyer", "Nair", "Reddy", "Patel", "Shah", "Gupta", "Khan", "Das", "Banerjee", "Menon",
    "Singh", "Kaur", "Rao", "Pillai", "Joshi", "Mehta", "D'Souza", "Bhat",
)  # fmt: skip


# --- The database ---------------------------------------------------------------------------


def maintenance_url(url: str) -> str:
    """The same PostgreSQL, its ``postgres`` database, as the ``postgres`` superuser (trust auth)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"postgres@{parts.hostname}:{parts.port or 5432}", path="/postgres"))


def database_create(url: str, *, drop_first: bool) -> None:
    import psycopg
    from psycopg import sql

    name = sql.Identifier(urlsplit(url).path.lstrip("/"))
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        if drop_first:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [urlsplit(url).path.lstrip("/")]
        ).fetchone()
        if not exists:
            connection.execute(template.create_database(name))


def database_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        name = sql.Identifier(urlsplit(url).path.lstrip("/"))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def static_collect(env: dict, static_root: Path) -> None:
    """``collectstatic`` as a deployment runs it (hashed names, compressed copies).

    ``vendor/chartjs/chart.umd.min.js`` names a source map that is not in the repository, and the
    manifest storage refuses to post-process a file whose references are missing. An empty
    stand-in in the bench's own STATIC_ROOT lets the analytics page render as it would with the
    map; nothing outside the bench's temporary directory changes.
    """
    script = ROOT / "static/vendor/chartjs/chart.umd.min.js"
    if script.exists() and not script.with_name(script.name + ".map").exists():
        stand_in = static_root / "vendor/chartjs" / (script.name + ".map")
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.touch()
    manage(env, "collectstatic", "--no-input")


# --- The data -------------------------------------------------------------------------------


@contextmanager
def timestamps_as_given(*models):
    """Let ``bulk_create`` store the historic ``created_at``/``updated_at`` set on each row: fields
    with ``auto_now``/``auto_now_add`` would otherwise stamp every row with the moment of the bench."""
    fields = [
        model_field
        for model in models
        for model_field in model._meta.concrete_fields
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    ]
    saved = [(model_field, model_field.auto_now, model_field.auto_now_add) for model_field in fields]
    for model_field in fields:
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


@dataclass
class Share:
    """What one measured person has, for the output."""

    sessions: int = 0
    bookings: dict[str, int] = field(default_factory=dict)
    mentors: set[int] = field(default_factory=set)
    upcoming_confirmed: int = 0
    captured: int = 0
    withdrawals: int = 0

    def count(self, status: str) -> None:
        self.bookings[status] = self.bookings.get(status, 0) + 1


def _slots(rng: random.Random, count: int, now: datetime, *, upcoming: bool) -> list[datetime]:
    """``count`` distinct hour slots between 08:30 and 21:30 India time (03:00-16:00 UTC): in the
    past 26 weeks (or more, for many sessions), or in the next 4 weeks. A mentor never overlaps."""
    days = max(28 if upcoming else 182, math.ceil(count / 14) + 1)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    offsets = range(1, days + 1)
    grid = [(day, hour) for day in offsets for hour in range(3, 17)]
    picked = rng.sample(grid, count)
    sign = 1 if upcoming else -1
    return [midnight + timedelta(days=sign * day, hours=hour) for day, hour in picked]


def seed(*, session_count: int, booking_count: int) -> dict:
    """Write the whole data set; returns what the measured mentor and learner have."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.bookings.models import Booking, BookingStatus
    from core.bookings.services import CANCELLED_BY_MENTOR, SLOT_TAKEN
    from core.mentoring.models import MentoringSession, SessionStatus
    from core.money import split
    from core.payments import ledger
    from core.payments.models import (
        AccountKind,
        DestinationKind,
        JournalEntry,
        Payment,
        PaymentStatus,
        Posting,
        Withdrawal,
        WithdrawalStatus,
    )
    from core.users.models import LearnerProfile, MentorProfile, Role, User
    from core.users.services import mentor_approve, user_complete_registration, user_create_with_role

    rng = random.Random(SEED)
    now = timezone.now().replace(microsecond=0)

    def person(email: str, role: str, name: str, details: dict) -> User:
        user = User(email=email)
        user.set_unusable_password()  # logged in through a session row; no password hashing anywhere
        user = user_create_with_role(user=user, name=name, role=role, details=details)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        user_complete_registration(user=user)
        return user

    def name_for(index: int) -> str:
        return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 7) % len(LAST_NAMES)]}"

    # People: the two measured ones through the real services, everyone else in bulk.
    mentor = person(
        MENTOR_EMAIL, Role.MENTOR, "Meera Iyer", {"domains": ["Programming"], "skills": ["Python", "SQL", "Django"]}
    )
    mentor_approve(mentor=mentor)
    TOTPDevice.objects.create(user=mentor, name="Authenticator", confirmed=True)  # she has withdrawn before
    learner = person(LEARNER_EMAIL, Role.LEARNER, "Rohan Verma", {"interests": ["Python", "System design"]})

    unusable = make_password(None)
    joined = now - timedelta(days=400)
    other_mentor_count = max(1, session_count // 500 - 1)
    learner_count = max(20, booking_count // 10)
    with transaction.atomic():
        others = User.objects.bulk_create(
            (
                User(
                    email=f"bench-mentor-{index}@example.com", name=name_for(index + 3), role=Role.MENTOR,
                    password=unusable, date_joined=joined, registered_at=joined,
                )
                for index in range(other_mentor_count)
            ),
            batch_size=2000,
        )  # fmt: skip
        MentorProfile.objects.bulk_create(
            MentorProfile(user=user, domains=["Programming"], skills=["Python"], is_approved=True, approved_at=joined)
            for user in others
        )
        learners = User.objects.bulk_create(
            (
                User(
                    email=f"bench-learner-{index}@example.com", name=name_for(index), role=Role.LEARNER,
                    password=unusable, date_joined=joined, registered_at=joined,
                )
                for index in range(learner_count)
            ),
            batch_size=2000,
        )  # fmt: skip
        LearnerProfile.objects.bulk_create(
            (LearnerProfile(user=user, interests=["Python"]) for user in learners), batch_size=2000
        )
    learner_ids = [user.pk for user in learners]

    # Sessions: a tenth (and a tenth of the bookings) are the measured mentor's.
    mentor_sessions = max(1, session_count // 10)
    mentor_bookings = max(mentor_sessions, booking_count // 10)
    groups = [(mentor.pk, mentor_sessions, mentor_bookings)]
    rest_sessions, rest_bookings = session_count - mentor_sessions, booking_count - mentor_bookings
    for index, other in enumerate(others):
        share = rest_sessions // len(others) + (index < rest_sessions % len(others))
        bookings_share = rest_bookings // len(others) + (index < rest_bookings % len(others))
        groups.append((other.pk, share, max(share, bookings_share)))

    plans = []  # one per session: the session and its requests, learners in the order they asked
    for mentor_id, count, bookings_total in groups:
        upcoming_count = round(count * 0.15)
        starts = _slots(rng, count - upcoming_count, now, upcoming=False)
        starts += _slots(rng, upcoming_count, now, upcoming=True)
        per_session = [1] * count  # every session was asked for at least once
        for index in rng.choices(range(count), k=bookings_total - count):
            per_session[index] += 1
        for starts_at, requests in zip(starts, per_session, strict=True):
            upcoming = starts_at > now
            if rng.random() < (0.03 if upcoming else 0.05):
                state = "cancelled"
            elif not upcoming:
                state = "completed"
            else:
                state = "confirmed" if rng.random() < 0.6 else "waiting"
            plans.append(
                {
                    "mentor_id": mentor_id,
                    "starts_at": starts_at,
                    "state": state,
                    "learners": rng.sample(learner_ids, min(requests, len(learner_ids))),
                }
            )
    # The measured learner asked for learner_share sessions of many mentors, one request each.
    learner_share = max(1, booking_count // 100)
    for plan in rng.sample(plans, min(learner_share, len(plans))):
        plan["learners"][rng.randrange(len(plan["learners"]))] = learner.pk

    mentor_share, learner_bookings = Share(), Share()
    sessions, requests = [], []  # requests: (plan index, learner id, status, reason, created, decided, payment)
    for index, plan in enumerate(plans):
        starts_at, state = plan["starts_at"], plan["state"]
        ends_at = starts_at + timedelta(minutes=60 if index % 4 else 45)
        cancelled_at = min(now, starts_at) - timedelta(hours=1) if state == "cancelled" else None
        sessions.append(
            MentoringSession(
                mentor_id=plan["mentor_id"],
                title=TOPICS[index % len(TOPICS)],
                description="Bring your questions; we work through real examples together.",
                topics=["Warm-up", "Core ideas", "Practice", "Q&A"],
                price_paise=PRICES_PAISE[index % len(PRICES_PAISE)],
                starts_at=starts_at,
                ends_at=ends_at,
                status={"completed": SessionStatus.COMPLETED, "cancelled": SessionStatus.CANCELLED}.get(
                    state, SessionStatus.ACTIVE
                ),
                created_at=min(now, starts_at) - timedelta(days=30),
                updated_at=cancelled_at or min(now, ends_at),
                cancelled_at=cancelled_at,
            )
        )
        if plan["mentor_id"] == mentor.pk:
            mentor_share.sessions += 1
        latest = min(now, starts_at) - timedelta(hours=12)  # asked 12 h or more before the start (or now),
        for position, learner_id in enumerate(plan["learners"]):
            created = latest - timedelta(minutes=rng.randrange(10, 14 * 24 * 60))
            decided = created + timedelta(minutes=rng.randrange(10, 11 * 60))  # answered before any cancellation
            if state == "waiting":
                status, reason, decided, payment = BookingStatus.PENDING, "", None, PaymentStatus.AUTHORIZED
            elif position == 0 and state == "cancelled":
                status, reason, payment = BookingStatus.CANCELLED, CANCELLED_BY_MENTOR, PaymentStatus.REFUNDED
            elif position == 0:
                status, reason, payment = BookingStatus.CONFIRMED, "", PaymentStatus.CAPTURED
            else:
                status, reason, payment = BookingStatus.REJECTED, SLOT_TAKEN, PaymentStatus.VOIDED
            requests.append((index, learner_id, status, reason, created, decided, payment))
            for share, applies in (
                (mentor_share, plan["mentor_id"] == mentor.pk),
                (learner_bookings, learner_id == learner.pk),
            ):
                if not applies:
                    continue
                share.count(status)
                share.mentors.add(plan["mentor_id"])
                share.captured += payment in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED)
                share.upcoming_confirmed += status == BookingStatus.CONFIRMED and state == "confirmed"

    with transaction.atomic(), timestamps_as_given(MentoringSession, Booking, Payment, JournalEntry, Withdrawal):
        sessions = MentoringSession.objects.bulk_create(sessions, batch_size=2000)
        bookings = Booking.objects.bulk_create(
            (
                Booking(
                    session_id=sessions[index].pk, mentor_id=sessions[index].mentor_id, learner_id=learner_id,
                    reference=f"BK-{number:010X}",
                    status=status, status_reason=reason, decided_at=decided, created_at=created,
                    updated_at=decided or created,
                )
                for number, (index, learner_id, status, reason, created, decided, _payment) in enumerate(requests)
            ),
            batch_size=5000,
        )  # fmt: skip
        payments = []
        for booking, (index, _learner, _status, _reason, created, decided, status) in zip(
            bookings, requests, strict=True
        ):
            session = sessions[index]
            amounts = split(session.price_paise)
            captured = status in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED)
            payments.append(
                Payment(
                    booking_id=booking.pk, learner_id=booking.learner_id, mentor_id=session.mentor_id,
                    price_paise=amounts.price_paise, fee_paise=amounts.fee_paise, amount_paise=amounts.amount_paise,
                    mentor_share_paise=amounts.mentor_share_paise, app_share_paise=amounts.app_share_paise,
                    refunded_paise=amounts.amount_paise if status == PaymentStatus.REFUNDED else 0,
                    status=status, gateway="testmode",
                    razorpay_order_id=f"order_bench{booking.pk}", razorpay_payment_id=f"pay_bench{booking.pk}",
                    razorpay_refund_id=f"rfnd_bench{booking.pk}" if status == PaymentStatus.REFUNDED else "",
                    created_at=created, authorized_at=created + timedelta(minutes=2),
                    captured_at=decided if captured else None,
                    closed_at={PaymentStatus.VOIDED: decided, PaymentStatus.REFUNDED: session.cancelled_at}.get(status),
                )
            )  # fmt: skip
        payments = Payment.objects.bulk_create(payments, batch_size=5000)

        # The ledger, in the shapes core.payments.ledger writes (checked against it below).
        accounts: dict[tuple[str, int | None], int] = {}

        def account(kind: str, user_id: int | None = None) -> int:
            if (kind, user_id) not in accounts:
                owner = None if user_id is None else User(pk=user_id)
                accounts[kind, user_id] = ledger.account_get(kind=kind, user=owner).pk
            return accounts[kind, user_id]

        entries, lines = [], []  # lines[i]: the postings of entries[i] as (account id, paise)

        def entry(reference: str, memo: str, at: datetime, postings: list[tuple[int, int]], **link) -> None:
            postings = [(account_id, paise) for account_id, paise in postings if paise]
            if sum(paise for _account, paise in postings):
                raise SystemExit(f"bench bug: {reference} does not balance")
            entries.append(JournalEntry(reference=reference, memo=memo, created_at=at, **link))
            lines.append(postings)

        released_paise = 0
        clearing, revenue = account(AccountKind.GATEWAY_CLEARING), account(AccountKind.PLATFORM_REVENUE)
        for payment, (index, *_rest) in zip(payments, requests, strict=True):
            if payment.captured_at is None:
                continue
            session, pending = sessions[index], account(AccountKind.MENTOR_PENDING, payment.mentor_id)
            entry(
                f"capture:{payment.pk}",
                f"Captured {payment.razorpay_payment_id} for booking {payment.booking_id}",
                payment.captured_at,
                [
                    (clearing, payment.amount_paise),
                    (pending, -payment.mentor_share_paise),
                    (revenue, -payment.app_share_paise),
                ],
                payment_id=payment.pk,
            )
            if payment.status == PaymentStatus.REFUNDED:
                entry(
                    f"refund:{payment.pk}",
                    f"Refunded {payment.razorpay_payment_id} ({payment.razorpay_refund_id})",
                    payment.closed_at,
                    [
                        (pending, payment.mentor_share_paise),
                        (revenue, payment.app_share_paise),
                        (clearing, -payment.amount_paise),
                    ],
                    payment_id=payment.pk,
                )
            elif session.status == SessionStatus.COMPLETED:
                available = account(AccountKind.MENTOR_AVAILABLE, payment.mentor_id)
                entry(
                    f"release:{payment.pk}",
                    f"Released earnings of booking {payment.booking_id}",
                    session.ends_at + timedelta(minutes=5),
                    [(pending, payment.mentor_share_paise), (available, -payment.mentor_share_paise)],
                    payment_id=payment.pk,
                )
                if payment.mentor_id == mentor.pk:
                    released_paise += payment.mentor_share_paise

        # The measured mentor withdrew 6 % of her released earnings every two weeks; one payout is
        # still in transit.
        withdrawals = []
        for number in range(13):
            at = now - timedelta(weeks=24 - 2 * number, hours=3)
            withdrawals.append(
                Withdrawal(
                    user=mentor, amount_paise=max(100, released_paise * (3 if number == 12 else 6) // 100),
                    destination_kind=DestinationKind.BANK, account_name="Meera Iyer", ifsc="HDFC0001234",
                    account_number="50100012345678",
                    status=WithdrawalStatus.PROCESSING if number == 12 else WithdrawalStatus.COMPLETED,
                    payout_id=f"pout_bench{number}", created_at=at, updated_at=at + timedelta(hours=20),
                )
            )  # fmt: skip
        withdrawals = Withdrawal.objects.bulk_create(withdrawals)
        mentor_share.withdrawals = len(withdrawals)
        # Money in transit is the withdrawer's own (core.payments.ledger), not one platform account.
        available = account(AccountKind.MENTOR_AVAILABLE, mentor.pk)
        in_transit = account(AccountKind.PAYOUTS_IN_TRANSIT, mentor.pk)
        for withdrawal in withdrawals:
            paise = withdrawal.amount_paise
            entry(
                f"withdrawal:{withdrawal.pk}",
                f"Withdrawal {withdrawal.pk} requested",
                withdrawal.created_at,
                [(available, paise), (in_transit, -paise)],
                withdrawal_id=withdrawal.pk,
            )
            if withdrawal.status == WithdrawalStatus.COMPLETED:
                entry(
                    f"payout:{withdrawal.pk}",
                    f"Withdrawal {withdrawal.pk} paid out",
                    withdrawal.updated_at,
                    [(in_transit, paise), (clearing, -paise)],
                    withdrawal_id=withdrawal.pk,
                )
        entries = JournalEntry.objects.bulk_create(entries, batch_size=5000)
        Posting.objects.bulk_create(
            (
                Posting(entry_id=journal.pk, account_id=account_id, amount_paise=paise)
                for journal, postings in zip(entries, lines, strict=True)
                for account_id, paise in postings
            ),
            batch_size=5000,
        )
    ledger_shapes_check(mentor=mentor)
    return {"mentor": mentor_share, "learner": learner_bookings}


def ledger_shapes_check(*, mentor) -> None:
    """The bulk entries are what the real ledger writers post: for one entry of each kind, delete it
    and post it again through ``core.payments.ledger``, compare, and roll back. Then every entry of
    the whole data set must balance."""
    from django.db import transaction

    from core.payments import ledger
    from core.payments.models import JournalEntry, Payment, PaymentStatus, Posting, Withdrawal, WithdrawalStatus

    def shape(entry: JournalEntry) -> tuple:
        postings = sorted(entry.postings.values_list("account_id", "amount_paise"))
        return entry.reference, entry.memo, entry.payment_id, entry.withdrawal_id, postings

    payments = Payment.objects.filter(mentor=mentor)
    released = payments.filter(entries__reference__startswith="release:").first()
    refunded = payments.filter(status=PaymentStatus.REFUNDED).first()
    paid_out = Withdrawal.objects.filter(user=mentor, status=WithdrawalStatus.COMPLETED).first()
    samples = [
        (f"capture:{released.pk}", ledger.post_capture, {"payment": released}),
        (f"release:{released.pk}", ledger.post_release, {"payment": released}),
        (f"withdrawal:{paid_out.pk}", ledger.post_withdrawal_requested, {"withdrawal": paid_out}),
        (f"payout:{paid_out.pk}", ledger.post_payout_processed, {"withdrawal": paid_out}),
    ]
    if refunded is not None:
        refund = {"payment": refunded, "refund_id": refunded.razorpay_refund_id}
        samples.append((f"refund:{refunded.pk}", ledger.post_refund, refund))
    with transaction.atomic():
        for reference, writer, kwargs in samples:
            bulk = JournalEntry.objects.get(reference=reference)
            expected = shape(bulk)
            Posting.objects.filter(entry=bulk).delete()
            bulk.delete()
            real, created = writer(**kwargs)
            if not created or shape(real) != expected:
                raise SystemExit(f"bench bug: {reference} differs from the ledger's\n  {expected}\n  {shape(real)}")
        transaction.set_rollback(True)
    if not ledger.entries_balanced():
        raise SystemExit("bench bug: some ledger entries do not balance")


def data_counts() -> dict[str, int] | None:
    """How much data the database holds, or None when it holds no bench run."""
    from core.bookings.models import Booking
    from core.mentoring.models import MentoringSession
    from core.payments.models import JournalEntry, Payment, Posting
    from core.users.models import User

    if not User.objects.filter(email=MENTOR_EMAIL).exists():
        return None
    return {
        "sessions": MentoringSession.objects.count(),
        "bookings": Booking.objects.count(),
        "payments": Payment.objects.count(),
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
    }


def shares_read() -> dict:
    """What the measured mentor and learner have, read back from the database (for a reused run)."""
    from django.utils import timezone

    from core.bookings.models import Booking, BookingStatus
    from core.mentoring.models import MentoringSession, SessionStatus
    from core.payments.models import Payment, Withdrawal
    from core.users.models import User

    now = timezone.now()
    mentor, learner = User.objects.get(email=MENTOR_EMAIL), User.objects.get(email=LEARNER_EMAIL)
    result = {}
    for key, bookings in (
        ("mentor", Booking.objects.filter(session__mentor=mentor)),
        ("learner", Booking.objects.filter(learner=learner)),
    ):
        share = Share()
        for status in bookings.values_list("status", flat=True):
            share.count(status)
        share.mentors = set(bookings.values_list("session__mentor_id", flat=True))
        share.upcoming_confirmed = bookings.filter(
            status=BookingStatus.CONFIRMED, session__status=SessionStatus.ACTIVE, session__starts_at__gt=now
        ).count()
        share.captured = Payment.objects.filter(booking__in=bookings, captured_at__isnull=False).count()
        result[key] = share
    result["mentor"].sessions = MentoringSession.objects.filter(mentor=mentor).count()
    result["mentor"].withdrawals = Withdrawal.objects.filter(user=mentor).count()
    return result


def log_in(email: str) -> str:
    """A session row as a login leaves it (no password involved); returns the session key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from core.users.models import User

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# --- The pages ------------------------------------------------------------------------------


@dataclass
class Page:
    role: str
    label: str
    path: str
    queries: int = 0
    sql_ms: float = 0.0
    view_ms: float = 0.0
    statements: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def pages_find() -> tuple[list[Page], list[str]]:
    """Every section of both dashboards as ``navigation`` lists them now, and the extra mentor pages."""
    from django.urls import NoReverseMatch, reverse

    from core.dashboards import navigation

    found, skipped, seen = [], [], set()
    listed = [("mentor", section) for section in navigation.MENTOR_SECTIONS]
    listed += [("learner", section) for section in navigation.LEARNER_SECTIONS]
    for role, section in listed:
        try:
            path = section.url
        except NoReverseMatch:
            skipped.append(f"{role} {section.label}: no URL named {section.url_name!r} yet")
            continue
        if (role, path) not in seen:
            seen.add((role, path))
            found.append(Page(role, section.label, path))
    for label, name in (("Sessions (list)", "core:mentor-sessions"), ("Earnings CSV", "core:mentor-earnings-csv")):
        try:
            path = reverse(name)
        except NoReverseMatch:
            skipped.append(f"mentor {label}: no URL named {name!r}")
            continue
        if ("mentor", path) not in seen:
            seen.add(("mentor", path))
            found.append(Page("mentor", label, path))
    return found, skipped


def queries_count(pages: list[Page], cookies: dict[str, str]) -> tuple[list[Page], list[str]]:
    """Open each page with Django's test client in this process: once to fill per-process caches (as
    the warm-up does for the server), then three times, counting the SQL of the first of those and
    taking the median time of the three. Pages that are not there (404) or do not answer 200 are
    left out, with the reason."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    kept, skipped = [], []
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", raise_request_exception=True)
        client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.role]
        try:
            client.get(page.path)
            timings = []
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(page.path)
                timings.append((time.perf_counter() - start) * 1000)
            # Read now: the next request's request_finished signal empties the connection's query log.
            statements = [(query["sql"], float(query["time"]) * 1000) for query in captured.captured_queries]
            for _ in range(2):
                start = time.perf_counter()
                client.get(page.path)
                timings.append((time.perf_counter() - start) * 1000)
            page.view_ms = statistics.median(timings)
        except Exception as exc:  # noqa: BLE001  a page another engineer is changing right now: report it, time the rest
            skipped.append(f"{page.role} {page.label} {page.path}: raised {type(exc).__name__}: {exc}"[:300])
            continue
        if response.status_code != 200:
            where = f" → {response['Location']}" if response.has_header("Location") else ""
            skipped.append(f"{page.role} {page.label} {page.path}: HTTP {response.status_code}{where}")
            continue
        page.queries = len(statements)
        page.sql_ms = sum(ms for _sql, ms in statements)
        page.statements = [sql for sql, _ms in statements]
        kept.append(page)
    return kept, skipped


def explain(page: Page) -> None:
    """EXPLAIN ANALYZE every SELECT the page ran (best of three); print them by execution time, and the
    slowest one's plan."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql in page.statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            runs = []
            for _ in range(3):  # the best of three: other work on the machine makes single runs noisy
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
                ms = next((float(line.split()[-2]) for line in plan if line.startswith("Execution Time")), 0.0)
                runs.append((ms, sql, plan))
            plans.append(min(runs, key=lambda run: run[0]))
    plans.sort(key=lambda item: -item[0])
    print(f"\n{page.role} {page.label} ({page.path}): {len(plans)} SELECTs, by execution time")
    for ms, sql, _plan in plans:
        print(f"  {ms:8.2f} ms  {' '.join(sql.split())[:140]}")
    if plans:
        ms, sql, plan = plans[0]
        print(f"the slowest, in full ({ms:.2f} ms):\n{sql}")
        print("\n".join(plan))


# --- The timed part -------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, sending the person's session cookie."""

    def __init__(self, port: int, cookie: str, timeout: float) -> None:
        self.port, self.cookie, self.timeout = port, cookie, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def get(self, path: str) -> tuple[int, int]:
        """GET ``path``; returns (status, body bytes)."""
        if self.writer is None:
            await self.open()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nX-Forwarded-Proto: https\r\n"
            f"Accept-Encoding: identity\r\nCookie: {self.cookie}\r\n\r\n"
        ).encode("latin-1")
        return await asyncio.wait_for(self._exchange(request), self.timeout)

    async def _exchange(self, request: bytes) -> tuple[int, int]:
        self.writer.write(request)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection without answering")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            size_total = 0
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                size_total += len(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
        elif "content-length" in headers:
            size_total = len(await self.reader.readexactly(int(headers["content-length"])))
        else:
            size_total = len(await self.reader.read())
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, size_total

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def page_drive(
    ports: list[int],
    page: Page,
    cookie: str,
    *,
    count: int,
    concurrency: int,
    seconds: float,
    timeout: float,
    timed: bool,
) -> None:
    """``count`` GETs of the page from ``concurrency`` connections, stopping after ``seconds``. The
    connections go round-robin to the server processes on ``ports``, as a load balancer spreads them."""
    connections = [Connection(ports[index % len(ports)], cookie, timeout) for index in range(concurrency)]
    await asyncio.gather(*(connection.open() for connection in connections))
    issued = 0
    began = time.perf_counter()
    deadline = began + seconds

    async def worker(connection: Connection) -> None:
        nonlocal issued
        while issued < count and time.perf_counter() < deadline:
            issued += 1
            start = time.perf_counter()
            try:
                status, size = await connection.get(page.path)
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as exc:
                page.failures.append(f"{type(exc).__name__}: {exc}"[:200])
                connection.close()
                continue
            if status != 200:
                page.failures.append(f"HTTP {status}")
            elif timed:
                page.latencies.append((time.perf_counter() - start) * 1000)
                page.sizes.append(size)

    try:
        await asyncio.gather(*(worker(connection) for connection in connections))
    finally:
        for connection in connections:
            connection.close()
    if timed:
        page.seconds = time.perf_counter() - began


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value that at least ``fraction`` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def share_text(share: Share) -> str:
    return ", ".join(f"{count:,} {status}" for status, count in sorted(share.bookings.items(), key=lambda i: -i[1]))


def servers_start(env: dict, ports: list[int], log_path: Path) -> list[subprocess.Popen]:
    """One uvicorn process per port with ``env``, started and answering (or SystemExit)."""
    command = [PY, "-m", "uvicorn", "core.asgi:application", "--no-access-log", "--lifespan", "off"]
    command += ["--log-level", "warning"]
    with open(log_path, "ab") as log:
        servers = [
            subprocess.Popen([*command, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            for port in ports
        ]
    deadline = time.monotonic() + 120  # a loaded machine can take a while
    for port, server in zip(ports, servers, strict=True):
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    servers_stop(servers)
                    raise SystemExit(f"the server did not start; see {log_path}") from None
                time.sleep(0.1)
    return servers


def servers_stop(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(timeout=15)


def free_ports(count: int) -> list[int]:
    ports = []
    for _ in range(count):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
    return ports


def plugin_compare(
    args, env: dict, pages: list[Page], cookies: dict[str, str], workdir: Path
) -> tuple[list[str], list[Page]]:
    """What enabling ``--compare-plugin`` costs each page: the site served twice at once, as set
    (A) and with the plugin added (B), each by ``--workers`` processes, and the timed requests
    given to A and B in alternating rounds of a tenth, so that whatever else the machine does
    falls on both alike. Returns the table (p50 and p95 of both, and the difference) and the pages
    that failed."""
    from django.conf import settings

    if args.compare_plugin not in settings.ALL_PLUGINS:
        raise SystemExit(f"--compare-plugin: no plugin {args.compare_plugin!r} (there are {settings.ALL_PLUGINS})")
    plugins = [name for name in settings.PEERLEARN_PLUGINS if name != args.compare_plugin]
    without_env = {**env, "PEERLEARN_PLUGINS": ",".join(plugins)}
    with_env = {**env, "PEERLEARN_PLUGINS": ",".join([*plugins, args.compare_plugin])}
    sets = {"without": (without_env, free_ports(args.workers)), "with": (with_env, free_ports(args.workers))}
    log_path = workdir / "compare.log"
    servers = []
    try:
        for set_env, ports in sets.values():
            servers += servers_start(set_env, ports, log_path)
        common = {"concurrency": args.concurrency, "seconds": args.page_seconds, "timeout": args.timeout}
        runs: dict[tuple[str, str], Page] = {}
        for page in pages:
            for name, (_set_env, ports) in sets.items():
                run = runs[(page.path, name)] = Page(page.role, page.label, page.path)
                asyncio.run(page_drive(ports, run, cookies[page.role], count=args.warmup, timed=False, **common))
                run.failures.clear()
            chunk = max(1, args.requests // 10)
            progressed = True
            while progressed:  # until each set has its requests, or one stops answering
                progressed = False
                for name, (_set_env, ports) in sets.items():
                    run = runs[(page.path, name)]
                    if len(run.latencies) >= args.requests:
                        continue
                    before, seconds = len(run.latencies), run.seconds
                    count = min(chunk, args.requests - before)
                    asyncio.run(page_drive(ports, run, cookies[page.role], count=count, timed=True, **common))
                    run.seconds += seconds
                    progressed |= len(run.latencies) > before
    finally:
        servers_stop(servers)
    lines = [
        f"with and without the plugin {args.compare_plugin} (the rest: {', '.join(plugins) or 'none'}), served side"
        f" by side ({args.workers} processes each), {args.requests} timed requests each in alternating rounds",
        "",
    ]
    header = (
        f"{'page':<26}{'p50 without':>12}{'p95 without':>12}{'p50 with':>10}{'p95 with':>10}{'p95 +ms':>9}"
        f"{'bytes +':>9}"
    )
    lines += [header, "-" * len(header)]
    failed = []
    for page in pages:
        without, with_ = runs[(page.path, "without")], runs[(page.path, "with")]
        label = f"{page.role} {page.label}"
        if not without.latencies or not with_.latencies:
            lines.append(f"{label:<26}  no answer: {(without.failures + with_.failures)[:1]}")
            failed.append(page)
            continue
        if without.failures or with_.failures:
            lines[-1] += f"  failed: {(without.failures + with_.failures)[0]}"
            failed.append(page)
        p95_without, p95_with = percentile(without.latencies, 0.95), percentile(with_.latencies, 0.95)
        lines.append(
            f"{label:<26}{statistics.median(without.latencies):>12.1f}{p95_without:>12.1f}"
            f"{statistics.median(with_.latencies):>10.1f}{p95_with:>10.1f}{p95_with - p95_without:>+9.1f}"
            f"{statistics.median(with_.sizes) - statistics.median(without.sizes):>+9,.0f}"
        )
    lines.append("bytes +: how much more the page says with the plugin (its panels), the median response")
    return lines, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--concurrency", type=int, default=0, help="connections (default: one per worker)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--page-seconds", type=float, default=60, help="most seconds one page is driven")
    parser.add_argument("--timeout", type=float, default=30, help="most seconds one request may take")
    parser.add_argument("--slow-ms", type=float, default=300, help="explain pages whose p95 is over this")
    parser.add_argument("--explain", action="store_true", help="explain every page's slowest query")
    parser.add_argument("--keep-data", action="store_true", help="keep the database (and reuse it next time)")
    parser.add_argument("--tiny", action="store_true", help="100 sessions, 5 requests a page (CI; no figures)")
    parser.add_argument("--pages", default="", help="only the pages whose 'role label' matches this regex")
    parser.add_argument("--compare-plugin", default="", help="time the pages with and without this plugin")
    args = parser.parse_args()
    args.concurrency = args.concurrency or args.workers
    if args.tiny:
        args.sessions, args.bookings, args.requests, args.warmup = 100, 150, 5, 1
        args.concurrency, args.workers, args.page_seconds = 2, 1, 20
    if not 100 <= args.sessions <= 200_000:
        parser.error("--sessions must be between 100 and 200,000")
    if not args.sessions <= args.bookings <= 20 * args.sessions:
        parser.error("--bookings must be between --sessions and 20 times --sessions")
    if not 1 <= args.requests <= 10_000 or not 0 <= args.warmup <= 1_000:
        parser.error("--requests must be between 1 and 10,000 and --warmup at most 1,000")
    if not 1 <= args.concurrency <= 64 or not 1 <= args.workers <= 16:
        parser.error("--concurrency must be between 1 and 64 and --workers between 1 and 16")
    try:
        only = re.compile(args.pages, re.IGNORECASE)
    except re.error as exc:
        parser.error(f"--pages is not a regular expression: {exc}")
    if args.compare_plugin and not re.fullmatch(r"[a-z_]+", args.compare_plugin):
        parser.error("--compare-plugin is a plugin's name (gifting, recommendations, ...)")
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--database-url must point at this machine (127.0.0.1)")

    began = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="peerlearn-bench-"))
    ports = free_ports(args.workers)
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
    database_create(args.database_url, drop_first=own_database and not args.keep_data)
    manage(env, "migrate", "--no-input")
    if args.compare_plugin:  # its tables too (nothing else changes for the set without it)
        manage({**env, "PEERLEARN_PLUGINS": args.compare_plugin}, "migrate", "--no-input")
    static_collect(env, workdir / "static")

    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from core.money import format_inr
    from core.payments.models import AccountKind
    from core.payments.selectors import balances_get
    from core.users.models import User

    wanted = (args.sessions, args.bookings)
    counts = data_counts()
    if counts is not None and (counts["sessions"], counts["bookings"]) != wanted:
        if not own_database:
            raise SystemExit(f"{args.database_url} holds an earlier run of other sizes: give an empty database")
        connection.close()
        getattr(connection, "close_pool", lambda: None)()  # Django >= 5.1 with a psycopg pool
        database_create(args.database_url, drop_first=True)
        manage(env, "migrate", "--no-input")
        counts = None
    if counts is None:
        seeding = time.perf_counter()
        shares = seed(session_count=args.sessions, booking_count=args.bookings)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have by now on a database that grew to this size
        counts = data_counts()
        data_note = f"written in {time.perf_counter() - seeding:.0f} s"
    else:
        shares = shares_read()
        data_note = "reused from an earlier --keep-data run"
    cookies = {
        "mentor": f"{settings.SESSION_COOKIE_NAME}={log_in(MENTOR_EMAIL)}",
        "learner": f"{settings.SESSION_COOKIE_NAME}={log_in(LEARNER_EMAIL)}",
    }
    pages, skipped = pages_find()
    pages = [page for page in pages if only.search(f"{page.role} {page.label}")]
    pages, not_answering = queries_count(pages, {role: cookie.partition("=")[2] for role, cookie in cookies.items()})
    skipped += not_answering
    connection.close()

    # One uvicorn process per worker, each on its own port, and the client's connections spread over
    # them round-robin, as the load balancer in front of them would. ``uvicorn --workers N`` shares
    # one listening socket instead: whichever process accepts first keeps a keep-alive connection,
    # so with a handful of connections one process often got most of them and the figures measured
    # that imbalance (two connections on one process: twice the latency, half the req/s).
    log_path = workdir / "server.log"
    compared: list[str] = []
    if args.compare_plugin:
        compared, failed = plugin_compare(args, env, pages, cookies, workdir)
    else:
        servers = servers_start(env, ports, log_path)
        try:
            common = {"concurrency": args.concurrency, "seconds": args.page_seconds, "timeout": args.timeout}
            for page in pages:
                asyncio.run(page_drive(ports, page, cookies[page.role], count=args.warmup, timed=False, **common))
            for page in pages:
                page.failures.clear()
                asyncio.run(page_drive(ports, page, cookies[page.role], count=args.requests, timed=True, **common))
        finally:
            servers_stop(servers)

    database = settings.DATABASES["default"]
    pool = database.get("OPTIONS", {}).get("pool")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    mentor, learner = shares["mentor"], shares["learner"]
    balances = balances_get(user=User.objects.get(email=MENTOR_EMAIL))
    print(
        f"PostgreSQL {version}, database {database['NAME']} ({data_note}): {counts['sessions']:,} sessions,"
        f" {counts['bookings']:,} bookings, {counts['payments']:,} payments,"
        f" {counts['entries']:,} ledger entries ({counts['postings']:,} postings)"
    )
    print(
        f"measured mentor : {mentor.sessions:,} sessions, {sum(mentor.bookings.values()):,} bookings"
        f" ({share_text(mentor)}), {mentor.captured:,} captured payments, {mentor.withdrawals} withdrawals;"
        f" balances: {format_inr(balances[AccountKind.MENTOR_AVAILABLE])} available,"
        f" {format_inr(balances[AccountKind.MENTOR_PENDING])} pending"
    )
    print(
        f"measured learner: {sum(learner.bookings.values()):,} bookings with {len(learner.mentors)} mentors"
        f" ({share_text(learner)}), {learner.upcoming_confirmed} upcoming confirmed sessions"
    )
    print(
        f"server: {args.workers} uvicorn processes (connections spread round-robin), DEBUG=0,"
        f" CONN_MAX_AGE={database['CONN_MAX_AGE']},"
        f" pool={pool['max_size'] if pool else 'off'},"
        f" plugins: {', '.join(settings.PEERLEARN_PLUGINS) or 'none'}; client: {args.concurrency} keep-alive"
        f" connections, {args.warmup} warm-up then {args.requests} timed requests per page"
    )
    print()
    if args.compare_plugin:
        print("\n".join(compared))
        print(f"whole run: {time.perf_counter() - began:.0f} s")
        connection.close()
        getattr(connection, "close_pool", lambda: None)()
        if own_database and not args.keep_data:
            database_drop(args.database_url)
        if failed:
            raise SystemExit(f"FAILED: requests failed on {len(failed)} page(s); server log: {workdir / 'compare.log'}")
        return
    header = (
        f"{'page':<26}{'path':<37}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>7}{'bytes':>9}"
        f"{'queries':>8}{'SQL ms':>7}{'view ms':>8}"
    )
    print(header)
    print("-" * len(header))
    slow, failed = [], []
    for page in pages:
        label = f"{page.role} {page.label}"
        if not page.latencies:
            print(f"{label:<26}{page.path:<37}  no answer: {page.failures[:1]}")
            failed.append(page)
            continue
        p95 = percentile(page.latencies, 0.95)
        note = ""
        if len(page.latencies) < args.requests:
            note += f"  ({len(page.latencies)} in {args.page_seconds:.0f} s)"
        if page.failures:
            note += f"  {len(page.failures)} failed: {page.failures[0]}"
            failed.append(page)
        if p95 > args.slow_ms:
            note += f"  p95 over {args.slow_ms:.0f} ms"
            slow.append(page)
        print(
            f"{label:<26}{page.path:<37}{statistics.median(page.latencies):>8.1f}{p95:>8.1f}"
            f"{len(page.latencies) / page.seconds:>7.1f}{statistics.median(page.sizes):>9,.0f}"
            f"{page.queries:>8}{page.sql_ms:>7.0f}{page.view_ms:>8.0f}{note}"
        )
    for reason in skipped:
        print(f"left out: {reason}")
    print(
        "queries, SQL ms: one warm visit through Django's test client in the bench process (1 ms resolution per"
        " query); view ms: the median of three such visits, one at a time (no queueing)"
    )
    print(f"whole run: {time.perf_counter() - began:.0f} s")
    for page in pages if args.explain else slow:
        explain(page)
    connection.close()
    getattr(connection, "close_pool", lambda: None)()
    if own_database and not args.keep_data:
        database_drop(args.database_url)
    if failed:
        raise SystemExit(f"FAILED: requests failed on {len(failed)} page(s); server log: {log_path}")


if __name__ == "__main__":
    main()
