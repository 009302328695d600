"""Reads for the live room: the state a socket gets on ``welcome``, payload shapes, recordings,
the ratings learners who attended gave, and a learner's progress (the time together and the
topics ticked in the rooms of their booked sessions)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Avg, Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import MentoringSession, SessionStatus
from core.payments.models import BOOKING_PURPOSE, Payment, PaymentStatus
from core.room.models import (
    BoardStroke,
    ChatMessage,
    Feedback,
    Recording,
    RecordingConsent,
    RecordingStatus,
    RoomPresence,
    TopicCheck,
    TopicTick,
)
from core.users.models import User

WELCOME_CHAT = 200  # chat lines a first welcome carries (the latest)
CATCH_UP_CHAT = 500  # chat lines a catch-up carries at most (the oldest missed; ``chat_more`` says ask again)
PRESENCE_STALE_SECONDS = 60  # a socket not heard from for this long no longer counts
HEARTBEAT_SECONDS = 20  # how often an open socket says it is still there


def iso(moment: datetime) -> str:
    """An ISO 8601 instant in UTC, as the browser reads it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def display_name(user: User) -> str:
    return user.name or user.email.split("@")[0]


def chat_payload(message: ChatMessage) -> dict:
    return {
        "id": message.pk,
        "sender_id": message.sender_id,
        "sender_name": display_name(message.sender),
        "text": message.text,
        "created_at": iso(message.created_at),
    }


def stroke_payload(stroke: BoardStroke) -> dict:
    return {"id": stroke.pk, "sender_id": stroke.sender_id, **stroke.data}


def tick_payload(tick: TopicTick) -> dict:
    return {"id": tick.pk, "index": tick.index, "done": tick.is_done, "by": tick.by_id}


def board_strokes(*, session: MentoringSession):
    """The board as it stands: strokes since the last clear, not undone, oldest first."""
    return BoardStroke.objects.filter(session=session, is_cleared=False, is_undone=False).order_by("id")


def board_point_count(*, session: MentoringSession) -> int:
    return board_strokes(session=session).aggregate(total=Sum("point_count"))["total"] or 0


def topics_state(*, session: MentoringSession) -> list[dict]:
    done = dict(TopicCheck.objects.filter(session=session).values_list("index", "is_done"))
    return [
        {"index": index, "title": title, "done": done.get(index, False)} for index, title in enumerate(session.topics)
    ]


def recording_consents(*, session: MentoringSession, learner_id: int | None) -> dict[str, bool]:
    given = dict(RecordingConsent.objects.filter(session=session).values_list("user_id", "is_given"))
    return {"mentor": given.get(session.mentor_id, False), "learner": bool(learner_id and given.get(learner_id, False))}


def recording_active(*, session: MentoringSession) -> Recording | None:
    return Recording.objects.filter(session=session, status=RecordingStatus.UPLOADING).order_by("-id").first()


def recording_state(*, session: MentoringSession, learner_id: int | None) -> dict:
    return {
        "type": "recording",
        "consent": recording_consents(session=session, learner_id=learner_id),
        "active": recording_active(session=session) is not None,
    }


def live_presences(*, now: datetime | None = None):
    now = now or timezone.now()
    return RoomPresence.objects.filter(
        left_at__isnull=True, seen_at__gte=now - timedelta(seconds=PRESENCE_STALE_SECONDS)
    )


def presence_is_live(*, session: MentoringSession, user_id: int | None, now: datetime | None = None) -> bool:
    if user_id is None:
        return False
    return live_presences(now=now).filter(session=session, user_id=user_id).exists()


Interval = tuple[datetime, datetime]


def _merged(intervals: list[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined (two tabs of one person count once)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def presence_overlap_seconds(first: list[Interval], second: list[Interval]) -> float:
    """Seconds during which both people had the room open, from their presence intervals."""
    a, b = _merged(first), _merged(second)
    total = 0.0
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            total += (end - start).total_seconds()
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _presence_intervals(*, session: MentoringSession, user_id: int, until: datetime) -> list[Interval]:
    """One person's time in the room as ``(start, end)`` intervals, none past ``until``.

    A closed row ends when it closed; an open row whose heartbeat is fresh ends at ``until``;
    an open row gone stale (its server died) ends at its last heartbeat."""
    stale_before = until - timedelta(seconds=PRESENCE_STALE_SECONDS)
    spans = []
    rows = RoomPresence.objects.filter(session=session, user_id=user_id, joined_at__lt=until)
    for joined_at, seen_at, left_at in rows.values_list("joined_at", "seen_at", "left_at"):
        open_end = until if seen_at >= stale_before else seen_at
        end = min(left_at if left_at is not None else open_end, until)
        if end > joined_at:
            spans.append((joined_at, end))
    return spans


def presence_seconds_together(*, session: MentoringSession, learner_id: int, until: datetime) -> int:
    """How many seconds the mentor and ``learner_id`` were both in the room, up to ``until``
    (from the presence rows: the overlap of each person's merged intervals)."""
    mentor = _presence_intervals(session=session, user_id=session.mentor_id, until=until)
    learner = _presence_intervals(session=session, user_id=learner_id, until=until)
    return int(presence_overlap_seconds(mentor, learner))


def presence_minutes_together(*, session: MentoringSession, learner_id: int, until: datetime) -> int:
    """``presence_seconds_together`` in whole minutes, rounded to the nearest (30 s rounds up)."""
    return (presence_seconds_together(session=session, learner_id=learner_id, until=until) + 30) // 60


def room_marks_get(*, session: MentoringSession) -> dict:
    """Where the room's saved state stands: the last chat id, the last stroke id on the board and
    how many strokes are on it (an undo or a clear changes the count; a new stroke the id), and
    the last tick id. A socket whose own copy differs has missed a broadcast and asks to catch up."""
    board = board_strokes(session=session).aggregate(last=Max("id"), count=Count("id"))
    return {
        "chat": ChatMessage.objects.filter(session=session).aggregate(last=Max("id"))["last"] or 0,
        "stroke": board["last"] or 0,
        "board": board["count"],
        "topic": TopicTick.objects.filter(session=session).aggregate(last=Max("id"))["last"] or 0,
    }


def room_state_get(*, session: MentoringSession, learner_id: int | None, chat_after: int | None = None) -> dict:
    """What ``welcome`` carries: chat lines, the board, the topics, recording, status, marks.

    Without ``chat_after``, the last ``WELCOME_CHAT`` chat lines. With it (a reconnect: the last
    chat id the socket saw), the lines after it, oldest first, at most ``CATCH_UP_CHAT``;
    ``chat_more`` says more follow. The board and the topics are states, not logs (an undo or a
    clear changes strokes saved earlier), so they always come whole.
    """
    messages = ChatMessage.objects.filter(session=session).select_related("sender")
    if chat_after is None:
        chat = list(messages.order_by("-id")[:WELCOME_CHAT])
        chat.reverse()
        more = False
    else:
        chat = list(messages.filter(id__gt=chat_after).order_by("id")[: CATCH_UP_CHAT + 1])
        more = len(chat) > CATCH_UP_CHAT
        chat = chat[:CATCH_UP_CHAT]
    return {
        "chat": [chat_payload(message) for message in chat],
        "since": chat_after,
        "chat_more": more,
        "strokes": [stroke_payload(stroke) for stroke in board_strokes(session=session)],
        "topics": topics_state(session=session),
        "recording": {
            key: value
            for key, value in recording_state(session=session, learner_id=learner_id).items()
            if key != "type"
        },
        "status": session.status,
        "last": room_marks_get(session=session),
    }


def recording_list_complete(*, session: MentoringSession) -> list[Recording]:
    """The recordings both participants can download, oldest first."""
    return list(Recording.objects.filter(session=session, status=RecordingStatus.COMPLETE, size_bytes__gt=0))


@dataclass(frozen=True)
class Review:
    rating: int
    comment: str
    learner_first_name: str
    session_title: str
    created_at: datetime
    learner_avatar: str = ""  # the stored name of the learner's picture, "" for none


def review_list_for_mentor(*, mentor_id: int, limit: int = 5) -> list[Review]:
    """The mentor's latest reviews, newest first (one query). Feedback is accepted only from
    learners who attended (their presence is on record), so every review here is verified."""
    rows = (
        Feedback.objects.filter(booking__session__mentor_id=mentor_id)
        .select_related("booking__learner", "booking__session")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        Review(
            rating=row.rating,
            comment=row.comment,
            learner_first_name=(row.booking.learner.name or "A learner").split()[0],
            session_title=row.booking.session.title,
            created_at=row.created_at,
            learner_avatar=row.booking.learner.avatar.name or "",
        )
        for row in rows
    ]


def rating_weekly_for_mentor(*, mentor, weeks: int = 12, now: datetime | None = None) -> list[dict]:
    """The mentor's average rating per week (by when the feedback was given, in the mentor's
    timezone) for the last ``weeks`` weeks: ``{"week", "average" (None without ratings), "count"}``.
    One query; weeks without ratings stay empty rather than zero."""
    zone = zoneinfo.ZoneInfo(mentor.timezone or "Asia/Kolkata")
    local_now = timezone.localtime(now or timezone.now(), zone)
    this_monday = (local_now - timedelta(days=local_now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    first = this_monday - timedelta(weeks=weeks - 1)
    rows = (
        Feedback.objects.filter(booking__session__mentor=mentor, created_at__gte=first)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week")
        .annotate(average=Avg("rating"), count=Count("id"))
    )
    by_week = {row["week"].date(): row for row in rows}
    points = []
    for index in range(weeks):
        monday = (first + timedelta(weeks=index)).date()
        row = by_week.get(monday)
        points.append(
            {
                "week": monday.isoformat(),
                "average": round(row["average"], 2) if row else None,
                "count": row["count"] if row else 0,
            }
        )
    return points


# --- A learner's progress: what they did in the rooms of their booked sessions -------------------


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

    ``refunded``: the learner's payment went back in full (staff settled a dispute so, say).

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
    refunded: bool = False  # the learner's payment for it went back in full (a settled dispute, say)


def session_attendance_for_user(*, user, limit: int | None = None) -> list[SessionAttendance]:
    """Completed sessions ``user`` came into the room for, newest first: as mentor, or as the
    learner of its confirmed booking. Presence comes from the room's records (not the
    schedule), so ``together_minutes`` is what both were really there for.

    ``refunded``: the learner's payment went back in full (staff settled a dispute so, say).

    Three queries whatever the history: the sessions, their presences, their ticked topics."""
    confirmed_learner = Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.CONFIRMED).values(
        "learner_id"
    )[:1]
    sessions = (
        MentoringSession.objects.filter(status=SessionStatus.COMPLETED)
        .filter(Q(mentor=user) | Q(bookings__learner=user, bookings__status=BookingStatus.CONFIRMED))
        .distinct()
    )
    refunded = Payment.objects.filter(
        booking__session=OuterRef("pk"),
        booking__status=BookingStatus.CONFIRMED,
        purpose=BOOKING_PURPOSE,
        status=PaymentStatus.REFUNDED,
    )
    rows = list(
        sessions.annotate(learner_id=Subquery(confirmed_learner), refunded=Exists(refunded))
        .order_by("-starts_at", "-pk")
        .values_list("pk", "title", "mentor_id", "learner_id", "starts_at", "ends_at", "topics", "refunded")
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
    for pk, title, mentor_id, learner_id, starts_at, ends_at, topics, was_refunded in rows:
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
                refunded=was_refunded,
            )
        )
        if limit is not None and len(attended) >= limit:
            break
    return attended


@dataclass(frozen=True)
class FeedbackStats:
    """The feedback one person gave (as a learner) and received (as a mentor). Feedback is
    accepted only from learners who attended, so every review counted here is verified."""

    given: int
    received: int
    received_average: float | None  # None until they have a review


def feedback_stats_for_user(*, user) -> FeedbackStats:
    """``user``'s ``FeedbackStats`` in two queries."""
    given = Feedback.objects.filter(booking__learner=user).count()
    received = Feedback.objects.filter(booking__session__mentor=user).aggregate(
        count=Count("id"), average=Avg("rating")
    )
    average = received["average"]
    return FeedbackStats(
        given=given,
        received=received["count"],
        received_average=round(float(average), 2) if average is not None else None,
    )


def people_attended_all() -> list[User]:
    """Everyone who came into the room of at least one completed session (as mentor or
    learner), in the order they joined PeerLearn (one query)."""
    attended = RoomPresence.objects.filter(session__status=SessionStatus.COMPLETED).values("user_id")
    return list(User.objects.filter(pk__in=attended).order_by("pk"))


def session_participants(*, session_id: int) -> list[User]:
    """A session's mentor, then the learner of its confirmed booking (if any): one query."""
    learner = Booking.objects.filter(session_id=session_id, status=BookingStatus.CONFIRMED).values("learner_id")
    mentor = MentoringSession.objects.filter(pk=session_id).values("mentor_id")
    people = {user.pk: user for user in User.objects.filter(Q(pk__in=mentor) | Q(pk__in=learner))}
    mentor_id = MentoringSession.objects.filter(pk=session_id).values_list("mentor_id", flat=True).first()
    return sorted(people.values(), key=lambda user: (user.pk != mentor_id, user.pk))


def chat_transcript_text(*, session: MentoringSession, reader: User) -> str:
    """The session's chat as plain text, oldest first, times in ``reader``'s timezone (one query)."""
    zone = zoneinfo.ZoneInfo(reader.timezone or "Asia/Kolkata")
    header = [
        f"PeerLearn · {session.title}",
        f"{timezone.localtime(session.starts_at, zone):%A %-d %B %Y, %-I:%M %p} ({zone.key})",
        "",
    ]
    lines = [
        f"[{timezone.localtime(message.created_at, zone):%H:%M}] {display_name(message.sender)}: {message.text}"
        for message in ChatMessage.objects.filter(session=session).select_related("sender").order_by("id")
    ]
    return "\n".join([*header, *(lines or ["(No messages.)"])]) + "\n"
