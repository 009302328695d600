"""What a recommender reads (through ``core.plugin_api``): the sessions open for booking with their
text, and what learners booked, as anonymous sequences only (mentors' track records are
``core.mentoring.selectors.mentor_records_get``).

Each function is a fixed number of queries, whatever the size of the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.selectors import SessionCard, session_card, session_queryset_public_upcoming

BOOKABLE_MAX = 5000  # sessions open for booking read at most (soonest first)
INTENT_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)  # a paid request, or its booking


@dataclass(frozen=True)
class BookableSession:
    """A session open for booking, as a recommender compares it: its card, its description and
    its mentor's fields."""

    card: SessionCard
    description: str
    mentor_domains: tuple[str, ...]


def session_list_bookable_detailed(
    *, ids=None, limit: int = BOOKABLE_MAX, now: datetime | None = None
) -> list[BookableSession]:
    """Sessions open for booking (the rule of ``session_search_public``: approved, active mentor,
    not started, no confirmed learner), soonest first, at most ``limit``; only those of ``ids``
    when given (one query)."""
    now = now or timezone.now()
    sessions = (
        session_queryset_public_upcoming(now=now)
        .filter(starts_at__gt=now)
        .exclude(bookings__status=BookingStatus.CONFIRMED)
        .select_related("mentor__mentor_profile")
    )
    if ids is not None:  # ids from anywhere (an address, say): those no row can have are no match
        sessions = sessions.filter(pk__in=[pk for pk in ids if isinstance(pk, int) and 0 < pk < 2**63])
    sessions = sessions[: max(0, limit)]
    return [
        BookableSession(
            card=session_card(session, now=now),
            description=session.description,
            mentor_domains=tuple(session.mentor.mentor_profile.domains or ()),
        )
        for session in sessions
    ]


CARD_FIELDS = (  # what ``session_card`` reads, and no more (descriptions are long)
    "id", "title", "mentor_id", "starts_at", "ends_at", "price_paise", "topics", "mentor__name", "mentor__avatar",
)  # fmt: skip


def session_cards_bookable(*, ids, now: datetime | None = None) -> list[SessionCard]:
    """The sessions of ``ids`` still open for booking (the rule of ``session_list_bookable_detailed``)
    as cards, soonest first: to show suggestions made earlier (one narrow query)."""
    now = now or timezone.now()
    wanted = [pk for pk in ids if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**63]
    if not wanted:
        return []
    sessions = (
        session_queryset_public_upcoming(now=now)
        .filter(starts_at__gt=now, pk__in=wanted)
        .exclude(bookings__status=BookingStatus.CONFIRMED)
        .only(*CARD_FIELDS)
    )
    return [session_card(session, now=now) for session in sessions]


def session_cards_bookable_by_mentor(
    *, mentor_ids, per_mentor: int = 2, now: datetime | None = None
) -> dict[int, list[SessionCard]]:
    """``{mentor id: their soonest sessions open for booking}``, at most ``per_mentor`` each, for
    the mentors of ``mentor_ids`` (one query, a window numbering each mentor's sessions)."""
    now = now or timezone.now()
    wanted = {pk for pk in mentor_ids if isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**63}
    if not wanted or per_mentor <= 0:
        return {}
    sessions = (
        session_queryset_public_upcoming(now=now)
        .filter(starts_at__gt=now, mentor_id__in=wanted)
        .exclude(bookings__status=BookingStatus.CONFIRMED)
        .only(*CARD_FIELDS)
        .annotate(nth=Window(RowNumber(), partition_by=[F("mentor_id")], order_by=[F("starts_at"), F("pk")]))
        .filter(nth__lte=per_mentor)
    )
    found: dict[int, list[SessionCard]] = {}
    for session in sessions:
        found.setdefault(session.mentor_id, []).append(session_card(session, now=now))
    return found


def booking_sequences_all(*, since: datetime | None = None) -> list[list[tuple[int, str]]]:
    """What each learner asked for and paid for (waiting or confirmed bookings), as
    ``(mentor id, session title)`` in the order they booked: one list per learner, in no
    particular order, and no learner named. For learning what is booked together (one query)."""
    bookings = Booking.objects.filter(status__in=INTENT_STATUSES)
    if since is not None:
        bookings = bookings.filter(created_at__gte=since)
    sequences: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for learner_id, mentor_id, title in bookings.order_by("learner_id", "created_at", "pk").values_list(
        "learner_id", "session__mentor_id", "session__title"
    ):
        sequences[learner_id].append((mentor_id, title))
    return list(sequences.values())


def booking_counts_since(*, since: datetime) -> dict[tuple[int, str], int]:
    """``{(mentor id, session title): paid requests since since}`` (one query)."""
    rows = (
        Booking.objects.filter(status__in=INTENT_STATUSES, created_at__gte=since)
        .values("session__mentor_id", "session__title")
        .annotate(count=Count("id"))
    )
    return {(row["session__mentor_id"], row["session__title"]): row["count"] for row in rows}
