"""The monthly report: revenue, GMV, refunds, payouts, new people, sessions and top mentors of one
month, with the ledger totals that prove the money figures, as stored data, CSV and PDF.

Months are counted in ``REPORT_TIMEZONE`` (India's). The money figures are sums of ledger
postings (``core.payments.selectors.figures``); ``ledger`` lists, per account kind, the sum of all
postings of the month's entries, which together are zero, so anyone can check the report against
the ledger to the paisa.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from fpdf import FPDF

from core.audit.services import audit_record
from core.console.models import MonthlyReport
from core.exports import row_neutralise
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import format_inr, paise_to_rupees_text
from core.payments.models import BOOKING_PURPOSE, AccountKind, Payment, Posting
from core.payments.selectors import money_figures
from core.users.models import Role, User

TOP_MENTORS = 10
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.REPORT_TIMEZONE)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = _zone()
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=zone)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tzinfo=zone)


def previous_month(now: datetime | None = None) -> date:
    today = timezone.localtime(now or timezone.now(), _zone()).date()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def report_data(*, month: date) -> dict:
    """The month's figures. A fixed number of queries."""
    start, end = month_bounds(month)
    money = money_figures(start=start, end=end)
    ledger = {
        row["account__kind"]: row["total"]
        for row in Posting.objects.filter(entry__created_at__gte=start, entry__created_at__lt=end)
        .values("account__kind")
        .annotate(total=Coalesce(Sum("amount_paise"), 0))
    }
    people = dict(
        User.objects.filter(registered_at__gte=start, registered_at__lt=end)
        .values_list("role")
        .annotate(count=Count("pk"))
    )
    sessions = MentoringSession.objects.aggregate(
        held=Count("pk", filter=Q(status=SessionStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end)),
        cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED, cancelled_at__gte=start, cancelled_at__lt=end)),
    )
    captured = Payment.objects.filter(captured_at__gte=start, captured_at__lt=end)
    bookings_paid = captured.filter(purpose=BOOKING_PURPOSE).count()
    top = (
        captured.values("mentor_id", "mentor__name", "mentor__email")
        .annotate(earned=Sum("mentor_share_paise"), payments=Count("pk"))
        .order_by("-earned", "mentor__email")[:TOP_MENTORS]
    )
    return {
        "month": month.isoformat(),
        "timezone": settings.REPORT_TIMEZONE,
        "money": {
            "gmv_paise": money.gmv_paise,
            "revenue_paise": money.revenue_paise,
            "refunds_paise": money.refunds_paise,
            "payouts_paise": money.payouts_paise,
        },
        "ledger": {kind.value: ledger.get(kind.value, 0) for kind in AccountKind},
        "ledger_balanced": sum(ledger.values()) == 0,
        "people": {"learners": people.get(Role.LEARNER, 0), "mentors": people.get(Role.MENTOR, 0)},
        "sessions": {**sessions, "bookings_paid": bookings_paid},
        "top_mentors": [
            {
                "name": row["mentor__name"],
                "email": row["mentor__email"],
                "payments": row["payments"],
                "earned_paise": row["earned"],
            }
            for row in top
        ],
    }


def monthly_report_generate(*, month: date, by: User | None = None, email: bool = True) -> MonthlyReport:
    """Make (or make again) the report of ``month``, a month that is over, store it and email it
    to the staff who may read reports. Refuses a month that is not over (ValidationError)."""
    month = month.replace(day=1)
    if month_bounds(month)[1] > timezone.now():
        raise ValidationError({"month": "Choose a month that is over: its figures are still moving."})
    report, _ = MonthlyReport.objects.update_or_create(
        month=month, defaults={"data": report_data(month=month), "generated_at": timezone.now(), "generated_by": by}
    )
    audit_record(action="monthly report", obj=report, after={"month": month.isoformat()}, actor=by)
    if email:
        report_email_send(report=report)
    return report


def readers() -> list[User]:
    """Active staff who may read reports: superusers and those granted the permission (Finance)."""
    permission = Permission.objects.filter(content_type__app_label="console", codename="view_monthlyreport")
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
        .order_by("email")
    )


def report_email_send(*, report: MonthlyReport) -> int:
    """One email to each reader, with the CSV and the PDF attached. Returns how many were sent."""
    title = f"PeerLearn report for {report.month:%B %Y}"
    money = report.data["money"]
    body = (
        f"{title}\n\n"
        f"GMV {format_inr(money['gmv_paise'])}, platform revenue {format_inr(money['revenue_paise'])}, "
        f"refunds {format_inr(money['refunds_paise'])}, paid out {format_inr(money['payouts_paise'])}.\n"
        f"The CSV and the PDF are attached; the report stays in the admin under Monthly reports.\n"
    )
    sent = 0
    csv_bytes, pdf_bytes = report_csv(report=report), report_pdf(report=report)
    for reader in readers():
        message = EmailMultiAlternatives(subject=title, body=body, to=[reader.email])
        message.attach(f"peerlearn-{report.month:%Y-%m}.csv", csv_bytes, "text/csv")
        message.attach(f"peerlearn-{report.month:%Y-%m}.pdf", pdf_bytes, "application/pdf")
        sent += message.send()
    return sent


def report_rows(*, report: MonthlyReport) -> list[tuple[str, str, str]]:
    """``(section, item, value)``: the rows of the CSV and the PDF, amounts in rupees."""
    data = report.data
    rupees = paise_to_rupees_text
    rows = [("Report", "Month", f"{report.month:%B %Y}"), ("Report", "Timezone", data["timezone"])]
    labels = {"gmv_paise": "GMV (₹)", "revenue_paise": "Platform revenue (₹)", "refunds_paise": "Refunds (₹)",
              "payouts_paise": "Paid out (₹)"}  # fmt: skip
    rows += [("Money", labels[key], rupees(value)) for key, value in data["money"].items()]
    rows += [("People", "New learners", str(data["people"]["learners"])),
             ("People", "New mentors", str(data["people"]["mentors"]))]  # fmt: skip
    rows += [("Sessions", "Held", str(data["sessions"]["held"])),
             ("Sessions", "Cancelled", str(data["sessions"]["cancelled"])),
             ("Sessions", "Paid bookings", str(data["sessions"]["bookings_paid"]))]  # fmt: skip
    for index, mentor in enumerate(data["top_mentors"], start=1):
        rows.append(("Top mentors", f"{index}. {mentor['name']} <{mentor['email']}>",
                     f"{rupees(mentor['earned_paise'])} from {mentor['payments']} payment(s)"))  # fmt: skip
    labels_by_kind = dict(AccountKind.choices)
    rows += [("Ledger (postings of the month, ₹)", labels_by_kind.get(kind, kind), rupees(total))
             for kind, total in data["ledger"].items()]  # fmt: skip
    rows.append(
        ("Ledger (postings of the month, ₹)", "Balanced (sum is zero)", "yes" if data["ledger_balanced"] else "NO")
    )
    return rows


def report_csv(*, report: MonthlyReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Section", "Item", "Value"])
    for row in report_rows(report=report):
        writer.writerow(row_neutralise(row))
    return out.getvalue().encode("utf-8-sig")  # a spreadsheet opens ₹ right with the BOM


def report_pdf(*, report: MonthlyReport) -> bytes:
    """An A4 page or more, in Inter (our own font: it has the rupee sign)."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"PeerLearn report for {report.month:%B %Y}")
    pdf.set_author("PeerLearn")
    pdf.add_font("Inter", fname=str(FONTS / "inter-400.woff2"))
    pdf.add_font("Inter", style="B", fname=str(FONTS / "inter-600.woff2"))
    pdf.add_page()
    pdf.set_font("Inter", style="B", size=16)
    pdf.cell(0, 10, f"PeerLearn report for {report.month:%B %Y}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Inter", size=9)
    made = timezone.localtime(report.generated_at, _zone())
    pdf.cell(0, 6, f"Months in {report.data['timezone']}. Made {made:%d %b %Y %H:%M}.", new_x="LMARGIN", new_y="NEXT")
    section = None
    for name, item, value in report_rows(report=report)[2:]:
        if name != section:
            section = name
            pdf.ln(3)
            pdf.set_font("Inter", style="B", size=11)
            pdf.cell(0, 8, name, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Inter", size=10)
        pdf.cell(120, 6, item)
        pdf.cell(0, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
