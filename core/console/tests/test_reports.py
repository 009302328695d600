"""The monthly report: its totals equal the ledger's sums, it is stored, downloads as CSV and PDF,
is emailed to Finance, is made by beat on the 1st for the month before, and any past month on demand."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from core.bookings.services import booking_accept
from core.bookings.tests.factories import book_and_pay
from core.console import reports
from core.console.models import MonthlyReport
from core.console.tasks import monthly_report_task
from core.mentoring.tests.factories import approved_mentor, session_make
from core.payments.models import AccountKind, JournalEntry, Payment, Posting
from core.payments.services import payment_refund
from core.users.models import User
from core.users.services import staff_user_create
from core.users.tests.factories import PASSWORD
from core.users.tests.helpers import force_login_verified

pytestmark = pytest.mark.django_db


def _last_month() -> date:
    return reports.previous_month()


@pytest.fixture
def last_months_money(learner, other_learner):
    """Three paid bookings and one refund, all moved into last month (as if they happened then)."""
    guru = approved_mentor()
    other = approved_mentor(email="meera@example.com", name="Meera Mentor")
    payments = []
    for mentor, learner_, price in ((guru, learner, 100_000), (guru, other_learner, 200_000), (other, learner, 50_000)):
        session = session_make(mentor=mentor, price_paise=price, hours_from_now=30 + price / 10_000)
        booking_accept(booking=book_and_pay(session, learner_), mentor=mentor)
        payments.append(Payment.objects.get(booking__session=session))
    payment_refund(payment=payments[2])
    start, _end = reports.month_bounds(_last_month())
    moment = start + timedelta(days=10)
    JournalEntry.objects.update(created_at=moment)
    Payment.objects.update(captured_at=moment)
    User.objects.filter(role__in=["learner", "mentor"]).update(registered_at=moment)
    return guru, other


def _ledger_sum(kind: str, prefixes: tuple[str, ...]) -> int:
    total = 0
    for prefix in prefixes:
        postings = Posting.objects.filter(account__kind=kind, entry__reference__startswith=prefix)
        total += postings.aggregate(total=Sum("amount_paise"))["total"] or 0
    return total


def test_the_reports_totals_equal_the_ledgers_sums(last_months_money):
    guru, _other = last_months_money
    data = reports.report_data(month=_last_month())
    assert data["money"]["gmv_paise"] == _ledger_sum(AccountKind.GATEWAY_CLEARING, ("capture:",)) == 385_000
    assert data["money"]["refunds_paise"] == -_ledger_sum(AccountKind.GATEWAY_CLEARING, ("refund:",)) == 55_000
    assert data["money"]["revenue_paise"] == -_ledger_sum(AccountKind.PLATFORM_REVENUE, ("capture:", "refund:"))
    assert data["money"]["revenue_paise"] == 60_000  # 20 % of ₹3,000 kept; the refunded ₹500's share went back
    for kind in AccountKind:
        everything = Posting.objects.filter(account__kind=kind).aggregate(total=Sum("amount_paise"))["total"] or 0
        assert data["ledger"][kind.value] == everything
    assert data["ledger_balanced"] is True
    assert data["people"] == {"learners": 2, "mentors": 2}
    assert data["sessions"]["bookings_paid"] == 3
    assert data["top_mentors"][0]["email"] == guru.email
    assert data["top_mentors"][0]["earned_paise"] == 270_000  # 90 % of ₹1,000 + ₹2,000
    # Nothing of it belongs to this month (India's, as the report counts months).
    this_month = timezone.localtime(timezone.now(), reports._zone()).date()
    assert reports.report_data(month=this_month)["money"]["gmv_paise"] == 0


def test_beat_makes_last_months_report_stores_it_and_emails_finance(last_months_money):
    finance, _ = staff_user_create(email="farah@example.com", name="Farah", password=PASSWORD, superuser=False,
                                   roles=("Finance",))  # fmt: skip
    support, _ = staff_user_create(email="sam@example.com", name="Sam", password=PASSWORD, superuser=False,
                                   roles=("Support",))  # fmt: skip
    report = MonthlyReport.objects.get(pk=monthly_report_task())
    assert report.month == _last_month() and report.data["money"]["gmv_paise"] == 385_000
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == [finance.email]  # Finance (and superusers), never Support
    attachments = {name: content for name, content, _type in mail.outbox[0].attachments}
    assert set(attachments) == {f"peerlearn-{report.month:%Y-%m}.csv", f"peerlearn-{report.month:%Y-%m}.pdf"}
    assert attachments[f"peerlearn-{report.month:%Y-%m}.pdf"].startswith(b"%PDF")
    assert monthly_report_task() == report.pk  # twice: one report, made again
    assert MonthlyReport.objects.count() == 1
    assert support.email not in sent_to


def test_the_csv_and_pdf_download(client, staff, last_months_money):
    report = reports.monthly_report_generate(month=_last_month(), email=False)
    force_login_verified(client, staff)
    listing = client.get("/admin/console/monthlyreport/").content.decode()
    assert "₹3,850" in listing  # GMV of the month
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/admin/console/monthlyreport/{report.pk}/csv/").content.decode("utf-8-sig"))
        )
    )
    assert ["Money", "GMV (₹)", "3850.00"] in rows
    assert ["Ledger (postings of the month, ₹)", "Balanced (sum is zero)", "yes"] in rows
    pdf = client.get(f"/admin/console/monthlyreport/{report.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/admin/console/monthlyreport/{report.pk}/change/").status_code == 200


def test_any_past_month_on_demand_but_not_one_still_running(client, staff):
    force_login_verified(client, staff)
    made = client.post("/admin/console/monthlyreport/generate/", {"month": "2026-01"})
    assert made.status_code == 302
    assert MonthlyReport.objects.get(month=date(2026, 1, 1)).generated_by == staff
    running_month = timezone.localtime(timezone.now(), reports._zone())
    running = client.post("/admin/console/monthlyreport/generate/", {"month": f"{running_month:%Y-%m}"})
    assert running.status_code == 400 and "a month that is over" in running.content.decode()
    assert client.post("/admin/console/monthlyreport/generate/", {"month": "9999-99"}).status_code == 400
    with pytest.raises(ValidationError):
        reports.monthly_report_generate(month=timezone.now().date() + timedelta(days=40))


def test_support_cannot_read_reports(client):
    support, _ = staff_user_create(email="sam@example.com", name="Sam", password=PASSWORD, superuser=False,
                                   roles=("Support",))  # fmt: skip
    report = MonthlyReport.objects.create(month=date(2026, 1, 1), data={})
    force_login_verified(client, support)
    assert client.get("/admin/console/monthlyreport/").status_code == 403
    assert client.get(f"/admin/console/monthlyreport/{report.pk}/csv/").status_code == 403
