"""Private calendar feeds (``/calendar/<token>.ics``): a person's sessions in their own calendar.

A mentor's feed holds their sessions; a learner's, the sessions they booked (from payment on: a
checkout in progress is not an event). Google, Apple and Outlook poll the address, so every event
keeps one ``UID`` for life, carries a ``SEQUENCE`` that rises whenever its time, title or status
changes (``CalendarEventRevision``), and a cancelled or declined one stays in the feed as
``STATUS:CANCELLED`` (for 60 days), so that calendars which showed it take it away. The address's
token is the only key (calendar apps cannot log in): reset it and the old address answers 404.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from core.bookings.models import Booking, BookingStatus, CalendarEventRevision
from core.mentoring.models import MentoringSession, SessionStatus
from core.users.models import CalendarFeed, Role, User

PAST_DAYS = 60  # how far back a feed reaches
DOMAIN = "peerlearn"  # the right-hand side of every UID
SHOWN = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
ENDED = (BookingStatus.REJECTED, BookingStatus.CANCELLED)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    status: str  # CONFIRMED, TENTATIVE or CANCELLED
    description: str
    url: str

    @property
    def digest(self) -> str:
        parts = (self.summary, self.starts_at.isoformat(), self.ends_at.isoformat(), self.status, self.url)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mentor_events(user: User, since: datetime) -> list[FeedEvent]:
    sessions = MentoringSession.objects.filter(mentor=user, ends_at__gte=since).order_by("starts_at", "pk")
    confirmed = dict(
        Booking.objects.filter(
            session__mentor=user, session__ends_at__gte=since, status=BookingStatus.CONFIRMED
        ).values_list("session_id", "learner__name")
    )
    events = []
    for session in sessions:
        learner = confirmed.get(session.pk)
        if session.status == SessionStatus.CANCELLED:
            status, summary = "CANCELLED", f"Cancelled: {session.title}"
        elif learner:
            status, summary = "CONFIRMED", f"{session.title} with {learner}"
        else:
            status, summary = "TENTATIVE", f"{session.title} (not booked yet)"
        events.append(
            FeedEvent(
                uid=f"session-{session.pk}@{DOMAIN}",
                summary=summary,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                status=status,
                description="Your PeerLearn session. The live room opens 10 minutes before the start.",
                url=_site(reverse("mentoring:room", args=[session.room_id])),
            )
        )
    return events


def _learner_events(user: User, since: datetime) -> list[FeedEvent]:
    bookings = (
        Booking.objects.filter(learner=user, session__ends_at__gte=since, status__in=[*SHOWN, *ENDED])
        .select_related("session__mentor")
        .order_by("session__starts_at", "pk")
    )
    events = []
    for booking in bookings:
        session = booking.session
        if booking.status in ENDED or session.status == SessionStatus.CANCELLED:
            status = "CANCELLED"
        else:
            status = "CONFIRMED" if booking.status == BookingStatus.CONFIRMED else "TENTATIVE"
        summary = f"{session.title} with {session.mentor.name}"
        if status == "CANCELLED":
            summary = f"Cancelled: {summary}"
        elif status == "TENTATIVE":
            summary = f"{summary} (waiting for the mentor)"
        events.append(
            FeedEvent(
                uid=f"booking-{booking.pk}@{DOMAIN}",
                summary=summary,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                status=status,
                description=f"Your PeerLearn booking {booking.reference}. "
                "The live room opens 10 minutes before the start.",
                url=_site(reverse("bookings:booking-detail", args=[booking.pk])),
            )
        )
    return events


def _revisions(events: list[FeedEvent]) -> dict[str, CalendarEventRevision]:
    """Each event's revision, its sequence raised where what it says changed (one update per
    changed event; of two fetches racing, one raises it)."""
    known = {row.uid: row for row in CalendarEventRevision.objects.filter(uid__in=[event.uid for event in events])}
    for event in events:
        row = known.get(event.uid)
        if row is None:
            row, _ = CalendarEventRevision.objects.get_or_create(uid=event.uid, defaults={"digest": event.digest})
        if row.digest != event.digest:
            CalendarEventRevision.objects.filter(pk=row.pk).exclude(digest=event.digest).update(
                digest=event.digest, sequence=F("sequence") + 1, updated_at=timezone.now()
            )
            row.refresh_from_db()
        known[event.uid] = row
    return known


def feed_events(*, user: User, now: datetime | None = None) -> list[tuple[FeedEvent, CalendarEventRevision]]:
    """The events of ``user``'s feed with their revisions. A cancelled or declined event is in
    it only if a feed showed it before (a lapsed checkout never was an event)."""
    now = now or timezone.now()
    since = now - timedelta(days=PAST_DAYS)
    events = _mentor_events(user, since) if user.role == Role.MENTOR else _learner_events(user, since)
    shown_before = set(
        CalendarEventRevision.objects.filter(uid__in=[e.uid for e in events if e.status == "CANCELLED"]).values_list(
            "uid", flat=True
        )
    )
    events = [event for event in events if event.status != "CANCELLED" or event.uid in shown_before]
    revisions = _revisions(events)
    return [(event, revisions[event.uid]) for event in events]


def feed_ics(*, user: User, now: datetime | None = None) -> bytes:
    """``user``'s feed as an iCalendar file."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//PeerLearn//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "PeerLearn sessions")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event, revision in feed_events(user=user, now=now):
        entry = Event()
        entry.add("uid", event.uid)
        entry.add("dtstamp", now)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.summary)
        entry.add("description", f"{event.description}\n{event.url}")
        entry.add("url", event.url)
        entry.add("status", event.status)
        entry.add("sequence", revision.sequence)
        entry.add("last-modified", revision.updated_at)
        calendar.add_component(entry)
    return calendar.to_ical()


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """``/calendar/<token>.ics``: the feed whose secret is ``token``; 404 for any other."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user").first()
    if feed is None:
        raise Http404("No such calendar.")
    response = HttpResponse(feed_ics(user=feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="peerlearn.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
