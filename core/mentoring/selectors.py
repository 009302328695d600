"""Reads about mentoring sessions, shaped for the pages that show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from rapidfuzz import fuzz, process, utils

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import format_inr, split
from core.room.models import RoomPresence, TopicCheck
from core.room.selectors import Interval, presence_overlap_seconds


@dataclass(frozen=True)
class SessionCard:
    """A session as a public card shows it (no room id: that one is secret)."""

    id: int
    title: str
    mentor_id: int
    mentor_name: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    price_paise: int
    learner_pays_paise: int
    topics: tuple[str, ...]
    is_live: bool
    mentor_avatar: str = ""  # the stored name of the mentor's picture, "" for none

    @property
    def price_display(self) -> str:
        return format_inr(self.price_paise)

    @property
    def learner_pays_display(self) -> str:
        return format_inr(self.learner_pays_paise)


@dataclass(frozen=True)
class MentorCard:
    """A mentor with their upcoming public sessions.

    Ratings and booking counts join here from real reviews and bookings once those exist;
    until then the ordering is by how many sessions a mentor has coming up, then the soonest.
    """

    id: int
    name: str
    skills: tuple[str, ...]
    domains: tuple[str, ...]
    upcoming_count: int
    next_session: SessionCard
    avatar: str = ""  # the stored name of their picture, "" for none

    @property
    def initials(self) -> str:
        parts = [part for part in self.name.split() if part]
        return "".join(part[0] for part in parts[:2]).upper() or "?"


def _public_upcoming(now: datetime):
    return (
        MentoringSession.objects.filter(
            status=SessionStatus.ACTIVE,
            ends_at__gt=now,
            mentor__is_active=True,
            mentor__mentor_profile__is_approved=True,
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")
    )


def _card(session: MentoringSession, now: datetime) -> SessionCard:
    return SessionCard(
        id=session.pk,
        title=session.title,
        mentor_id=session.mentor_id,
        mentor_name=session.mentor.name,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        duration_minutes=session.duration_minutes,
        price_paise=session.price_paise,
        learner_pays_paise=split(session.price_paise).amount_paise,
        topics=tuple(session.topics),
        is_live=session.starts_at <= now < session.ends_at,
        mentor_avatar=session.mentor.avatar.name or "",
    )


def session_list_public_upcoming(*, limit: int = 10, now: datetime | None = None) -> list[SessionCard]:
    """Live or upcoming sessions of approved mentors, soonest first (one query)."""
    now = now or timezone.now()
    return [_card(session, now) for session in _public_upcoming(now)[:limit]]


def mentor_list_best(*, limit: int = 10, now: datetime | None = None) -> list[MentorCard]:
    """Approved mentors with sessions coming up, best first (one query, whatever the number of rows)."""
    now = now or timezone.now()
    sessions = list(_public_upcoming(now).select_related("mentor__mentor_profile")[:500])
    by_mentor: dict[int, list[MentoringSession]] = {}
    for session in sessions:
        by_mentor.setdefault(session.mentor_id, []).append(session)
    cards = []
    for mentor_sessions in by_mentor.values():
        mentor = mentor_sessions[0].mentor
        profile = mentor.mentor_profile
        cards.append(
            MentorCard(
                id=mentor.pk,
                name=mentor.name,
                skills=tuple(profile.skills),
                domains=tuple(profile.domains),
                upcoming_count=len(mentor_sessions),
                next_session=_card(mentor_sessions[0], now),
                avatar=mentor.avatar.name or "",
            )
        )
    cards.sort(key=lambda card: (-card.upcoming_count, card.next_session.starts_at, card.id))
    return cards[:limit]


def session_get_public(*, pk: int, now: datetime | None = None) -> MentoringSession | None:
    """One live or upcoming session of an approved, active mentor (with its mentor), or None."""
    return _public_upcoming(now or timezone.now()).filter(pk=pk).first()


def session_list_upcoming_for_mentor(*, mentor, limit: int = 20, now: datetime | None = None) -> list[SessionCard]:
    """A mentor's own active sessions that have not ended, public or not yet (one query)."""
    now = now or timezone.now()
    sessions = (
        MentoringSession.objects.filter(mentor=mentor, status=SessionStatus.ACTIVE, ends_at__gt=now)
        .select_related("mentor")
        .order_by("starts_at", "pk")[:limit]
    )
    return [_card(session, now) for session in sessions]


def session_list_upcoming_for_learner(*, learner, limit: int = 20, now: datetime | None = None) -> list[SessionCard]:
    """Sessions the learner is confirmed for that have not ended (one query)."""
    now = now or timezone.now()
    sessions = (
        MentoringSession.objects.filter(
            bookings__learner=learner, bookings__status="confirmed", status=SessionStatus.ACTIVE, ends_at__gt=now
        )
        .select_related("mentor")
        .order_by("starts_at", "pk")[:limit]
    )
    return [_card(session, now) for session in sessions]


JOIN_OPENS_BEFORE = timedelta(minutes=10)


@dataclass(frozen=True)
class OwnSessionRow:
    """A mentor's own session as their dashboard shows it, with who booked it."""

    id: int
    title: str
    topics: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    status: str
    price_paise: int
    room_id: str
    learner_name: str  # the confirmed learner, or ""
    pending_count: int
    now: datetime

    @property
    def price_display(self) -> str:
        return format_inr(self.price_paise)

    @property
    def is_attendable(self) -> bool:
        """Booked and still on (not ended, not completed early, not cancelled): it gets a Join
        button, shown from ``join_opens_at`` (the page reveals it then, without a reload)."""
        return bool(self.learner_name) and self.status == SessionStatus.ACTIVE and self.now < self.ends_at

    @property
    def join_opens_at(self) -> datetime:
        return self.starts_at - JOIN_OPENS_BEFORE

    @property
    def is_joinable(self) -> bool:
        """The room opens 10 minutes before the start, for a booked session, until its end."""
        return self.is_attendable and self.join_opens_at <= self.now

    @property
    def is_editable(self) -> bool:
        return self.status == SessionStatus.ACTIVE and self.starts_at > self.now


def _own_sessions(*, mentor):
    """The mentor's sessions, each with its confirmed learner and pending count."""
    confirmed = Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.CONFIRMED).values("learner__name")[
        :1
    ]
    return MentoringSession.objects.filter(mentor=mentor).annotate(
        learner_name=Subquery(confirmed),
        pending_count=Count("bookings", filter=Q(bookings__status=BookingStatus.PENDING)),
    )


def _is_on(now: datetime) -> Q:
    """Still on: active and not ended (upcoming, or taking place now)."""
    return Q(status=SessionStatus.ACTIVE, ends_at__gt=now)


def _own_rows(sessions, now: datetime) -> list[OwnSessionRow]:
    return [
        OwnSessionRow(
            id=session.pk,
            title=session.title,
            topics=tuple(session.topics or ()),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            status=session.status,
            price_paise=session.price_paise,
            room_id=session.room_id,
            learner_name=session.learner_name or "",
            pending_count=session.pending_count,
            now=now,
        )
        for session in sessions
    ]


def session_list_own_for_mentor(*, mentor, limit: int = 50, now: datetime | None = None) -> list[OwnSessionRow]:
    """The mentor's sessions that are still on, soonest first (one query)."""
    now = now or timezone.now()
    return _own_rows(_own_sessions(mentor=mentor).filter(_is_on(now)).order_by("starts_at", "pk")[:limit], now)


def session_list_past_for_mentor(
    *, mentor, limit: int = 25, offset: int = 0, now: datetime | None = None
) -> list[OwnSessionRow]:
    """A window of the mentor's other sessions (ended, completed or cancelled), latest first (one query)."""
    now = now or timezone.now()
    sessions = _own_sessions(mentor=mentor).exclude(_is_on(now)).order_by("-starts_at", "-pk")
    return _own_rows(sessions[offset : offset + limit], now)


def session_count_past_for_mentor(*, mentor, now: datetime | None = None) -> int:
    """How many sessions ``session_list_past_for_mentor`` pages through (one query)."""
    return MentoringSession.objects.filter(mentor=mentor).exclude(_is_on(now or timezone.now())).count()


def session_get_own(*, mentor, pk: int) -> MentoringSession | None:
    return MentoringSession.objects.filter(mentor=mentor, pk=pk).first()


# --- Browse: search and filter public sessions --------------------------------------------------

SEARCH_CANDIDATES = 2000
SEARCH_CUTOFF = 80
TOPIC_CHOICES = 60


@dataclass(frozen=True)
class SessionSearch:
    """One page of search results, and what the filter form offers."""

    page: Page  # of SessionCard
    total: int
    topics: tuple[str, ...]  # topics and mentor domains of the sessions on offer, for the filter
    is_capped: bool  # more sessions matched the filters than the text search looked at
    searched: int  # how many sessions the text and topic were matched against


def _words(text: str) -> list[str]:
    return utils.default_process(text).split()


def _text_score(query_words: list[str], words: list[str]) -> float:
    """How well the query matches one session's words, 0–100: each query word scores its best
    match (a word it starts, as "pyth" starts "python", counts 100; otherwise the edit-distance
    ratio, so "pyhton" scores 83 against "python"); the session scores the mean, so every word
    of the query has to match something."""
    if not words:
        return 0.0
    total = 0.0
    for query_word in query_words:
        if len(query_word) >= 3 and any(word.startswith(query_word) for word in words):
            total += 100
            continue
        best = process.extractOne(query_word, words, scorer=fuzz.ratio)
        total += best[1] if best else 0
    return total / len(query_words)


def session_search_public(
    *,
    text: str = "",
    topic: str = "",
    price_min_paise: int | None = None,
    price_max_paise: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    page: int | str = 1,
    per_page: int = 12,
    now: datetime | None = None,
) -> SessionSearch:
    """Public sessions still open for booking: those of approved, active mentors (as on the
    landing page) that have not started and have no confirmed learner (one-to-one). Filtered
    by price (the session's price, in paise), start time (aware datetimes: the caller turns
    the learner's local dates into instants) and topic or mentor domain, and searched by
    ``text`` in the title, topics and mentor's name, typo-tolerant.

    Text search is rapidfuzz over a bounded candidate set, on SQLite and PostgreSQL alike:
    the price and date filters run in the database, which returns at most
    ``SEARCH_CANDIDATES`` (soonest first) as plain values; topic and text are matched here.
    Why not pg_trgm on PostgreSQL: it needs ``CREATE EXTENSION`` (a superuser step on many
    managed databases, so a migration may not be able to do it), SQLite would still need
    this path, and trigram similarity is weak on exactly the typos people make in short
    words: "pyhton" and "python" share 3 of 11 trigrams (similarity 0.27, under pg_trgm's
    default 0.3 threshold), while their edit-distance ratio is 83. Upcoming sessions of a
    marketplace number in the thousands, which rapidfuzz scores in milliseconds.

    Two queries whatever the number of sessions: the candidates, then the page's cards.
    """
    now = now or timezone.now()
    candidates = _public_upcoming(now).filter(starts_at__gt=now).exclude(bookings__status=BookingStatus.CONFIRMED)
    if price_min_paise is not None:
        candidates = candidates.filter(price_paise__gte=price_min_paise)
    if price_max_paise is not None:
        candidates = candidates.filter(price_paise__lte=price_max_paise)
    if starts_from is not None:
        candidates = candidates.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        candidates = candidates.filter(starts_at__lt=starts_before)
    rows = list(
        candidates.values_list("pk", "title", "topics", "mentor__name", "mentor__mentor_profile__domains")[
            : SEARCH_CANDIDATES + 1
        ]
    )
    is_capped = len(rows) > SEARCH_CANDIDATES
    rows = rows[:SEARCH_CANDIDATES]

    seen: dict[str, str] = {}
    counts: dict[str, int] = {}
    for _pk, _title, topics, _name, domains in rows:
        for label in {*(topics or ()), *(domains or ())}:
            key = label.casefold()
            seen.setdefault(key, label)
            counts[key] = counts.get(key, 0) + 1
    offered = sorted(counts, key=lambda key: (-counts[key], key))[:TOPIC_CHOICES]
    wanted = topic.strip().casefold()
    if wanted and wanted not in offered:
        offered.append(wanted)
        seen.setdefault(wanted, topic.strip())
    topic_choices = tuple(sorted((seen[key] for key in offered), key=str.casefold))

    query_words = _words(text)
    matched: list[tuple[float, int, int]] = []
    for index, (pk, title, topics, name, domains) in enumerate(rows):
        topics, domains = topics or [], domains or []
        if wanted and wanted not in {label.casefold() for label in (*topics, *domains)}:
            continue
        score = 100.0
        if query_words:
            score = _text_score(query_words, _words(" ".join([title, *topics, name])))
            if score < SEARCH_CUTOFF:
                continue
        matched.append((-score, index, pk))
    matched.sort()  # best match first; equal scores stay soonest first
    paginator = Paginator([pk for _score, _index, pk in matched], per_page)
    result_page = paginator.get_page(page)
    by_pk = {session.pk: session for session in _public_upcoming(now).filter(pk__in=list(result_page.object_list))}
    result_page.object_list = [_card(by_pk[pk], now) for pk in result_page.object_list if pk in by_pk]
    return SessionSearch(
        page=result_page, total=paginator.count, topics=topic_choices, is_capped=is_capped, searched=len(rows)
    )


# --- Progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendedSession:
    id: int
    title: str
    mentor_name: str
    starts_at: datetime
    duration_minutes: int  # minutes both participants were in the room together
    topics: tuple[str, ...]  # the topics ticked in the room


@dataclass(frozen=True)
class LearningProgress:
    """What the learner has done: completed sessions of their confirmed bookings that they
    attended, the time both were in the room together, and the topics ticked there."""

    sessions_attended: int
    minutes_learned: int
    topics: tuple[tuple[str, int], ...]  # (topic, sessions that ticked it), most covered first
    recent: tuple[AttendedSession, ...]

    @property
    def hours_display(self) -> str:
        hours, minutes = divmod(self.minutes_learned, 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def learning_progress_for_learner(*, learner, recent: int = 10) -> LearningProgress:
    """Sessions attended (completed, with the learner's confirmed booking, and the learner came
    into the room), the minutes both participants were present together (from the room's
    presence records, not the scheduled length) and the topics ticked in those rooms.

    Three queries whatever the history: the sessions, their presences, their ticked topics."""
    sessions = MentoringSession.objects.filter(
        status=SessionStatus.COMPLETED,
        bookings__learner=learner,
        bookings__status=BookingStatus.CONFIRMED,
    )
    rows = list(
        sessions.order_by("-starts_at", "-pk").values_list(
            "pk", "title", "mentor_id", "mentor__name", "starts_at", "topics"
        )
    )
    if not rows:
        return LearningProgress(sessions_attended=0, minutes_learned=0, topics=(), recent=())
    intervals: dict[tuple[int, int], list[Interval]] = {}
    presences = RoomPresence.objects.filter(session__in=sessions.values("pk")).values_list(
        "session_id", "user_id", "joined_at", "seen_at", "left_at"
    )
    for session_id, user_id, joined_at, seen_at, left_at in presences:
        # A socket that died without a goodbye counts until it was last heard from.
        intervals.setdefault((session_id, user_id), []).append((joined_at, left_at or seen_at))
    ticked: dict[int, set[int]] = {}
    for session_id, index in TopicCheck.objects.filter(session__in=sessions.values("pk"), is_done=True).values_list(
        "session_id", "index"
    ):
        ticked.setdefault(session_id, set()).add(index)
    seconds = 0.0
    labels: dict[str, str] = {}
    counts: dict[str, int] = {}
    attended = []
    for pk, title, mentor_id, mentor_name, starts_at, topics in rows:
        if (pk, learner.pk) not in intervals:
            continue  # completed without them (they did not come): not attended
        together = presence_overlap_seconds(intervals[(pk, learner.pk)], intervals.get((pk, mentor_id), []))
        seconds += together
        done = tuple(topic for index, topic in enumerate(topics or ()) if index in ticked.get(pk, ()))
        for topic in dict.fromkeys(done):
            key = topic.casefold()
            labels.setdefault(key, topic)
            counts[key] = counts.get(key, 0) + 1
        if len(attended) < recent:
            attended.append(AttendedSession(pk, title, mentor_name, starts_at, int(together // 60), done))
    ordered = sorted(counts, key=lambda key: (-counts[key], key))
    return LearningProgress(
        sessions_attended=sum(1 for pk, *_ in rows if (pk, learner.pk) in intervals),
        minutes_learned=int(seconds // 60),
        topics=tuple((labels[key], counts[key]) for key in ordered),
        recent=tuple(attended),
    )


@dataclass(frozen=True)
class SessionAttendance:
    """A completed session that one person attended, as its learner or its mentor."""

    id: int
    title: str
    role: str  # "learner" or "mentor": the person's part in it
    starts_at: datetime
    scheduled_minutes: int
    present_minutes: int  # the person's own time in the room (two tabs count once)
    together_minutes: int  # the time both participants were in the room together
    topics: tuple[str, ...]  # the session's topics, as the mentor wrote them
    topics_covered: tuple[str, ...]  # those ticked in the room


def session_attendance_for_user(*, user, limit: int | None = None) -> list[SessionAttendance]:
    """Completed sessions ``user`` came into the room for, newest first: as mentor, or as the
    learner of its confirmed booking. Presence comes from the room's records (not the
    schedule), so ``together_minutes`` is what both were really there for.

    Three queries whatever the history: the sessions, their presences, their ticked topics."""
    confirmed_learner = Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.CONFIRMED).values(
        "learner_id"
    )[:1]
    sessions = (
        MentoringSession.objects.filter(status=SessionStatus.COMPLETED)
        .filter(Q(mentor=user) | Q(bookings__learner=user, bookings__status=BookingStatus.CONFIRMED))
        .distinct()
    )
    rows = list(
        sessions.annotate(learner_id=Subquery(confirmed_learner))
        .order_by("-starts_at", "-pk")
        .values_list("pk", "title", "mentor_id", "learner_id", "starts_at", "ends_at", "topics")
    )
    if not rows:
        return []
    session_ids = [row[0] for row in rows]
    intervals: dict[tuple[int, int], list[Interval]] = {}
    presences = RoomPresence.objects.filter(session_id__in=session_ids).values_list(
        "session_id", "user_id", "joined_at", "seen_at", "left_at"
    )
    for session_id, user_id, joined_at, seen_at, left_at in presences:
        intervals.setdefault((session_id, user_id), []).append((joined_at, left_at or seen_at))
    ticked: dict[int, set[int]] = {}
    for session_id, index in TopicCheck.objects.filter(session_id__in=session_ids, is_done=True).values_list(
        "session_id", "index"
    ):
        ticked.setdefault(session_id, set()).add(index)
    attended = []
    for pk, title, mentor_id, learner_id, starts_at, ends_at, topics in rows:
        own = intervals.get((pk, user.pk))
        if not own:
            continue  # completed without them: not attended
        is_mentor = mentor_id == user.pk
        peer = intervals.get((pk, learner_id if is_mentor else mentor_id), [])
        topics = tuple(topics or ())
        attended.append(
            SessionAttendance(
                id=pk,
                title=title,
                role="mentor" if is_mentor else "learner",
                starts_at=starts_at,
                scheduled_minutes=int((ends_at - starts_at).total_seconds() // 60),
                present_minutes=int(presence_overlap_seconds(own, own) // 60),
                together_minutes=int(presence_overlap_seconds(own, peer) // 60),
                topics=topics,
                topics_covered=tuple(topic for index, topic in enumerate(topics) if index in ticked.get(pk, ())),
            )
        )
        if limit is not None and len(attended) >= limit:
            break
    return attended
