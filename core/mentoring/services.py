"""Writes about mentoring sessions: create, change, cancel. Every change refreshes the landing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import hooks
from core.mentoring import live
from core.mentoring.models import MentoringSession, SessionStatus
from core.money import format_inr, is_whole_rupees
from core.users.models import Role, User

EDITABLE_FIELDS = ("title", "description", "topics", "price_paise", "starts_at", "duration_minutes")


def _validate(*, mentor: User, title: str, price_paise: int, starts_at: datetime, duration_minutes: int) -> None:
    errors: dict[str, str] = {}
    if mentor.role != Role.MENTOR:
        errors["mentor"] = "Only mentors can publish sessions."
    if not title.strip():
        errors["title"] = "Give the session a title."
    low, high = settings.SESSION_PRICE_MIN_PAISE, settings.SESSION_PRICE_MAX_PAISE
    if not low <= price_paise <= high:
        errors["price_paise"] = f"The price must be between {format_inr(low)} and {format_inr(high)}."
    elif not is_whole_rupees(price_paise):
        errors["price_paise"] = f"Prices are whole rupees, without paise: {format_inr(price_paise)} is not one."
    if timezone.is_naive(starts_at):
        errors["starts_at"] = "The start time needs a timezone."
    elif starts_at <= timezone.now():
        errors["starts_at"] = "The start time must be in the future."
    if not 15 <= duration_minutes <= 240:
        errors["duration_minutes"] = "A session lasts between 15 minutes and 4 hours."
    if errors:
        raise ValidationError(errors)


def _check_overlap(*, mentor: User, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None) -> None:
    # Lock the mentor's row so two requests cannot both pass this check (PostgreSQL); SQLite's
    # IMMEDIATE transactions already serialise writers.
    User.objects.select_for_update().filter(pk=mentor.pk).first()
    clash = (
        MentoringSession.objects.filter(
            mentor=mentor, status=SessionStatus.ACTIVE, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=exclude_pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {"starts_at": f"This overlaps your session “{clash.title}”. Pick another time."}, code="overlap"
        )


@transaction.atomic
def session_create(
    *,
    mentor: User,
    title: str,
    price_paise: int,
    starts_at: datetime,
    description: str = "",
    topics: list[str] | None = None,
    duration_minutes: int = settings.SESSION_DURATION_DEFAULT_MINUTES,
) -> MentoringSession:
    """Publish a session. Raises ValidationError (per field) for bad input or an overlap."""
    _validate(
        mentor=mentor, title=title, price_paise=price_paise, starts_at=starts_at, duration_minutes=duration_minutes
    )
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    _check_overlap(mentor=mentor, starts_at=starts_at, ends_at=ends_at)
    session = MentoringSession.objects.create(
        mentor=mentor,
        title=title.strip(),
        description=description.strip(),
        topics=list(topics or []),
        price_paise=price_paise,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    transaction.on_commit(lambda: hooks.session_created.send_robust(sender=MentoringSession, session=session))
    transaction.on_commit(lambda: live.landing_changed(session=session, change="created"))
    return session


@transaction.atomic
def session_update(*, session: MentoringSession, by: User, **changes) -> MentoringSession:
    """Change a future session of one's own. Only ``EDITABLE_FIELDS`` may change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {sorted(unknown)}.")
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    if session.mentor_id != by.pk:
        raise PermissionError("Only the session's mentor can change it.")
    if session.status != SessionStatus.ACTIVE or session.starts_at <= timezone.now():
        raise ValidationError("Only upcoming sessions can be changed.")
    values = {field: getattr(session, field) for field in EDITABLE_FIELDS}
    values.update(changes)
    _validate(
        mentor=by,
        title=values["title"],
        price_paise=values["price_paise"],
        starts_at=values["starts_at"],
        duration_minutes=values["duration_minutes"],
    )
    ends_at = values["starts_at"] + timedelta(minutes=values["duration_minutes"])
    _check_overlap(mentor=by, starts_at=values["starts_at"], ends_at=ends_at, exclude_pk=session.pk)
    session.title = values["title"].strip()
    session.description = values["description"].strip()
    session.topics = list(values["topics"])
    session.price_paise = values["price_paise"]
    session.starts_at = values["starts_at"]
    session.ends_at = ends_at
    session.save()
    transaction.on_commit(lambda: hooks.session_updated.send_robust(sender=MentoringSession, session=session))
    transaction.on_commit(lambda: live.landing_changed(session=session, change="updated"))
    return session


def session_cancel(*, session: MentoringSession, by: User, reason: str = "") -> bool:
    """Cancel an active session (its mentor or staff). Idempotent: False if it was not active.
    Staff say why (``reason``, which the learner reads with their refund).

    A compare-and-swap update, so a double click or two admins cancel it once. Refunds of
    its bookings hang off the ``session_cancelled`` signal: ``core.bookings`` releases them and
    refunds a confirmed learner (this app writes the session's state only).
    """
    if session.mentor_id != by.pk and not by.is_staff:
        raise PermissionError("Only the session's mentor can cancel it.")
    with transaction.atomic():
        updated = MentoringSession.objects.filter(pk=session.pk, status=SessionStatus.ACTIVE).update(
            status=SessionStatus.CANCELLED, cancelled_at=timezone.now(), cancel_reason=(reason or "").strip()[:300]
        )
        if updated:
            session.refresh_from_db()
            transaction.on_commit(lambda: hooks.session_cancelled.send_robust(sender=MentoringSession, session=session))
            transaction.on_commit(lambda: live.landing_changed(session=session, change="cancelled"))
    return bool(updated)


def session_cancel_for_no_show(*, session: MentoringSession, now: datetime | None = None) -> bool:
    """The mentor did not come by the no-show deadline: cancel the session, so nobody can come
    in any more (the live room's no-show rule decides it: ``core.room.attendance``). Like
    ``session_cancel``, a compare-and-swap from active, and the confirmed learner's refund hangs
    off ``session_cancelled``. Call it inside the caller's transaction; True if this call
    cancelled it."""
    with transaction.atomic():
        updated = MentoringSession.objects.filter(pk=session.pk, status=SessionStatus.ACTIVE).update(
            status=SessionStatus.CANCELLED, cancelled_at=now or timezone.now()
        )
        if updated:
            session.refresh_from_db()
            transaction.on_commit(lambda: hooks.session_cancelled.send_robust(sender=MentoringSession, session=session))
            transaction.on_commit(lambda: live.landing_changed(session=session, change="cancelled"))
    return bool(updated)


def session_complete(
    *, session: MentoringSession, ended_early: bool = False, minutes_together: int = 0, now: datetime | None = None
) -> bool:
    """Mark a session that took place as completed, with when it ended, whether the mentor
    ended it early, and ``minutes_together``, the minutes both participants were present (the
    live room counts them from its presence rows: ``core.room.attendance.session_complete``).

    The mentor's share stays pending: it becomes available ``EARNINGS_HOLD_HOURS`` after
    ``completed_at`` unless the learner reports a problem by then (the periodic
    ``earnings_release_due``). Compare-and-swap from active, so ending twice completes once.
    (The live room calls this when the mentor ends or time runs out; no-show rules decide
    before it is called.)
    """
    now = now or timezone.now()
    with transaction.atomic():
        updated = MentoringSession.objects.filter(pk=session.pk, status=SessionStatus.ACTIVE).update(
            status=SessionStatus.COMPLETED, completed_at=now, ended_early=ended_early, minutes_together=minutes_together
        )
        if updated:
            session.refresh_from_db()
            transaction.on_commit(lambda: hooks.session_completed.send_robust(sender=MentoringSession, session=session))
            transaction.on_commit(lambda: live.landing_changed(session=session, change="updated"))
    return bool(updated)
