"""The learner's feedback: a rating from 1 to 5 and a comment, once, after a completed
session they attended (verified by presence), so a mentor's ratings come only from sessions
that took place with that learner in the room."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import hooks
from core.bookings.models import Booking, BookingStatus
from core.mentoring.models import SessionStatus
from core.room.access import has_joined
from core.room.models import Feedback
from core.users.models import User

COMMENT_MAX = 2000


def feedback_refusal(*, booking: Booking, learner: User) -> str:
    """Why ``learner`` may not rate ``booking`` (yet), or "" when they may."""
    if booking.learner_id != learner.pk or booking.status != BookingStatus.CONFIRMED:
        return "Only the learner of this session can rate it."
    if booking.session.status != SessionStatus.COMPLETED:
        return "You can rate the session once it is completed."
    if not has_joined(session=booking.session, user_id=learner.pk):
        return "Only learners who joined the session can rate it, and you did not join this one."
    if Feedback.objects.filter(booking=booking).exists():
        return "You have rated this session already. Thank you!"
    return ""


def feedback_submit(*, booking: Booking, learner: User, rating, comment: str = "") -> Feedback:
    """Save the learner's feedback and send ``feedback_given``. Raises ValidationError (with
    the reason for the person) when they may not rate it, or for a rating outside 1..5."""
    refusal = feedback_refusal(booking=booking, learner=learner)
    if refusal:
        raise ValidationError(refusal, code="refused")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Choose 1 to 5 stars."})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": f"Keep the comment under {COMMENT_MAX:,} characters."})
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(booking=booking, rating=rating, comment=comment)
            transaction.on_commit(lambda: hooks.feedback_given.send_robust(sender=Feedback, feedback=feedback))
    except IntegrityError as exc:  # a double submit: the first one counted
        raise ValidationError("You have rated this session already. Thank you!", code="refused") from exc
    return feedback


def feedback_comments_erase_for(*, learner: User) -> int:
    """The learner's written comments go (DPDP); their ratings stay, unnamed, as the mentor's
    verified rating counts them. Returns how many comments."""
    return Feedback.objects.filter(booking__learner=learner).exclude(comment="").update(comment="")
