"""Races for the concurrency tests: run here on the test database, or on a SQLite file.

Each race sets up its own rows, fires N threads at one service at the same moment (a
barrier), and returns what happened as plain data, so the same race runs in-process
against PostgreSQL and, through ``run_on_sqlite_file``, in a child process configured as
the embedded default runs in production: a SQLite file in WAL mode with IMMEDIATE
transactions (``SQLITE_PATH``, no ``DATABASE_URL``, no Redis). The default test database
on SQLite is in memory, which threads cannot share the way production's processes and
threads share a file, so the SQLite variants never run against it.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]
BANK = {
    "destination_kind": "bank_account",
    "account_name": "Meera Iyer",
    "ifsc": "HDFC0001234",
    "account_number": "123456789012",
}


def _stampede(targets, attempt) -> Counter:
    """Call ``attempt(target)`` for every target, each in its own thread, all at once.

    Returns how often each outcome came back; an exception nobody expected is an outcome
    too ("crashed: ..."), so a test sees it instead of a thread dying quietly.
    """
    from django.db import connection

    barrier = threading.Barrier(len(targets))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(target):
        try:
            barrier.wait()
            outcome = attempt(target)
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            outcome = f"crashed: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def accepts(*, requests: int = 50) -> dict:
    """``requests`` learners have paid for one session; the mentor's Accept on every request
    arrives at once (fifty tabs, or fifty double clicks)."""

    from core.bookings.models import Booking, BookingStatus
    from core.bookings.services import BookingError, booking_accept
    from core.bookings.tests.factories import book_and_pay
    from core.mentoring.tests.factories import approved_mentor, session_make
    from core.payments import ledger
    from core.payments.models import AccountKind, Payment, PaymentStatus
    from core.testmode.models import TestPayment
    from core.users.tests.factories import user_make

    tag = secrets.token_hex(3)
    guru = approved_mentor(email=f"guru-{tag}@example.com")
    session = session_make(mentor=guru)
    bookings = [
        book_and_pay(session, user_make(email=f"learner{index}-{tag}@example.com")) for index in range(requests)
    ]

    def accept(booking):
        try:
            booking_accept(booking=booking, mentor=guru)
        except BookingError:
            return "refused"
        return "confirmed"

    outcomes = _stampede(bookings, accept)
    payments = Payment.objects.filter(booking__session=session)
    return {
        "vendor": _vendor(),
        "outcomes": dict(outcomes),
        "confirmed": Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count(),
        "still_pending": Booking.objects.filter(session=session, status=BookingStatus.PENDING).count(),
        "captured": payments.filter(status=PaymentStatus.CAPTURED).count(),
        "captured_at_gateway": TestPayment.objects.filter(
            pk__in=payments.values("razorpay_payment_id"), status="captured"
        ).count(),
        "voided": payments.filter(status=PaymentStatus.VOIDED).count(),
        "mentor_pending_paise": ledger.balance(kind=AccountKind.MENTOR_PENDING, user=guru),
        "mentor_share_paise": payments.first().mentor_share_paise,
        "entries_balanced": ledger.entries_balanced(),
    }


def withdrawals(*, attempts: int = 20, balance_paise: int = 500_000, amount_paise: int = 100_000) -> dict:
    """A mentor with ``balance_paise`` available asks for ``amount_paise`` ``attempts`` times at once."""
    from django.core.exceptions import ValidationError
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.payments import ledger
    from core.payments.ledger import Line
    from core.payments.models import AccountKind, Withdrawal
    from core.payments.services import withdrawal_request
    from core.users.tests.factories import user_make

    tag = secrets.token_hex(3)
    mentor = user_make(email=f"meera-{tag}@example.com", role="mentor")
    ledger.post(
        reference=f"earned-{tag}",
        memo="earnings to withdraw",
        lines=[
            Line(AccountKind.GATEWAY_CLEARING, balance_paise),
            Line(AccountKind.MENTOR_AVAILABLE, -balance_paise, mentor),
        ],
    )

    # Each attempt comes from an authenticator app of its own, so every code is right and only the
    # balance decides (one app takes each code once).
    codes = {}
    for attempt in range(attempts):
        device = TOTPDevice.objects.create(user=mentor, name=f"app {attempt}", confirmed=True)
        codes[attempt] = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"

    def withdraw(attempt):
        try:
            withdrawal_request(user=mentor, amount_paise=amount_paise, otp_token=codes[attempt], **BANK)
        except ValidationError as exc:
            return "refused" if "amount_paise" in exc.message_dict else f"invalid: {exc.messages}"
        return "ok"

    outcomes = _stampede(range(attempts), withdraw)
    return {
        "vendor": _vendor(),
        "outcomes": dict(outcomes),
        "withdrawals": Withdrawal.objects.filter(user=mentor).count(),
        "withdrawn_paise": sum(Withdrawal.objects.filter(user=mentor).values_list("amount_paise", flat=True)),
        "available_paise": ledger.balance(kind=AccountKind.MENTOR_AVAILABLE, user=mentor),
        "entries_balanced": ledger.entries_balanced(),
    }


RACES = {"accepts": accepts, "withdrawals": withdrawals}


def _vendor() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            return {
                "vendor": "sqlite",
                "name": str(connection.settings_dict["NAME"]),
                "journal_mode": cursor.fetchone()[0],
                "transaction_mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
            }
    return {"vendor": connection.vendor}


# --- Running a race on a SQLite file, in a child process ------------------------------------


def sqlite_schema_copy(*, to: Path) -> bool:
    """When the tests run on SQLite, copy the migrated test database into ``to`` (the child's
    migrate then has nothing to do); False when it is not SQLite. Call with database access."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return False
    connection.ensure_connection()
    target = sqlite3.connect(to)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return True


def sqlite_file(*, tmp_path: Path, django_db_blocker) -> Path:
    """A SQLite file for a race: a copy of the migrated test database when that is SQLite,
    otherwise (PostgreSQL under CI) a copy of a migrated SQLite file (``tests/migrated_template.py``)."""
    from tests import migrated_template

    path = tmp_path / "race.sqlite3"
    with django_db_blocker.unblock():
        if not sqlite_schema_copy(to=path):
            migrated_template.sqlite_copy(path)
    return path


def run_on_sqlite_file(race: str, *, path: Path, timeout: float = 300, **arguments) -> dict:
    """Run ``race`` in a child process on the SQLite file ``path``, configured like the
    embedded default (``SQLITE_PATH``, no ``DATABASE_URL``, no Redis: WAL, IMMEDIATE, eager
    Celery). The child migrates the file first (a no-op if it holds a migrated copy)."""
    result = path.with_suffix(".result.json")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "TESTING": "1",
        "SQLITE_PATH": str(path),
        "DATABASE_URL": "",  # set but empty, so that a .env file cannot name PostgreSQL
        "REDIS_URL": "",
    }
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, race, json.dumps(arguments), str(result)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if child.returncode != 0:
        raise AssertionError(f"The {race} race failed on SQLite:\n{child.stdout[-3000:]}\n{child.stderr[-5000:]}")
    return json.loads(result.read_text())


_CHILD = (
    "import sys, django; django.setup(); from core.payments.tests.races import child_main; child_main(sys.argv[1:])"
)


def child_main(argv: list[str]) -> None:
    from django.core.management import call_command

    race, arguments, result = argv
    call_command("migrate", verbosity=0, interactive=False)
    Path(result).write_text(json.dumps(RACES[race](**json.loads(arguments))))
