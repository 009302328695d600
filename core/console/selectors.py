"""Reads for the console's pages: each returns what one page shows, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus, Dispute, DisputeStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import paise_to_rupees_text
from core.payments.models import BOOKING_PURPOSE, Payment, PaymentStatus
from core.payments.selectors import MoneyFigures, money_figures, money_series, payouts_due
from core.payments.selectors.figures import TRUNC
from core.room.models import SessionAttendance
from core.users.models import MentorProfile, Role, User

OPEN_BOOKINGS = (BookingStatus.HELD, BookingStatus.PENDING, BookingStatus.CONFIRMED)


@dataclass
class BlockPreview:
    """What blocking one person does: their active sessions (as a mentor) with the learners who
    would be refunded, their open bookings (as a learner), and the money that goes back."""

    person: User
    sessions: list[MentoringSession] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    refund_paise: int = 0
    learners_affected: int = 0


def _captured_by_booking(booking_ids: list[int]) -> dict[int, int]:
    rows = Payment.objects.filter(booking_id__in=booking_ids, status=PaymentStatus.CAPTURED).values_list(
        "booking_id", "amount_paise"
    )
    found: dict[int, int] = {}
    for booking_id, amount in rows:
        found[booking_id] = found.get(booking_id, 0) + amount
    return found


def block_preview(*, person: User) -> BlockPreview:
    """Four queries, however many sessions and bookings the person has."""
    now = timezone.now()
    open_bookings = Prefetch(
        "bookings",
        queryset=Booking.objects.filter(status__in=OPEN_BOOKINGS).select_related("learner"),
        to_attr="open_bookings",
    )
    sessions = list(
        MentoringSession.objects.filter(mentor=person, status=SessionStatus.ACTIVE, ends_at__gt=now)
        .prefetch_related(open_bookings)
        .order_by("starts_at")
    )
    bookings = list(
        Booking.objects.filter(
            learner=person, status__in=OPEN_BOOKINGS, session__status=SessionStatus.ACTIVE, session__ends_at__gt=now
        )
        .select_related("session__mentor")
        .order_by("session__starts_at")
    )
    affected = [b.pk for session in sessions for b in session.open_bookings] + [b.pk for b in bookings]
    captured = _captured_by_booking(affected)
    for session in sessions:
        for booking in session.open_bookings:
            booking.refund_paise = captured.get(booking.pk, 0)
    for booking in bookings:
        booking.refund_paise = captured.get(booking.pk, 0)
    return BlockPreview(
        person=person,
        sessions=sessions,
        bookings=bookings,
        refund_paise=sum(captured.values()),
        learners_affected=len({b.learner_id for session in sessions for b in session.open_bookings}),
    )


def mentor_queue() -> list[User]:
    """Mentors waiting for a decision, oldest first: not approved, and not turned down since
    they last changed their profile. Two queries."""
    return list(
        User.objects.filter(
            role=Role.MENTOR, is_active=True, mentor_profile__is_approved=False, mentor_profile__reviewed_at=None
        )
        .select_related("mentor_profile")
        .order_by("date_joined")
    )


def mentor_queue_count() -> int:
    return MentorProfile.objects.filter(
        user__role=Role.MENTOR, user__is_active=True, is_approved=False, reviewed_at=None
    ).count()


def session_preview(*, session: MentoringSession) -> BlockPreview:
    """What cancelling one session does: its open bookings and the refunds."""
    bookings = list(session.bookings.filter(status__in=OPEN_BOOKINGS).select_related("learner"))
    captured = _captured_by_booking([b.pk for b in bookings])
    for booking in bookings:
        booking.refund_paise = captured.get(booking.pk, 0)
    session.open_bookings = bookings
    return BlockPreview(
        person=session.mentor,
        sessions=[session],
        refund_paise=sum(captured.values()),
        learners_affected=len({b.learner_id for b in bookings}),
    )


@dataclass
class SessionSupport:
    """Everything support needs to answer "what happened in this session?" on one page."""

    session: MentoringSession
    bookings: list[Booking]
    payments: list[Payment]
    presences: list
    attendance: object | None
    chat: list
    recordings: list
    disputes: list
    topics_done: list


def session_support(*, session_id: int) -> SessionSupport | None:
    """A fixed number of queries (one per kind of record), whatever the session holds."""
    session = MentoringSession.objects.select_related("mentor").filter(pk=session_id).first()
    if session is None:
        return None
    bookings = list(session.bookings.select_related("learner").prefetch_related("disputes").order_by("created_at"))
    payments = list(Payment.objects.filter(booking__session=session).select_related("learner").order_by("created_at"))
    presences = list(session.presences.select_related("user").order_by("joined_at"))
    attendance = SessionAttendance.objects.filter(session=session).first()
    chat = list(session.chat_messages.select_related("sender").order_by("pk"))
    recordings = list(session.recordings.order_by("created_at"))
    disputes = [dispute for booking in bookings for dispute in booking.disputes.all()]
    done = set(session.topic_checks.filter(is_done=True).values_list("index", flat=True))
    topics_done = [(topic, index in done) for index, topic in enumerate(session.topics or [])]
    return SessionSupport(
        session=session,
        bookings=bookings,
        payments=payments,
        presences=presences,
        attendance=attendance,
        chat=chat,
        recordings=recordings,
        disputes=disputes,
        topics_done=topics_done,
    )


# --- The admin's home ---------------------------------------------------------------------------

UNITS = {"day": 30, "week": 12, "month": 12}  # how many periods each chart shows


@dataclass(frozen=True)
class Task:
    label: str
    count: int
    url: str
    amount_paise: int | None = None


@dataclass
class Home:
    """What the admin's home shows to one staff member: money today and this month (for those
    who may see payments), what waits for them, and the charts' data."""

    today: MoneyFigures | None
    month: MoneyFigures | None
    tasks: list[Task]
    chart: dict | None
    unit: str


def _period_starts(now_local: datetime, unit: str, count: int) -> list[date]:
    if unit == "day":
        first = now_local.date() - timedelta(days=count - 1)
        return [first + timedelta(days=index) for index in range(count)]
    if unit == "week":
        monday = now_local.date() - timedelta(days=now_local.weekday())
        return [monday - timedelta(weeks=count - 1 - index) for index in range(count)]
    starts = []
    year, month = now_local.year, now_local.month
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _as_start(day: date, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def chart_data(*, unit: str, zone, now: datetime | None = None) -> dict:
    """Per period (``UNITS[unit]`` of them, in ``zone``): GMV, revenue and refunds from the
    ledger (rupees), new learners and mentors, paid bookings, and the completion rate (of paid
    sessions scheduled in the period that are over, the share that took place). Four queries."""
    now_local = timezone.localtime(now or timezone.now(), zone)
    starts = _period_starts(now_local, unit, UNITS[unit])
    start = _as_start(starts[0], zone)
    end = now_local + timedelta(seconds=1)
    money = money_series(start=start, end=end, unit=unit, zone=zone)
    trunc = TRUNC[unit]
    people = (
        User.objects.filter(registered_at__gte=start, registered_at__lt=end, role__in=[Role.LEARNER, Role.MENTOR])
        .annotate(period=trunc("registered_at", tzinfo=zone))
        .values("period", "role")
        .annotate(count=Count("pk"))
    )
    joined = {(row["period"].date(), row["role"]): row["count"] for row in people}
    paid = (
        Payment.objects.filter(purpose=BOOKING_PURPOSE, captured_at__gte=start, captured_at__lt=end)
        .annotate(period=trunc("captured_at", tzinfo=zone))
        .values("period")
        .annotate(count=Count("pk"))
    )
    bookings = {row["period"].date(): row["count"] for row in paid}
    over = (
        Payment.objects.filter(
            purpose=BOOKING_PURPOSE,
            captured_at__isnull=False,
            booking__session__starts_at__gte=start,
            booking__session__starts_at__lt=end,
            booking__session__status__in=[SessionStatus.COMPLETED, SessionStatus.CANCELLED],
        )
        .annotate(period=trunc("booking__session__starts_at", tzinfo=zone))
        .values("period")
        .annotate(
            total=Count("booking__session", distinct=True),
            done=Count("booking__session", filter=Q(booking__session__status=SessionStatus.COMPLETED), distinct=True),
        )
    )
    completion = {row["period"].date(): (row["done"], row["total"]) for row in over}
    empty = MoneyFigures()
    labels, gmv, revenue, refunds, learners, mentors, paid_bookings, rates = [], [], [], [], [], [], [], []
    for day in starts:
        figures = money.get(day, empty)
        labels.append(_label(day, unit))
        gmv.append(paise_to_rupees_text(figures.gmv_paise))
        revenue.append(paise_to_rupees_text(figures.revenue_paise))
        refunds.append(paise_to_rupees_text(figures.refunds_paise))
        learners.append(joined.get((day, Role.LEARNER), 0))
        mentors.append(joined.get((day, Role.MENTOR), 0))
        paid_bookings.append(bookings.get(day, 0))
        done, total = completion.get(day, (0, 0))
        rates.append(round(100 * done / total) if total else None)
    return {
        "unit": unit,
        "labels": labels,
        "gmv": gmv,
        "revenue": revenue,
        "refunds": refunds,
        "learners": learners,
        "mentors": mentors,
        "bookings": paid_bookings,
        "completion": rates,
    }


def _label(day: date, unit: str) -> str:
    if unit == "month":
        return day.strftime("%b %Y")
    return day.strftime("%d %b")


def home_get(*, user: User, zone, unit: str = "day", extra_tasks=(), now: datetime | None = None) -> Home:
    """The admin's home for ``user``: money only for those who may see payments, tasks only
    for those who may act on them."""
    now_local = timezone.localtime(now or timezone.now(), zone)
    today_start = _as_start(now_local.date(), zone)
    month_start = _as_start(now_local.date().replace(day=1), zone)
    end = now_local + timedelta(seconds=1)
    sees_money = user.has_perm("payments.view_payment")
    tasks: list[Task] = []
    if user.has_perm("payments.change_withdrawal"):
        count, paise = payouts_due()
        tasks.append(Task("Payouts to pay", count, "/admin/payments/withdrawal/?status__exact=pending", paise))
    if user.has_perm("users.approve_mentor"):
        tasks.append(Task("Mentors to approve", mentor_queue_count(), "/admin/console/mentors/queue/"))
    if user.has_perm("bookings.view_dispute"):
        disputes = Dispute.objects.filter(status=DisputeStatus.OPEN).count()
        tasks.append(Task("Open disputes", disputes, "/admin/bookings/dispute/?status__exact=open"))
    tasks.extend(Task(task.label, task.count, task.url) for task in extra_tasks)
    return Home(
        today=money_figures(start=today_start, end=end) if sees_money else None,
        month=money_figures(start=month_start, end=end) if sees_money else None,
        tasks=tasks,
        chart=chart_data(unit=unit, zone=zone, now=now) if sees_money else None,
        unit=unit,
    )
